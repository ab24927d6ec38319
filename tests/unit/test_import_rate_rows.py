"""Checking the rows of rate card files, without a database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from caremarket.domain.rates import RateBasis
from caremarket.imports.commissioners import FileCommissioner
from caremarket.imports.csvfile import read_table
from caremarket.imports.problems import Problems
from caremarket.imports.rates import RateRow, parse_rates, rate_columns
from tests.import_files import EXAMPLES

HEADER = "commissioner,card,service,zone,basis,amount,effective_from"


def rates(*lines: str) -> tuple[list[RateRow], Problems]:
    problems = Problems()
    table = read_table(io.StringIO("\n".join((HEADER, *lines)) + "\n"), rate_columns())
    return parse_rates(table, problems), problems


def test_the_example_rates_are_herefordshires_2017_18_card_with_a_zone_of_its_own() -> None:
    problems = Problems()

    parsed = parse_rates(read_table(EXAMPLES / "rates.csv", rate_columns()), problems)

    assert len(problems) == 0
    assert parsed[:2] == [
        RateRow(
            2, "HFD", "2017/18", "PC", None, RateBasis.PER_HOUR, Decimal("15.80"), date(2017, 4, 1)
        ),
        RateRow(
            3, "HFD", "2017/18", "PC", "C", RateBasis.PER_HOUR, Decimal("16.50"), date(2017, 4, 1)
        ),
    ]
    assert parsed[2].effective_from == date(2017, 4, 1)  # written 01/04/2017


def test_amounts_are_pounds_to_the_penny_at_most_and_not_negative() -> None:
    parsed, problems = rates(
        "HFD,2017/18,PC,,flat,£60,2017-04-01",
        "HFD,2017/18,PC,,per-hour,15.805,2017-04-01",
        "HFD,2017/18,PC,,per-hour,-1,2017-04-01",
        "HFD,2017/18,PC,,per-hour,fifteen,2017-04-01",
    )

    assert [(r.basis, r.amount) for r in parsed] == [(RateBasis.FLAT, Decimal("60.00"))]
    assert [str(p) for p in problems.found] == [
        "line 3, amount '15.805': '15.805' is not an amount in pounds and pence",
        "line 4, amount '-1': an amount cannot be negative",
        "line 5, amount 'fifteen': 'fifteen' is not an amount in pounds and pence",
    ]


def test_each_bad_cell_of_a_rate_row_is_reported() -> None:
    parsed, problems = rates(",,PC,,weekly,15.80,1 April 2017")

    assert parsed == []
    assert [(p.line, p.column) for p in problems.found] == [
        (2, "commissioner"),
        (2, "card"),
        (2, "basis"),
        (2, "effective_from"),
    ]


def test_a_second_rate_for_the_same_card_service_zone_and_date_names_the_first_line() -> None:
    _, problems = rates(
        "HFD,2017/18,PC,,per-hour,15.80,2017-04-01",
        "HFD,2017/18,PC,A,per-hour,16.00,2017-04-01",
        "HFD,2018/19,PC,,per-hour,16.20,2017-04-01",
        "HFD,2017/18,PC,,per-hour,15.90,01/04/2017",
    )

    assert [str(p) for p in problems.found] == [
        "line 5, service 'PC in every zone from 01/04/2017 on 2017/18': the rate for PC in every"
        " zone from 01/04/2017 on 2017/18 is also on line 2"
    ]


def test_a_rates_file_for_one_commissioner_may_leave_out_the_column() -> None:
    problems = Problems()
    chosen = FileCommissioner(chosen="HFD")
    text = "card,service,basis,amount,effective_from\n2017/18,PC,per-hour,15.80,2017-04-01\n"

    (rate,) = parse_rates(
        read_table(io.StringIO(text), rate_columns(chosen)), problems, commissioner=chosen
    )

    assert rate.commissioner == "HFD"
