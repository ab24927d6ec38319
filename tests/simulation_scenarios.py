"""A tiny simulation scenario for the tests of runs in the server: two options on the
Herefordshire preset for two weeks, two replications (under a second to run)."""

TINY = """\
title = "A tiny test"
weeks = 2
replications = 2
seed = 7

[market]
preset = "herefordshire"

[[options]]
name = "Zones"
policy = "herefordshire"

[[options]]
name = "Mini-competition"
policy = "st-helens"
"""
