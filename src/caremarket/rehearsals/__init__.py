"""Rehearsals: a scripted day of requests and responses replayed against a copy of a market
under a sourcing policy, through the services live brokerage uses, on a simulated clock.

`script` reads a rehearsal file into events; `narrative` tells what a sourcing round did
between two moments. Both are pure; services/rehearsal.py does the replaying.
"""
