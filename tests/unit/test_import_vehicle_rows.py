"""Checking the rows of vehicles, lots and lot memberships files, without a database."""

from __future__ import annotations

import io
from datetime import date

import pytest

from caremarket.domain.market import Tier, VehicleKind
from caremarket.imports.csvfile import Columns, Table, read_table
from caremarket.imports.lots import LOT_COLUMNS, parse_lot_reference, parse_lots
from caremarket.imports.memberships import MEMBERSHIP_COLUMNS, MembershipRow, parse_memberships
from caremarket.imports.packages import package_columns, parse_packages
from caremarket.imports.problems import Problems
from caremarket.imports.vehicles import VEHICLE_COLUMNS, VehicleRow, parse_vehicles
from tests.import_files import EXAMPLES


def table(columns: Columns, *lines: str) -> Table:
    return read_table(io.StringIO("\n".join(lines) + "\n"), columns)


def test_the_example_vehicle_is_a_framework_of_the_council_and_the_icb() -> None:
    problems = Problems()

    parsed = parse_vehicles(read_table(EXAMPLES / "vehicles.csv", VEHICLE_COLUMNS), problems)

    assert len(problems) == 0
    assert parsed == [
        VehicleRow(
            2,
            "HTLAH",
            "Help to Live at Home",
            VehicleKind.FRAMEWORK,
            ("HFD", "HCCG"),
            date(2017, 7, 1),
        )
    ]


def test_bad_vehicle_rows_are_each_reported_and_a_code_twice_names_the_first_line() -> None:
    problems = Problems()
    rows = table(
        VEHICLE_COLUMNS,
        "code,name,kind,commissioners,starts_on",
        "DPS1,St Helens DPS,dps,SHC,",
        "DPS2,Quarterly DPS,tender,SHC,",
        "DPS3,Open list,approved-list,SHC; SHC,",
        "DPS4,No one's,framework,;,",
        "DPS1,St Helens DPS again,Dynamic-Market,SHC,31/02/2024",
        "DPS1,St Helens DPS once more,dynamic-market,SHC,",
    )

    parsed = parse_vehicles(rows, problems)

    assert [v.code for v in parsed] == ["DPS1", "DPS1"]
    assert [(p.line, p.column) for p in problems.found] == [
        (3, "kind"),
        (4, "commissioners"),
        (5, "commissioners"),
        (6, "starts_on"),
        (7, "code"),
    ]
    assert problems.found[-1].reason == "vehicle DPS1 is also on line 2"


def test_the_example_lots_cover_zones_by_pathway_within_their_numbers_of_providers() -> None:
    problems = Problems()

    parsed = parse_lots(read_table(EXAMPLES / "lots.csv", LOT_COLUMNS), problems)

    assert len(problems) == 0
    first, *_, complex_north, _ = parsed
    assert (first.vehicle, first.lot.code, first.zones, first.services) == (
        "HTLAH",
        "O-A",
        ("A",),
        ("PC",),
    )
    assert (first.lot.pathway, first.lot.min_providers, first.lot.max_providers) == ("O", 1, 3)
    assert (complex_north.zones, complex_north.services) == (("A", "B"), ())
    assert complex_north.lot.max_providers is None


def test_a_lot_whose_numbers_of_providers_the_domain_refuses_is_reported() -> None:
    problems = Problems()
    rows = table(
        LOT_COLUMNS,
        "vehicle,code,name,zones,min_providers,max_providers",
        "HTLAH,O-A,Zone A,A,2,1",
        "HTLAH,O-B,Zone B,B,-1,",
        "HTLAH,O-C,Zone C,,1,",
        "HTLAH,O-D,Zone D,D,one,",
        "HTLAH,O-D,Zone D again,D,0,0",
    )

    parsed = parse_lots(rows, problems)

    assert [r.lot.code for r in parsed] == ["O-D"]
    assert [str(p) for p in problems.found] == [
        "line 2, max_providers '1': lot O-A: the maximum number of providers (1) is below the"
        " minimum (2)",
        "line 3, min_providers '-1': '-1' is not a whole number, 0 or more",
        "line 4, zones: zones is required",
        "line 5, min_providers 'one': 'one' is not a whole number, 0 or more",
    ]


def test_a_lot_is_named_elsewhere_as_vehicle_slash_lot() -> None:
    assert parse_lot_reference("HTLAH/O-A") == ("HTLAH", "O-A")
    assert parse_lot_reference(" HTLAH / O-A ") == ("HTLAH", "O-A")
    with pytest.raises(ValueError, match="write VEHICLE/LOT"):
        parse_lot_reference("O-A")


def test_the_example_memberships_read_tiers_leads_and_dates() -> None:
    problems = Problems()

    parsed = parse_memberships(
        read_table(EXAMPLES / "memberships.csv", MEMBERSHIP_COLUMNS), problems
    )

    assert len(problems) == 0
    assert parsed[0] == MembershipRow(
        2, "HTLAH", "O-A", "Wyeside Home Care", Tier.PREFERRED, None, date(2017, 7, 1)
    )
    assert (parsed[-1].tier, parsed[-1].lead) == (Tier.SUBCONTRACTOR, "Marches Community Care")


def test_a_membership_needs_a_known_tier_and_a_lot() -> None:
    problems = Problems()
    rows = table(
        MEMBERSHIP_COLUMNS,
        "vehicle,lot,provider,tier,lead,joined_on",
        "HTLAH,O-A,Wyeside Home Care,gold,,",
        "HTLAH,,Wyeside Home Care,Lead,,2017-13-01",
    )

    assert parse_memberships(rows, problems) == []
    assert [(p.line, p.column) for p in problems.found] == [
        (2, "tier"),
        (3, "lot"),
        (3, "joined_on"),
    ]


def test_a_package_may_name_its_lot_as_vehicle_slash_lot() -> None:
    problems = Problems()

    parsed = parse_packages(read_table(EXAMPLES / "packages.csv", package_columns()), problems)

    assert len(problems) == 0
    assert [p.lot for p in parsed] == [("HTLAH", "O-A"), ("HTLAH", "O-B"), None, ("HTLAH", "D-N")]
