"""Spend by funder and delivered versus planned hours on plain values, worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from caremarket.reports.delivery import RecordedVisit, delivered_hours
from caremarket.reports.spend import PaidLine, spend_by_funder

NAMES = {"HFD": "Herefordshire Council", "HCCG": "NHS Herefordshire CCG"}
SINCE, ON = date(2026, 11, 2), date(2026, 11, 15)


def a_line(day: date, *funders: tuple[str, str], approved: bool = True, run: str = "R1"):
    parts = tuple((f, Decimal(a)) for f, a in funders)
    return PaidLine(run, approved, "Wyeside", "A", day, parts)


def test_the_persons_contributions_come_last_and_an_adjustment_counts_with_its_sign() -> None:
    lines = [
        a_line(date(2026, 11, 2), ("PERSON", "2.00"), ("HFD", "5.90")),
        a_line(date(2026, 11, 9), ("HCCG", "3.00"), ("HFD", "4.90")),
        a_line(date(2026, 11, 3), ("HFD", "-1.00"), run="R2"),  # an adjustment
        a_line(date(2026, 11, 16), ("HFD", "9.99")),  # after the period
        a_line(date(2026, 11, 4), ("HFD", "7.00"), approved=False),  # a draft
    ]
    table = spend_by_funder(
        lines, funder_names=NAMES, own="HFD", commissioner="Herefordshire", since=SINCE, on=ON
    )
    assert [c.heading for c in table.columns][2:] == [
        "Herefordshire Council (HFD)",
        "NHS Herefordshire CCG (HCCG)",
        "The person's contributions",
        "Total",
    ]
    assert table.totals.cells[2:] == (Decimal("9.80"), Decimal("3.00"), Decimal("2.00"),
                                      Decimal("14.80"))  # fmt: skip
    assert table.value("2026-11-02", "Total") == Decimal("6.90")
    assert table.value("R2", "Herefordshire Council (HFD)") == Decimal("-1.00")
    with_drafts = spend_by_funder(
        lines,
        funder_names=NAMES,
        own="HFD",
        commissioner="Herefordshire",
        since=SINCE,
        on=ON,
        drafts=True,
    )
    assert with_drafts.totals.cells[-1] == Decimal("21.80")


def test_delivery_is_delivered_hours_over_planned_and_no_plan_has_no_share() -> None:
    visits = [
        RecordedVisit("Wyeside", "A", date(2026, 11, 2), 60, "completed", 45 * 60),
        RecordedVisit("Wyeside", "A", date(2026, 11, 3), 30, "missed", None),
        RecordedVisit("Marches", "B", date(2026, 11, 3), 0, "completed", 600),
    ]
    table = delivered_hours(visits, commissioner="Herefordshire", since=SINCE, on=ON)
    assert table.value("Wyeside", "Delivery %") == 50  # 0.75 of 1.5 hours
    assert table.value("Marches", "Delivery %") is None
    assert table.value("2026-11-02", "Missed visits") == 1
