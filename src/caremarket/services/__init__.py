"""Use cases: each opens a unit of work, lets the domain decide, and commits once."""
