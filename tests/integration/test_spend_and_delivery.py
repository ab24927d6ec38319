"""Spend by funder and delivered versus planned hours on a scripted history: ECM visits
pushed and payment runs made and approved through the real services, answers worked by hand
(on SQLite and PostgreSQL).

The history (Herefordshire's rate card: £15.80 an hour; the default payment rules):
- PKG-0001, Wyeside Home Care's, zone A, one 30-minute call a day, funded 60% by the council
  (HFD) and 40% by the NHS (HCCG). Week of Mon 5 March 2018: Monday completed 07:30-08:06
  (36 minutes, paid the 30 planned: £7.90), Tuesday 07:30-08:00 (£7.90), Wednesday missed
  (£0.00), Thursday cancelled at 06:00 the same day (short notice: paid £7.90). Each £7.90
  is £4.74 council and £3.16 NHS.
- PKG-0002, Marches Care's, zone B, one 60-minute call a day, the council's alone: Mon 5
  and Mon 12 March 10:00-11:00, £15.80 each.
- Run HFD 5-11 March approved; run HFD 12-18 March left a draft.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import CommissionerKind
from caremarket.domain.packages import FundingShare, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.services import ecm, intelligence, payments
from tests.builders import (
    A_MOMENT,
    a_care_package,
    a_commissioner,
    a_provider,
    a_rate_card,
    a_service,
    a_zone,
)

FINANCE = Actor("finance@example.org", Role.FINANCE)
PERIOD = {"commissioner": "HFD", "since": date(2018, 3, 5), "on": date(2018, 3, 18)}
WYESIDE, MARCHES = "Wyeside Home Care", "Marches Care"
COUNCIL, NHS = "Herefordshire Council (HFD)", "NHS Herefordshire CCG (HCCG)"


@pytest.fixture
def history(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    council = a_commissioner()
    nhs = a_commissioner(code="HCCG", name="NHS Herefordshire CCG", kind=CommissionerKind.ICB)
    service = a_service()
    zone_a = a_zone(commissioner=council)
    zone_b = a_zone(commissioner=council, code="B", name="Zone B", areas=("HR1",))
    wyeside = a_provider(name=WYESIDE)
    marches = a_provider(name=MARCHES, cqc_location_ids=("1-202020202",))
    with uow:
        uow.commissioners.add(council)
        uow.commissioners.add(nhs)
        uow.services.add(service)
        uow.providers.add(wyeside)
        uow.providers.add(marches)
        uow.rate_cards.add(a_rate_card(council, service))
        uow.packages.add(
            a_care_package(
                commissioner=council,
                zone=zone_a,
                service=service,
                provider=wyeside,
                pattern=parse_pattern("1x30 daily"),
                start_on=date(2018, 3, 1),
                funding=(FundingShare("HFD", Decimal(60)), FundingShare("HCCG", Decimal(40))),
            )
        )
        uow.packages.add(
            a_care_package(
                reference="PKG-0002",
                commissioner=council,
                zone=zone_b,
                service=service,
                provider=marches,
                person=Person(commissioner=council, reference="P-0002", postcode="HR1 1AA"),
                pattern=parse_pattern("1x60 daily"),
                start_on=date(2018, 3, 1),
            )
        )
        uow.commit()
    ecm.push_visits(
        uow,
        [
            _visit("W-1", "PKG-0001", "2018-03-05 07:30", 30, "07:30", "08:06"),
            _visit("W-2", "PKG-0001", "2018-03-06 07:30", 30, "07:30", "08:00"),
            _visit("W-3", "PKG-0001", "2018-03-07 07:30", 30, status="missed"),
            _visit(
                "W-4",
                "PKG-0001",
                "2018-03-08 07:30",
                30,
                status="cancelled",
                cancelled_at="2018-03-08 06:00",
            ),
        ],
        provider=WYESIDE,
        by=Actor("ecm@wyeside.example", Role.PROVIDER),
        now=A_MOMENT,
    )
    ecm.push_visits(
        uow,
        [
            _visit("M-1", "PKG-0002", "2018-03-05 10:00", 60, "10:00", "11:00"),
            _visit("M-2", "PKG-0002", "2018-03-12 10:00", 60, "10:00", "11:00"),
        ],
        provider=MARCHES,
        by=Actor("ecm@marches.example", Role.PROVIDER),
        now=A_MOMENT,
    )
    first = payments.create_run(
        uow, "HFD", date(2018, 3, 5), date(2018, 3, 11), by=FINANCE, now=A_MOMENT
    )
    payments.approve_run(uow, first.reference, by=FINANCE, now=A_MOMENT)
    payments.create_run(uow, "HFD", date(2018, 3, 12), date(2018, 3, 18), by=FINANCE, now=A_MOMENT)
    return uow


def _visit(
    visit_id: str,
    package: str,
    planned: str,
    minutes: int,
    start: str = "",
    end: str = "",
    *,
    status: str = "completed",
    cancelled_at: str = "",
) -> dict[str, str]:
    day = planned[:10]
    visit = {
        "visit_id": visit_id,
        "package_reference": package,
        "planned_start": planned,
        "planned_minutes": str(minutes),
        "status": status,
        "verification": "app",
    }
    if start:
        visit |= {"actual_start": f"{day} {start}", "actual_end": f"{day} {end}"}
    if cancelled_at:
        visit["cancelled_at"] = cancelled_at
    return visit


def pounds(text: str) -> Decimal:
    return Decimal(text)


def test_spend_by_funder_counts_approved_runs_only_by_default(history) -> None:
    table = intelligence.spend_by_funder(history, **PERIOD)
    assert [c.heading for c in table.columns] == ["By", "Group", COUNCIL, NHS, "Total"]
    # the council: 3 x £4.74 for Wyeside and £15.80 for Marches; the NHS: 3 x £3.16
    assert table.totals.cells == ("Total", "", pounds("30.02"), pounds("9.48"), pounds("39.50"))
    assert table.value(WYESIDE, COUNCIL) == pounds("14.22")
    assert table.value(WYESIDE, NHS) == pounds("9.48")
    assert table.value(MARCHES, "Total") == pounds("15.80")
    assert table.value(MARCHES, NHS) == pounds("0.00")
    assert table.value("A", "Total") == pounds("23.70")
    assert table.value("B", "Total") == pounds("15.80")
    assert [r.cells[1] for r in table.rows if r.cells[0] == "Week"] == ["2018-03-05"]
    assert [r.cells[1] for r in table.rows if r.cells[0] == "Run"] == ["HFD-2018-03-05"]
    assert "Approved runs only" in table.notes[1]


def test_spend_by_funder_with_drafts_counts_the_draft_run_too(history) -> None:
    table = intelligence.spend_by_funder(history, **PERIOD, drafts=True)
    assert table.totals.cells == ("Total", "", pounds("45.82"), pounds("9.48"), pounds("55.30"))
    assert table.value("2018-03-12", "Total") == pounds("15.80")
    assert table.value(MARCHES, COUNCIL) == pounds("31.60")
    assert "draft" in table.notes[1]
    assert "HFD-2018-03-12 (draft)" in table.notes[2]


def test_delivered_versus_planned_hours_by_provider_zone_and_week(history) -> None:
    table = intelligence.delivered_hours(history, **PERIOD)
    headings = [c.heading for c in table.columns]
    wyeside = dict(zip(headings, table.row(WYESIDE).cells, strict=True))
    # 4 visits of 30 minutes planned; 36 + 30 minutes delivered; one missed, one cancelled
    assert wyeside == {
        "By": "Provider",
        "Group": WYESIDE,
        "Visits recorded": 4,
        "Planned hours": Decimal(2),
        "Delivered hours": Decimal("1.1"),
        "Missed visits": 1,
        "Missed hours": Decimal("0.5"),
        "Cancelled visits": 1,
        "Cancelled hours": Decimal("0.5"),
        "Delivery %": Decimal(55),
    }
    assert table.value(MARCHES, "Delivery %") == Decimal(100)
    assert table.value("B", "Planned hours") == Decimal(2)
    assert table.value("2018-03-12", "Delivered hours") == Decimal(1)
    assert table.value("2018-03-05", "Visits recorded") == 5
    totals = dict(zip(headings, table.totals.cells, strict=True))
    assert (totals["Planned hours"], totals["Delivered hours"]) == (4, Decimal("3.1"))
    assert totals["Delivery %"] == Decimal("77.5")
