"""The person's weekly assessed contribution in a payment run: taken first from the week's
lines, in order of day, up to what the week costs, pro rata for a partial week; the rest by
the funding's percentages, to the penny; shown on the remittance and in the export."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.packages import FundingShare
from caremarket.reports.payments import export_table, remittance_table
from caremarket.services import payments
from caremarket.services.ports import AuditFilter
from tests.builders import A_MOMENT
from tests.integration.test_payment_runs import (
    FINANCE,
    NEXT_WEEK,
    WEEK,
    a_record,
    keep,
    kept,
    lines_of,
)

__all__ = ["kept"]  # the fixture, shared


def test_the_weekly_contribution_is_paid_first_then_the_percentages(
    uow: SqlUnitOfWork, kept
) -> None:
    payments.set_assessed_contribution(uow, "PKG-0001", Decimal("20.00"), by=FINANCE, now=A_MOMENT)
    keep(uow, kept, *(a_record(WEEK[0] + timedelta(days=n)) for n in range(7)))
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    lines = lines_of(uow, run.reference)
    # £7.90 a visit, £55.30 the week: the person's £20.00 pays Monday, Tuesday and £4.20 of
    # Wednesday; the council the rest
    assert [dict(x.funders) for x in lines[:4]] == [
        {"PERSON": Decimal("7.90"), "HFD": Decimal("0.00")},
        {"PERSON": Decimal("7.90"), "HFD": Decimal("0.00")},
        {"PERSON": Decimal("4.20"), "HFD": Decimal("3.70")},
        {"HFD": Decimal("7.90")},
    ]
    assert "assessed contribution (£20.00 a week" in lines[2].working
    assert sum(dict(x.funders).get("PERSON", 0) for x in lines) == Decimal("20.00")
    assert sum(x.amount for x in lines) == Decimal("55.30")
    with uow:
        [set_] = uow.audit.search(
            AuditFilter(object_type="care package", object_ref="PKG-0001"), limit=5, offset=0
        )[0]
        assert (set_.action, set_.changes["weekly"]) == ("assessed contribution set", "20.00")

    remittance = remittance_table(run, lines[0].provider, lines, commissioner="Herefordshire")
    assert any("assessed contributions: £20.00" in note for note in remittance.notes)
    export = export_table(run, lines, commissioner="Herefordshire")
    person_rows = [r.cells for r in export.rows if r.cells[9] == "PERSON"]
    assert [r[10] for r in person_rows] == [Decimal("7.90"), Decimal("7.90"), Decimal("4.20")]


def test_a_partial_week_takes_the_contribution_pro_rata_and_never_more_than_the_cost(
    uow: SqlUnitOfWork, kept
) -> None:
    with uow:
        package = uow.packages.get("PKG-0001")
        package.end_on = NEXT_WEEK[0] + timedelta(days=2)  # ends on the Wednesday
        package.funding = (FundingShare("HFD", Decimal(60)), FundingShare("NHS", Decimal(40)))
        uow.commit()
    payments.set_assessed_contribution(uow, "PKG-0001", Decimal("20.00"), by=FINANCE, now=A_MOMENT)
    keep(uow, kept, *(a_record(NEXT_WEEK[0] + timedelta(days=n)) for n in range(3)))
    run = payments.create_run(uow, "HFD", *NEXT_WEEK, by=FINANCE, now=A_MOMENT)
    lines = lines_of(uow, run.reference)
    # 3 days of 7: £20.00 × 3 / 7 = £8.5714…, £8.57; Tuesday's £7.23 left is 60/40:
    # £4.338 and £2.892, rounded down £4.33 and £2.89; the penny left goes to the part that
    # lost most in rounding down (the council's, £0.008 to £0.002)
    assert [dict(x.funders) for x in lines] == [
        {"PERSON": Decimal("7.90"), "HFD": Decimal("0.00"), "NHS": Decimal("0.00")},
        {"PERSON": Decimal("0.67"), "HFD": Decimal("4.34"), "NHS": Decimal("2.89")},
        {"HFD": Decimal("4.74"), "NHS": Decimal("3.16")},
    ]

    with uow:
        uow.packages.get("PKG-0001").end_on = None
        uow.commit()
    payments.set_assessed_contribution(uow, "PKG-0001", Decimal("99.00"), by=FINANCE, now=A_MOMENT)
    keep(uow, kept, *(a_record(date(2018, 4, 9) + timedelta(days=n)) for n in range(7)))
    third = payments.create_run(
        uow, "HFD", date(2018, 4, 9), date(2018, 4, 15), by=FINANCE, now=A_MOMENT
    )
    # more than the week costs: the person pays the week's £55.30, no more
    lines = lines_of(uow, third.reference)
    assert sum(dict(x.funders)["PERSON"] for x in lines) == Decimal("55.30")
    assert all(sum(dict(x.funders).values()) == x.amount for x in lines)
