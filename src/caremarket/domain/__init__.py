"""The rules of the home care market: standard library only, no clock, no I/O."""
