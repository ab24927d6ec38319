"""Market intelligence on a scripted history, built through the real services at chosen
clock times, with answers computed by hand (on SQLite and PostgreSQL).

The history (the Liverpool policy: preferred providers first, for 5 business hours):
- Fri 20 Nov 2026 15:00: PKG-0001 and PKG-0003 are sourced; Mersey Care accepts PKG-0001
  at 15:30 (starts Mon 30 Nov). PKG-0003's preferred offers expire; the tick at Mon 23 Nov
  10:00 offers it to the approved providers; Dingle Care accepts at 11:00 (starts 30 Nov).
- Fri 20 Nov 16:00: PKG-0002 is sourced; the preferred decline at 16:10, the approved
  (offered at 16:10) at 16:20: it joins the waiting list.
- Waiting-list snapshots on Fri 20 Nov and Fri 27 Nov (and again on the 27th: skipped).
- Mersey Care hands PKG-0001 back on Wed 2 Dec (staffing); Anfield Homecare's contract
  ends early on 25 Nov.
- The person (all three packages are one person's) is medically fit from Wed 18 Nov for
  PKG-0003, and from Thu 26 Nov for PKG-0002.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from caremarket.domain.contracts import Obligations, Term
from caremarket.domain.hand_backs import HandBackReason
from caremarket.domain.sourcing import DeclineReason
from caremarket.services import brokerage, contracts, intelligence
from caremarket.services.contracts import ContractAward
from caremarket.services.hand_backs import hand_back_package
from tests.builders import AN_ADMIN
from tests.integration.brokerage_market import (
    APPROVED,
    FRIDAY_3PM,
    LONDON,
    MONDAY_10AM,
    PREFERRED,
    WEEK,
    accept,
    start,
)

NOVEMBER_16 = date(2026, 11, 16)
NOVEMBER_29 = date(2026, 11, 29)
DECEMBER_6 = date(2026, 12, 6)


@pytest.fixture
def history(uow, market):
    with uow:
        uow.packages.get("PKG-0003").fit_for_discharge_on = date(2026, 11, 18)
        uow.packages.get("PKG-0002").fit_for_discharge_on = date(2026, 11, 26)
        uow.commit()
    for name, hours in (("Mersey Care", "1"), ("Dingle Care", "2"), ("Anfield Homecare", "4")):
        contracts.award_contract(
            uow,
            ContractAward(
                vehicle="LCR",
                lot="O-A",
                provider=name,
                commissioner="HFD",
                term=Term.of_years(date(2026, 4, 1), 3),
                rate_card=_card_name(uow),
                awarded_on=date(2026, 3, 1),
                obligations=Obligations(Decimal(hours), Decimal(90)),
            ),
            by=AN_ADMIN,
            now=FRIDAY_3PM - timedelta(days=200),
        )
    start(uow, "PKG-0001", FRIDAY_3PM)
    start(uow, "PKG-0003", FRIDAY_3PM)
    accept(uow, market["Mersey Care"], FRIDAY_3PM + timedelta(minutes=30), "PKG-0001")
    four_pm = FRIDAY_3PM + timedelta(hours=1)
    start(uow, "PKG-0002", four_pm)
    for names, at in ((PREFERRED, 10), (APPROVED, 20)):
        for name in names:
            brokerage.decline_offer(
                uow,
                "PKG-0002",
                by=market[name],
                reason=DeclineReason.NO_CAPACITY,
                note="",
                now=four_pm + timedelta(minutes=at),
                week=WEEK,
            )
    snapshot(uow, date(2026, 11, 20))
    brokerage.tick(uow, now=MONDAY_10AM, week=WEEK)
    accept(uow, market["Dingle Care"], MONDAY_10AM + timedelta(hours=1), "PKG-0003")
    contracts.end_contract(
        uow,
        _anfields(uow),
        on=date(2026, 11, 25),
        reason="the provider left the market",
        by=AN_ADMIN,
        now=MONDAY_10AM + timedelta(days=2),
    )
    snapshot(uow, date(2026, 11, 27))
    hand_back_package(
        uow,
        "PKG-0001",
        reason=HandBackReason.STAFFING,
        by=market["Mersey Care"],
        now=datetime(2026, 12, 2, 9, tzinfo=LONDON),
        week=WEEK,
    )
    return market


def snapshot(uow, day: date):
    return intelligence.take_waiting_list_snapshots(
        uow, on=day, now=datetime(day.year, day.month, day.day, 18, tzinfo=LONDON), by="test"
    )


def test_the_waiting_list_trend_has_a_row_per_weekly_snapshot(uow, history) -> None:
    again = snapshot(uow, date(2026, 11, 27))
    assert [(s.commissioner, s.taken, s.waiting) for s in again] == [("HFD", False, 1)]
    table = intelligence.waiting_list(uow, commissioner="HFD", since=NOVEMBER_16, on=DECEMBER_6)
    assert [r.cells for r in table.rows] == [
        ("2026-11-20", 1, Decimal(14), Decimal(0), 0),
        ("2026-11-27", 1, Decimal(14), Decimal(7), 7),
    ]
    assert table.since == NOVEMBER_16
    assert "People waiting went from 1 to 1 over the period." in table.notes


def test_the_waiting_list_breaks_down_by_zone_and_service(uow, history) -> None:
    table = intelligence.waiting_list_by_zone(
        uow, commissioner="HFD", since=NOVEMBER_16, on=DECEMBER_6
    )
    assert len(table.rows) == 1
    assert table.rows[0].cells[2:] == (1, Decimal(14), Decimal(7), 7)
    assert table.totals.cells == ("Total", "", 1, Decimal(14), Decimal(7), 7)


def test_time_to_source_has_medians_and_nearest_rank_percentiles(uow, history) -> None:
    table = intelligence.time_to_source(uow, commissioner="HFD", since=NOVEMBER_16, on=NOVEMBER_29)
    # Awards 0.5 hours (PKG-0001) and 68 hours (PKG-0003, Fri 15:00 to Mon 11:00) after the
    # request; the median is their mean, the 90th percentile the rank ⌈0.9 × 2⌉ = 2nd value.
    assert table.totals.cells == (
        "All", "All rounds", 3, 2,
        Decimal(0), Decimal(0),
        Decimal("34.25"), Decimal(68),
        Decimal(10), Decimal(10),
    )  # fmt: skip
    stages = {r.cells[1]: r.cells[2:4] for r in table.rows if r.cells[0] == "Stage reached"}
    assert stages == {"Stage 1 of 2": (1, 1), "Stage 2 of 2": (1, 1), "Waiting list": (1, 0)}


def test_the_hand_back_begins_a_round_counted_in_its_own_period(uow, history) -> None:
    table = intelligence.time_to_source(
        uow, commissioner="HFD", since=date(2026, 11, 30), on=DECEMBER_6
    )
    assert table.totals.cells[2:4] == (1, 0)


def test_delayed_discharges_count_a_persons_days_once_by_week(uow, history) -> None:
    table = intelligence.delayed_discharges(
        uow, commissioner="HFD", since=NOVEMBER_16, on=DECEMBER_6
    )
    # PKG-0003: 18 to 29 Nov (care starts on the 30th); PKG-0002: from 26 Nov, still
    # waiting on 6 Dec; one person, so 18 Nov to 6 Dec: 5 + 7 + 7 days.
    assert [r.cells for r in table.rows] == [
        ("2026-11-16", 1, 5),
        ("2026-11-23", 1, 7),
        ("2026-11-30", 1, 7),
    ]
    assert table.totals.cells == ("Total", 1, 19)


def test_hand_backs_and_exits_by_provider_and_reason(uow, history) -> None:
    table = intelligence.hand_backs(uow, commissioner="HFD", since=NOVEMBER_16, on=DECEMBER_6)
    assert table.columns[2].heading == "Hand-backs: staffing"
    assert [r.cells for r in table.rows] == [
        ("Anfield Homecare", 0, 0, 0, 0, 0, 0, 1),
        ("Mersey Care", 1, 1, 0, 0, 0, 0, 0),
    ]
    assert table.totals.cells == ("Total", 1, 1, 0, 0, 0, 0, 1)
    assert any("the provider left the market" in note for note in table.notes)


def test_response_times_against_the_contracts_target(uow, history) -> None:
    table = intelligence.response_times(uow, commissioner="HFD", since=NOVEMBER_16, on=NOVEMBER_29)
    rows = {r.cells[0]: r.cells[1:] for r in table.rows}
    # Mersey Care: PKG-0001 accepted in half an hour, PKG-0003 expired, PKG-0002 declined in
    # 10 minutes; target 1 hour. Dingle Care: PKG-0002 declined in 10 minutes, PKG-0003
    # accepted in an hour; target 2 hours. Everton Carers has no contract.
    sixth = Decimal(1) / 6
    assert rows["Mersey Care"] == (
        3, 2, (Decimal("0.5") + sixth) / 2, Decimal("0.5"), Decimal(1), 3, 2,
        Decimal(200) / 3,
    )  # fmt: skip
    assert rows["Dingle Care"] == (
        2, 2, (sixth + 1) / 2, Decimal(1), Decimal(2), 2, 2, Decimal(100)
    )  # fmt: skip
    assert rows["Everton Carers"][5:] == (0, 0, None)


def test_concentration_of_weekly_hours(uow, history) -> None:
    table = intelligence.concentration(uow, commissioner="HFD", on=date(2026, 12, 1))
    # Two packages of 14 hours a week, one each: 50% and 50%; HHI 2,500 + 2,500.
    assert [r.cells for r in table.rows] == [
        ("Herefordshire Council", 2, Decimal(28), Decimal(28), Decimal(100), Decimal(5000))
    ]


def _card_name(uow) -> str:
    with uow:
        return uow.rate_cards.list()[0].name


def _anfields(uow) -> str:
    with uow:
        return uow.contracts.search(provider="Anfield Homecare")[0].reference


@pytest.mark.slow
def test_concentration_across_the_regional_vehicle_takes_every_councils_call_offs(uow) -> None:
    from caremarket.demo import liverpool_city_region as lcr
    from caremarket.services import reports
    from caremarket.services.demo import load_preset
    from tests.builders import A_MOMENT

    load_preset(uow, lcr.NAME, by=AN_ADMIN, now=A_MOMENT)
    on = date(2020, 3, 1)
    table = intelligence.concentration(uow, commissioner="LIV", on=on)
    own, across = table.rows
    assert across.cells[0].startswith("Across LCR-ECH")
    use = reports.vehicle_use(uow, vehicle="LCR-ECH", on=on)
    assert across.cells[2] == use.totals.cells[3]  # the vehicle's hours a week, every council
    assert own.cells[2] == use.value("Liverpool City Council", "Hours a week")
    with uow:
        minutes: dict[str, int] = {}
        for owner in uow.vehicles.get("LCR-ECH").commissioners:
            for package in uow.packages.active_on(on, commissioner_code=owner.code):
                name = package.provider.name
                minutes[name] = minutes.get(name, 0) + package.weekly_minutes
    total = sum(minutes.values())
    assert across.cells[5] == sum(Decimal(m * 100) ** 2 / total**2 for m in minutes.values())


def test_the_weekly_snapshot_is_taken_when_the_last_is_a_week_old(uow, market) -> None:
    start(uow, "PKG-0002", FRIDAY_3PM)
    monday = date(2026, 11, 23)
    at = datetime(2026, 11, 23, 6, tzinfo=LONDON)
    first = intelligence.take_weekly_snapshots(uow, on=monday, now=at, by="ticker")
    assert [(s.commissioner, s.taken) for s in first] == [("HFD", True)]
    for later in (1, 6):
        day = monday + timedelta(days=later)
        assert intelligence.take_weekly_snapshots(uow, on=day, now=at, by="ticker") == []
    week_on = intelligence.take_weekly_snapshots(
        uow, on=monday + timedelta(days=7), now=at, by="ticker"
    )
    assert [(s.commissioner, s.taken) for s in week_on] == [("HFD", True)]


def test_the_servers_snapshot_job_first_looks_an_interval_after_it_starts(uow, market) -> None:
    from caremarket.web.ticker import weekly_snapshots

    job = weekly_snapshots(lambda: uow)
    assert job() == []  # at start-up: nothing written
    assert [s.commissioner for s in job()] == ["HFD"]
    assert job() == []  # looked today already


def test_delayed_discharges_drill_down_to_a_provider_a_week_and_the_packages(uow, history) -> None:
    period = {"commissioner": "HFD", "since": NOVEMBER_16, "on": DECEMBER_6}
    dingle = intelligence.delayed_discharges(uow, **period, provider="Dingle Care")
    # PKG-0003 (Dingle Care's from 30 Nov) alone: 18 to 29 Nov
    assert [r.cells[2] for r in dingle.rows] == [5, 7, 0]
    assert "Only provider Dingle Care." in dingle.notes
    waiting = intelligence.delayed_discharges(uow, **period, provider="Not arranged")
    assert waiting.totals.cells == ("Total", 1, 11)  # PKG-0002: 26 Nov to 6 Dec
    week = intelligence.delayed_discharges(uow, **period, week=date(2026, 11, 23), packages=True)
    assert [(r.cells[0], r.cells[3], r.cells[-1]) for r in week.rows] == [
        ("PKG-0003", "Dingle Care", 7),
        ("PKG-0002", "Not arranged", 4),
    ]
    assert week.totals.cells[-1] == 11
    elsewhere = intelligence.delayed_discharges(uow, **period, zone="Z", packages=True)
    assert elsewhere.rows == ()


def test_hand_backs_drill_down_to_a_reason_a_provider_and_the_packages(uow, history) -> None:
    period = {"commissioner": "HFD", "since": NOVEMBER_16, "on": DECEMBER_6}
    staffing = intelligence.hand_backs(uow, **period, reason="staffing")
    # a contract ended has no reason of these: only the hand-back is left
    assert [r.cells for r in staffing.rows] == [("Mersey Care", 1, 1, 0, 0, 0, 0, 0)]
    anfield = intelligence.hand_backs(uow, **period, provider="Anfield Homecare")
    assert anfield.totals.cells == ("Total", 0, 0, 0, 0, 0, 0, 1)
    [given] = intelligence.hand_backs(uow, **period, week=date(2026, 11, 30), packages=True).rows
    assert (given.cells[0], given.cells[2:]) == (
        "PKG-0001",
        ("Mersey Care", "staffing", "2026-12-02"),
    )
    assert intelligence.hand_backs(uow, **period, reason="travel", packages=True).rows == ()
