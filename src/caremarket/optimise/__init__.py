"""Optimisation: proposing zone maps (zone design) and the baseline they are compared with."""
