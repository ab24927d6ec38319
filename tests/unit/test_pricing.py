"""Pricing an ECM file with no database: the rate of the visit's service on its day, the rates
file refused whole when wrong, flat-rate services, and the checks that need no schedule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.errors import ImportRejected
from caremarket.domain.payments import Decided, PaymentRules
from caremarket.domain.rates import RateBasis
from caremarket.imports.price_rates import PriceRate, read_price_rates
from caremarket.services.pricing import NoRate, lines_csv, price_ecm_file, rate_for, read_rules
from tests.import_files import csv_file

HEADER = "visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end"
RATES = [
    PriceRate(None, RateBasis.PER_HOUR, Decimal("15.80"), date(2017, 4, 1)),
    PriceRate(None, RateBasis.PER_HOUR, Decimal("16.30"), date(2018, 4, 1)),
    PriceRate("SLEEP-IN", RateBasis.FLAT, Decimal("102.40"), date(2017, 4, 1)),
]


def visits(*rows: str, header: str = HEADER):
    return csv_file(header, *rows)


def test_the_rate_is_the_services_own_in_force_on_the_day_else_every_services():
    [before, after, night] = price_ecm_file(
        PaymentRules(),
        RATES,
        visits(
            "V-1,P,2018-03-31 08:00,30,completed,2018-03-31 08:00,2018-03-31 08:30,",
            "V-2,P,2018-04-01 08:00,30,completed,2018-04-01 08:00,2018-04-01 08:30,",
            "V-3,P,2018-04-01 22:00,480,completed,2018-04-01 22:00,2018-04-02 06:00,sleep-in",
            header=HEADER + ",service",
        ),
    ).lines
    assert (before.rate.amount, before.amount) == (Decimal("15.80"), Decimal("7.90"))
    assert (after.rate.amount, after.amount) == (Decimal("16.30"), Decimal("8.15"))
    # a sleep-in is paid as planned (the rules' paid_as_planned), at its flat rate a night
    assert (night.decided, night.amount) == (Decided.FLAT_RATE_SERVICE, Decimal("102.40"))


def test_a_visit_with_no_rate_is_named():
    with pytest.raises(NoRate, match="V-1: no rate .* on 01/01/2017"):
        price_ecm_file(
            PaymentRules(),
            RATES,
            visits("V-1,P,2017-01-01 08:00,30,completed,2017-01-01 08:00,2017-01-01 08:30"),
        )


def test_checks_that_need_no_schedule_hold_lines_out_of_the_paid_total():
    pricing = price_ecm_file(
        PaymentRules(),
        RATES,
        visits(
            "V-1,P,2017-07-03 08:00,30,completed,2017-07-03 08:30,2017-07-03 08:00",
            "V-2,P,2017-07-03 09:00,30,completed,2017-07-03 09:00,2017-07-03 09:30",
            "V-3,P,2017-07-03 10:00,30,bad,2017-07-03 10:00,2017-07-03 10:30",
        ),
    )
    held, paid = pricing.lines
    assert held.held and [f.code.value for f in held.flags] == ["check-out before check-in"]
    assert (pricing.totals.paid, pricing.totals.held_lines) == (Decimal("7.90"), 1)
    assert [(p.line, p.column) for p in pricing.problems] == [(4, "status")]
    written = lines_csv(pricing).splitlines()
    assert written[0].startswith("visit_id,package_reference,person_reference,day,decided")
    assert written[2].split(",")[:4] == ["V-2", "P", "", "2017-07-03"]


def test_a_rates_file_with_a_bad_row_is_refused_naming_every_problem():
    with pytest.raises(ImportRejected) as refused:
        read_price_rates(
            csv_file(
                "service,basis,amount,effective_from",
                ",per-hour,15.80,2017-04-01",
                ",hourly,15.80,2018-04-01",
                ",per-hour,16.00,01/04/2017",
            )
        )
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (3, "basis"),
        (4, "effective_from"),
    ]


def test_rules_leave_bank_holidays_to_england_and_wales_unless_they_list_their_own():
    assert date(2018, 4, 2) in read_rules("bank_holiday_multiplier = 1.5\n").bank_holidays
    own = read_rules('bank_holidays = ["2018-04-03"]\n')
    assert own.bank_holidays == frozenset({date(2018, 4, 3)})


def test_rate_for_matches_the_service_ignoring_case():

    record = VisitRecord(
        "V", datetime(2017, 7, 3, 22, tzinfo=LONDON), 480, VisitStatus.COMPLETED, "P"
    )
    assert rate_for(RATES, replace(record, service="Sleep-In")).amount == Decimal("102.40")
    assert rate_for(RATES, record).amount == Decimal("15.80")
