"""A provider's invoice against a payment run: every kind of difference, with totals; and the
invoice file read, every bad row reported."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from caremarket.domain.errors import ImportRejected
from caremarket.domain.payment_runs import RunLine
from caremarket.domain.rates import RateBasis
from caremarket.domain.reconciliation import Difference, Invoice, InvoiceLine, reconcile
from caremarket.domain.schedules import DateRange
from caremarket.imports.invoices import read_invoice

WEEK = DateRange(date(2017, 7, 10), date(2017, 7, 16))
MONDAY, TUESDAY = date(2017, 7, 10), date(2017, 7, 11)


def a_line(visit_id: str, day: date = MONDAY, amount: str = "7.90", **kw) -> RunLine:
    values = {
        "provider": "Wyeside Home Care",
        "visit_id": visit_id,
        "package_reference": "PKG-1",
        "day": day,
        "decided": "planned minutes: within tolerance",
        "planned_minutes": 30,
        "actual_seconds": 1800,
        "payable_minutes": 30,
        "carers_paid": 1,
        "rate": Decimal("15.80"),
        "basis": RateBasis.PER_HOUR,
        "enhancement": Decimal(1),
        "percent": Decimal(100),
        "amount": Decimal(amount),
        "funders": (("HFD", Decimal(amount)),),
        "held": False,
        "working": "",
    }
    return RunLine(**(values | kw))


def an_invoice(*lines: tuple[str | None, date, int, str]) -> Invoice:
    return Invoice(
        "INV-1",
        WEEK,
        tuple(
            InvoiceLine(n + 2, visit, "PKG-1", day, minutes, Decimal(amount))
            for n, (visit, day, minutes, amount) in enumerate(lines)
        ),
    )


def test_each_kind_of_difference_is_shown_with_the_totals() -> None:
    run = [
        a_line("V-1"),
        a_line("V-2"),
        a_line("V-3"),
        a_line("V-4"),
        a_line("V-5", day=TUESDAY),
        a_line("V-6", held=True),
    ]
    invoice = an_invoice(
        ("V-1", MONDAY, 30, "7.90"),  # agrees
        ("V-2", MONDAY, 45, "7.90"),  # different minutes
        ("V-3", MONDAY, 30, "8.00"),  # different amount
        ("V-4", MONDAY, 60, "15.80"),  # both
        (None, TUESDAY, 30, "7.90"),  # no visit ID: matched to V-5 by package and day
        ("V-6", MONDAY, 30, "7.90"),  # held by the run: not paid, so extra
        ("V-9", MONDAY, 30, "7.90"),  # unknown to the run: extra
    )
    result = reconcile(invoice, run)
    found = {(d.visit_id, d.difference) for d in result.differences}
    assert found == {
        ("V-2", Difference.MINUTES),
        ("V-3", Difference.AMOUNT),
        ("V-4", Difference.MINUTES_AND_AMOUNT),
        ("V-6", Difference.EXTRA),
        ("V-9", Difference.EXTRA),
    }
    assert result.matched == 2
    assert (result.invoiced, result.paid) == (Decimal("63.30"), Decimal("39.50"))
    assert result.difference == Decimal("23.80")


def test_a_visit_paid_but_not_invoiced_is_missing_and_adjustments_count_with_it() -> None:
    run = [a_line("V-1"), a_line("V-2", amount="3.95"), a_line("V-2", amount="3.95", adjusts_id=7)]
    result = reconcile(an_invoice(("V-2", MONDAY, 30, "7.90")), run)
    [missing] = result.differences
    assert (missing.visit_id, missing.difference, missing.paid) == (
        "V-1",
        Difference.MISSING,
        Decimal("7.90"),
    )
    assert result.matched == 1


def test_an_invoice_file_is_read_and_every_bad_row_reported() -> None:
    good = io.StringIO(
        "visit_id,package_reference,date,minutes,amount,notes\n"
        "V-1,PKG-1,2017-07-10,30,£7.90,first\n"
        ",PKG-1,11/07/2017,30,7.90,\n"
    )
    invoice = read_invoice(good, reference="INV-1", period=WEEK)
    assert [(x.line, x.visit_id, x.day, x.amount) for x in invoice.lines] == [
        (2, "V-1", MONDAY, Decimal("7.90")),
        (3, None, TUESDAY, Decimal("7.90")),
    ]
    bad = io.StringIO(
        "visit_id,package_reference,date,minutes,amount\n"
        "V-1,PKG-1,2017-07-10,thirty,7.90\n"
        "V-2,PKG-1,2017-07-20,30,7.90\n"
        "V-1,PKG-1,2017-07-10,30,7.905\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        read_invoice(bad, reference="INV-2", period=WEEK)
    assert [(p.line, p.column) for p in rejected.value.problems] == [
        (2, "minutes"),
        (3, "date"),
        (4, "amount"),
    ]
