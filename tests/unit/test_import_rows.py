"""Checking the rows of zones, providers and gazetteer files, without a database."""

from __future__ import annotations

import io

from caremarket.domain.market import CqcRating, ProviderStatus
from caremarket.imports.commissioners import FileCommissioner
from caremarket.imports.csvfile import read_table
from caremarket.imports.postcodes import POSTCODE_COLUMNS, parse_postcodes
from caremarket.imports.problems import Problems
from caremarket.imports.providers import PROVIDER_COLUMNS, parse_providers
from caremarket.imports.zones import ZoneRow, check_overlaps, parse_zones, zone_columns
from tests.builders import a_zone


def test_zone_areas_are_normalised_districts_and_sectors() -> None:
    problems = Problems()
    table = read_table(
        io.StringIO("commissioner,code,name,areas\nHFD,A,Zone A,hr6;  hr5   3;\n"), zone_columns()
    )

    (zone,) = parse_zones(table, problems)

    assert zone == ZoneRow(2, "HFD", "A", "Zone A", ("HR6", "HR5 3"))
    assert len(problems) == 0


def test_bad_zone_rows_are_each_reported_and_left_out() -> None:
    problems = Problems()
    text = "code,name,areas\nA,Zone A,HR6\nB,,HR7\nC,Zone C,Hereford\nA,Zone A again,HR8\n"
    table = read_table(io.StringIO(text), zone_columns(FileCommissioner(chosen="HFD")))

    zones = parse_zones(table, problems, commissioner=FileCommissioner(chosen="HFD"))

    assert [z.code for z in zones] == ["A", "A"]
    assert [(p.line, p.column) for p in problems.found] == [(3, "name"), (4, "areas"), (5, "code")]
    assert problems.found[-1].reason == "zone A is also on line 2"


def test_an_area_in_two_zones_of_one_commissioner_overlaps() -> None:
    problems = Problems()
    rows = [
        ZoneRow(2, "HFD", "B", "Zone B", ("HR5 3", "HR5")),
        ZoneRow(3, "OTHER", "C", "C", ("HR6",)),
    ]

    check_overlaps(rows, [a_zone()], problems)

    assert [str(p) for p in problems.found] == ["line 2, areas 'HR5 3': HR5 3 is already in zone A"]


def test_providers_read_their_locations_rating_and_status() -> None:
    problems = Problems()
    text = (
        "name,cqc_location_ids,cqc_rating,status\n"
        "Wyeside Home Care,1-101634823; 1-101634824,requires improvement,Suspended\n"
        "Marches Care,1-2203948112,,\n"
    )

    parsed = parse_providers(read_table(io.StringIO(text), PROVIDER_COLUMNS), problems)

    (_, wyeside), (_, marches) = parsed
    assert wyeside.cqc_location_ids == ("1-101634823", "1-101634824")
    assert (wyeside.cqc_rating, wyeside.status) == (
        CqcRating.REQUIRES_IMPROVEMENT,
        ProviderStatus.SUSPENDED,
    )
    assert (marches.cqc_rating, marches.status) == (CqcRating.NOT_YET_RATED, ProviderStatus.ACTIVE)


def test_bad_provider_rows_are_each_reported() -> None:
    problems = Problems()
    text = (
        "name,cqc_location_ids,cqc_rating,status\n"
        "A,101634823,Good,active\n"
        "B,1-101634823,Brilliant,closed\n"
        "C,,Good,active\n"
        "D,1-101634823,Good,active\n"
    )

    parse_providers(read_table(io.StringIO(text), PROVIDER_COLUMNS), problems)

    assert [(p.line, p.column) for p in problems.found] == [
        (2, "cqc_location_ids"),
        (3, "cqc_rating"),
        (3, "status"),
        (4, "cqc_location_ids"),
    ]


def test_a_cqc_location_on_two_providers_is_reported() -> None:
    problems = Problems()
    text = "name,cqc_location_ids\nA,1-101634823\nB,1-101634823\n"

    parse_providers(read_table(io.StringIO(text), PROVIDER_COLUMNS), problems)

    assert [str(p) for p in problems.found] == [
        "line 3, cqc_location_ids '1-101634823': CQC location 1-101634823 is also on line 2"
    ]


def test_gazetteer_rows_are_normalised_and_checked() -> None:
    problems = Problems()
    text = (
        "postcode,latitude,longitude,lad_code,ward_code,pqi\n"
        "hr40le,52.059542,-2.727409,e06000019,,10\n"
        "HR4 0LE,52.05,-2.72,E06000019,E05009489,10\n"
        "XX,91,-2.7,Hereford,E05009489,10\n"
    )
    table = read_table(io.StringIO(text), POSTCODE_COLUMNS)

    entries = parse_postcodes(table, problems)

    assert entries[0] == {
        "postcode": "HR4 0LE",
        "latitude": 52.059542,
        "longitude": -2.727409,
        "lad_code": "E06000019",
        "ward_code": None,
    }
    assert table.warnings == ()
    assert [(p.line, p.column) for p in problems.found] == [
        (4, "postcode"),
        (4, "latitude"),
        (4, "lad_code"),
        (3, "postcode"),
    ]
