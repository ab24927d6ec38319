"""Checking the rows of a care packages file, without a database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from caremarket.domain.packages import FundingShare, PackageStatus
from caremarket.domain.postcodes import parse_postcode
from caremarket.domain.priority import Risk
from caremarket.imports.csvfile import read_table
from caremarket.imports.packages import PackageRow, package_columns, parse_funding, parse_packages
from caremarket.imports.problems import Problems

HEADER = (
    "reference,person_reference,nhs_number,postcode,commissioner,zone,service,pattern,"
    "weekly_hours,start_on,end_on,status,provider,funding"
)
GOOD = (
    "PKG-1,P-1,943 476 5919,hr6 8by,HFD,A,PC,4x30 daily,14,01/07/2017,,Active,Wyeside,"
    "HFD 80; PERSON 20"
)


def parse(*rows: str) -> tuple[list[PackageRow], Problems]:
    problems = Problems()
    table = read_table(io.StringIO("\n".join((HEADER, *rows)) + "\n"), package_columns())
    return parse_packages(table, problems), problems


def problem_at(row: str) -> tuple[str, str]:
    """(column, reason) of the one problem a single row has."""
    _, problems = parse(row)
    (problem,) = problems.found
    return problem.column, problem.reason


def test_a_good_row_is_read_into_checked_values() -> None:
    (package,), problems = parse(GOOD)

    assert len(problems) == 0
    assert package == PackageRow(
        line=2,
        reference="PKG-1",
        person_reference="P-1",
        nhs_number="9434765919",
        postcode=parse_postcode("HR6 8BY"),
        commissioner="HFD",
        zone="A",
        service="PC",
        pattern=package.pattern,
        start_on=date(2017, 7, 1),
        end_on=None,
        status=PackageStatus.ACTIVE,
        provider="Wyeside",
        funding=(FundingShare("HFD", Decimal(80)), FundingShare("PERSON", Decimal(20))),
    )


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        (("hr6 8by", "HR6"), "postcode", "not a valid UK postcode"),
        (("943 476 5919", "943 476 5918"), "nhs_number", "check digit is wrong"),
        (("4x30 daily", "four a day"), "pattern", "is not a visit line"),
        ((",14,", ",-14,"), "weekly_hours", "weekly hours cannot be negative"),
        ((",14,", ",15,"), "weekly_hours", "is 14 hours a week"),
        ((",14,", ",lots,"), "weekly_hours", "is not a number"),
        (("01/07/2017,", "31/06/2017,"), "start_on", "is not a date"),
        (("01/07/2017,,", "01/07/2017,2017-06-30,"), "end_on", "ends before it starts"),
        (("Active", "pending"), "status", "is not one of"),
        (("HFD 80; PERSON 20", "HFD 80; PERSON 10"), "funding", "exactly 100%, not 90.00%"),
        (("HFD 80; PERSON 20", "HFD 80; HFD 20"), "funding", "a funder is named twice"),
        (("PKG-1,", ","), "reference", "reference is required"),
    ],
)
def test_a_bad_cell_is_reported_with_its_column_and_reason(
    change: tuple[str, str], column: str, reason: str
) -> None:
    found_column, found_reason = problem_at(GOOD.replace(*change, 1))

    assert found_column == column
    assert reason in found_reason


def test_weekly_hours_match_the_pattern_to_the_places_written() -> None:
    row = GOOD.replace("4x30 daily,14", "1x20 daily,2.33")

    (package,), problems = parse(row)

    assert len(problems) == 0


def test_every_bad_cell_of_a_row_is_reported() -> None:
    rows, problems = parse(GOOD.replace("hr6 8by", "nowhere").replace("4x30 daily", "often"))

    assert rows == []
    assert [p.column for p in problems.found] == ["pattern", "postcode"]


def test_a_duplicate_reference_names_both_lines() -> None:
    rows, problems = parse(GOOD, GOOD.replace("P-1", "P-2"))

    assert [str(p) for p in problems.found] == [
        "line 3, reference 'PKG-1': reference PKG-1 is also on line 2"
    ]


def test_one_person_gives_the_same_postcode_on_each_package() -> None:
    other = GOOD.replace("PKG-1", "PKG-2").replace("hr6 8by", "HR4 0LE")

    _, problems = parse(GOOD, other)

    assert [str(p) for p in problems.found] == [
        "line 3, postcode 'HR4 0LE': person P-1 has postcode HR6 8BY on line 2"
    ]


def test_funding_is_funders_and_percentage_shares() -> None:
    assert parse_funding("HFD 62.5%; HCCG 37.5") == (
        FundingShare("HFD", Decimal("62.5")),
        FundingShare("HCCG", Decimal("37.5")),
    )


def parse_with_need(risk: str, breakdown: str, fit: str) -> tuple[list[PackageRow], Problems]:
    problems = Problems()
    text = (
        HEADER
        + ",risk,carer_breakdown,fit_for_discharge_on\n"
        + GOOD
        + f",{risk},{breakdown},{fit}\n"
    )
    table = read_table(io.StringIO(text), package_columns())
    return parse_packages(table, problems), problems


def test_a_row_may_say_what_the_waiting_list_weighs() -> None:
    (package,), problems = parse_with_need("High", "yes", "28/11/2026")
    assert len(problems) == 0
    assert (package.risk, package.carer_breakdown, package.fit_for_discharge_on) == (
        Risk.HIGH,
        True,
        date(2026, 11, 28),
    )


def test_need_columns_are_checked() -> None:
    _, problems = parse_with_need("severe", "perhaps", "")
    assert sorted((p.column, p.reason) for p in problems.found) == [
        ("carer_breakdown", "'perhaps' is not yes or no"),
        ("risk", "'severe' is not one of: low, medium, high"),
    ]


def test_a_weekly_contribution_is_kept_beside_the_percentage_shares() -> None:
    problems = Problems()
    header = HEADER + ",weekly_contribution"
    rows = (
        GOOD + ",£20.50",
        GOOD.replace("PKG-1", "PKG-2") + ",0",
        GOOD.replace("PKG-1", "PKG-3") + ",",
    )
    table = read_table(io.StringIO("\n".join((header, *rows)) + "\n"), package_columns())

    first, zero, empty = parse_packages(table, problems)

    assert len(problems) == 0
    assert first.funding == (
        FundingShare("PERSON", Decimal(0), Decimal("20.50")),
        FundingShare("HFD", Decimal(80)),
        FundingShare("PERSON", Decimal(20)),
    )
    assert (
        zero.funding
        == empty.funding
        == (
            FundingShare("HFD", Decimal(80)),
            FundingShare("PERSON", Decimal(20)),
        )
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("twenty", "not an amount in pounds and pence"),
        ("20.505", "not an amount in pounds and pence"),
        ("-5.00", "an amount cannot be negative"),
        ("1e30", "not an amount in pounds and pence"),
    ],
)
def test_a_bad_weekly_contribution_is_the_rows_problem_with_its_line_and_column(
    value: str, reason: str
) -> None:
    problems = Problems()
    header = HEADER + ",weekly_contribution"
    rows = (GOOD.replace("PKG-1", "PKG-0") + ",5.00", GOOD + "," + value)
    table = read_table(io.StringIO("\n".join((header, *rows)) + "\n"), package_columns())

    parsed = parse_packages(table, problems)

    assert [p.reference for p in parsed] == ["PKG-0"]
    (problem,) = problems.found
    assert (problem.line, problem.column) == (3, "weekly_contribution")
    assert reason in problem.reason
