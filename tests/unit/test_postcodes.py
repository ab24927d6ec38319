"""Postcodes: validation, normalisation, district and sector; zone coverage areas."""

from __future__ import annotations

import pytest

from caremarket.domain.errors import InvalidPostcode
from caremarket.domain.postcodes import Postcode, normalise_postcode, parse_area, parse_postcode


@pytest.mark.parametrize(
    "typed",
    [
        "HR4 0LE",
        "hr4 0le",
        "HR40LE",
        "hr40le",
        "  HR4   0LE  ",
        "HR4\t0LE",
        "H R 4 0 L E",
        "Hr4 0lE",
    ],
)
def test_a_postcode_is_normalised_to_capitals_with_one_space(typed: str) -> None:
    assert normalise_postcode(typed) == "HR4 0LE"


def test_a_parsed_postcode_keeps_its_outward_and_inward_codes() -> None:
    assert parse_postcode("hr4 0le") == Postcode("HR4", "0LE")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("m11ae", "M1 1AE"),  # A9
        ("b338th", "B33 8TH"),  # A99
        ("cr26xh", "CR2 6XH"),  # AA9
        ("dn551pt", "DN55 1PT"),  # AA99
        ("w1a0ax", "W1A 0AX"),  # A9A
        ("ec1a1bb", "EC1A 1BB"),  # AA9A
        ("le18 2nh", "LE18 2NH"),
    ],
)
def test_every_shape_of_outward_code_is_accepted(typed: str, normalised: str) -> None:
    assert normalise_postcode(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "HR4",  # a district, not a full postcode
        "HR4 0",  # a sector
        "HR4 0L",
        "HR4 0LEE",
        "HR4 LE0",
        "4HR 0LE",
        "QR4 0LE",  # Q never opens a postcode
        "HI4 0LE",  # I never stands second
        "HR4 0CE",  # C never stands in the inward unit
        "HR4-0LE",
        "HR4 0LE X",
        "HR4O 0LE",
    ],
)
def test_an_invalid_postcode_is_refused(typed: str) -> None:
    with pytest.raises(InvalidPostcode):
        parse_postcode(typed)


def test_an_invalid_postcode_is_refused_with_a_message_naming_it_and_an_example() -> None:
    with pytest.raises(InvalidPostcode) as refused:
        parse_postcode("HR4 XYZ")
    assert str(refused.value) == "'HR4 XYZ' is not a valid UK postcode (e.g. HR4 0LE)"


def test_a_postcodes_district_is_its_outward_code() -> None:
    assert parse_postcode("hr4 0le").district == "HR4"


def test_a_postcodes_sector_is_its_outward_code_and_the_first_inward_digit() -> None:
    assert parse_postcode("hr4 0le").sector == "HR4 0"
    assert parse_postcode("ec1a1bb").sector == "EC1A 1"


def test_a_postcode_prints_in_its_normal_form() -> None:
    assert str(Postcode("LE18", "2NH")) == "LE18 2NH"


@pytest.mark.parametrize(
    ("typed", "area"),
    [
        ("HR4", "HR4"),
        ("hr4", "HR4"),
        (" hr4 ", "HR4"),
        ("HR4 0", "HR4 0"),
        ("hr4   0", "HR4 0"),
        ("ec1a 1", "EC1A 1"),
    ],
)
def test_a_zone_area_is_a_district_or_sector_normalised(typed: str, area: str) -> None:
    assert parse_area(typed) == area


@pytest.mark.parametrize("typed", ["", "HR4 0LE", "HR4 0L", "HR4 A", "HR", "4HR", "HR4 00"])
def test_an_area_that_is_neither_a_district_nor_a_sector_is_refused(typed: str) -> None:
    with pytest.raises(InvalidPostcode, match="is not a postcode district .* or sector"):
        parse_area(typed)
