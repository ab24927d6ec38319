"""A design on wards becomes zones of postcode sectors: each sector to its majority zone."""

from __future__ import annotations

import pytest

from caremarket.domain.zone_designs import InvalidDesign, sectors_of


def test_a_sector_goes_to_the_zone_holding_most_of_its_postcodes() -> None:
    postcodes = [
        ("HR1 1", "W1"),
        ("HR1 1", "W1"),
        ("HR1 1", "W2"),
        ("HR2 7", "W2"),
        ("HR3 5", "W3"),
        ("HR3 5", "W2"),
    ]  # HR3 5: a tie, to the first zone
    zones = sectors_of({"B": ["W2"], "A": ["W1", "W3"]}, postcodes)
    assert zones == {"A": ("HR1 1", "HR3 5"), "B": ("HR2 7",)}


def test_a_ward_in_two_zones_or_a_zone_without_sectors_is_refused() -> None:
    with pytest.raises(InvalidDesign, match="W1 is in zone A and zone B"):
        sectors_of({"A": ["W1"], "B": ["W1"]}, [("HR1 1", "W1")])
    with pytest.raises(InvalidDesign, match="zone B would cover no postcode sector"):
        sectors_of({"A": ["W1"], "B": ["W2"]}, [("HR1 1", "W1"), ("HR1 1", "W2"), ("HR1 1", "W1")])
