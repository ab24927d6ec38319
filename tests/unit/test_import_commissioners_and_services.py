"""Checking the rows of commissioners and service types files, without a database."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from caremarket.domain.errors import ImportRejected
from caremarket.domain.market import Commissioner, CommissionerKind, ServiceKind, ServiceType
from caremarket.imports.commissioner_rows import COMMISSIONER_COLUMNS, parse_commissioners
from caremarket.imports.csvfile import read_table
from caremarket.imports.problems import Problems
from caremarket.imports.service_types import SERVICE_COLUMNS, parse_services
from tests.builders import HEREFORDSHIRE_RULES

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"


def commissioners(text: str) -> tuple[list[tuple[int, Commissioner]], Problems]:
    problems = Problems()
    table = read_table(io.StringIO(text), COMMISSIONER_COLUMNS)
    return parse_commissioners(table, problems), problems


def services(text: str) -> tuple[list[tuple[int, ServiceType]], Problems]:
    problems = Problems()
    return parse_services(read_table(io.StringIO(text), SERVICE_COLUMNS), problems), problems


def test_the_example_commissioners_are_a_council_with_pathway_rules_and_an_icb() -> None:
    problems = Problems()
    table = read_table(EXAMPLES / "commissioners.csv", COMMISSIONER_COLUMNS)

    (line, council), (_, icb) = parse_commissioners(table, problems)

    assert len(problems) == 0
    assert line == 2
    assert (council.code, council.name, council.kind) == (
        "HFD",
        "Herefordshire Council",
        CommissionerKind.COUNCIL,
    )
    assert council.pathway_rules == HEREFORDSHIRE_RULES
    assert (icb.code, icb.kind, icb.pathway_rules) == ("HCCG", CommissionerKind.ICB, None)


def test_a_commissioners_kind_is_read_in_any_case() -> None:
    ((_, commissioner),), problems = commissioners("code,name,kind\nHCCG,Herefordshire CCG,ICB\n")
    assert commissioner.kind is CommissionerKind.ICB
    assert len(problems) == 0


def test_bad_commissioner_rows_are_each_reported_and_left_out() -> None:
    text = (
        "code,name,kind,pathway_rules\n"
        "HFD,Herefordshire Council,council,else O\n"
        "H FD,Spaced,council,\n"
        "WOR,,council,\n"
        "SHR,Shropshire Council,county,\n"
        "TFW,Telford and Wrekin,council,D if weekly hours >= 28\n"
        "PERSON,A person,council,\n"
        "HFD,Herefordshire again,council,\n"
    )

    parsed, problems = commissioners(text)

    assert [c.code for _, c in parsed] == ["HFD", "HFD"]
    assert [(p.line, p.column) for p in problems.found] == [
        (3, "code"),
        (4, "name"),
        (5, "kind"),
        (6, "pathway_rules"),
        (7, "code"),
        (8, "code"),
    ]
    reasons = [p.reason for p in problems.found]
    assert reasons[0].startswith("'H FD' is not a code")
    assert reasons[1] == "name is required"
    assert reasons[2] == "'county' is not one of: council, icb"
    assert reasons[3].startswith("pathway rules must end with 'else P'")
    assert reasons[4] == "PERSON stands for the person's own contribution"
    assert reasons[5] == "commissioner HFD is also on line 2"


def test_the_pathway_rules_column_may_be_left_out() -> None:
    ((_, commissioner),), problems = commissioners("code,name,kind\nHFD,Herefordshire,council\n")
    assert commissioner.pathway_rules is None
    assert len(problems) == 0


def test_a_commissioners_file_without_kind_is_refused_at_once() -> None:
    with pytest.raises(ImportRejected) as caught:
        commissioners("code,name\nHFD,Herefordshire Council\n")
    assert "lacks the required column kind" in caught.value.problems[0].reason


def test_the_example_service_types_are_visits_24_hour_and_sleep_in() -> None:
    problems = Problems()
    table = read_table(EXAMPLES / "services.csv", SERVICE_COLUMNS)

    parsed = parse_services(table, problems)

    assert len(problems) == 0
    assert [(line, s.code, s.kind) for line, s in parsed] == [
        (2, "PC", ServiceKind.VISITS),
        (3, "24H", ServiceKind.TWENTY_FOUR_HOUR),
        (4, "SLEEP-IN", ServiceKind.SLEEP_IN),
    ]


def test_bad_service_type_rows_are_each_reported_and_left_out() -> None:
    text = (
        "code,name,kind\n"
        "PC,Personal care,visits\n"
        "@PC,Personal care,visits\n"
        f"PC2,{'x' * 201},visits\n"
        "NIGHT,Waking nights,waking night\n"
        "PC,Personal care again,Visits\n"
        f"{'X' * 33},Long code,visits\n"
    )

    parsed, problems = services(text)

    assert [s.code for _, s in parsed] == ["PC", "PC"]
    by_line = sorted(problems.found, key=lambda p: p.line)
    assert [str(p) for p in by_line[1:]] == [
        "line 4, name '" + "x" * 201 + "': a name is at most 200 characters long",
        "line 5, kind 'waking night': 'waking night' is not one of: visits, 24-hour, sleep-in",
        "line 6, code 'PC': service type PC is also on line 2",
        "line 7, code '" + "X" * 33 + "': a code is at most 32 characters long",
    ]
    assert by_line[0].reason.startswith("'@PC' is not a code")
