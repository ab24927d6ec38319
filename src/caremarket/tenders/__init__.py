"""Tenders run from files: a council's evaluation of the bids, with no database."""
