"""After and around sourcing, on the real database: bridging, hand-backs, trusted-assessor
changes, direct payments, spare capacity for the waiting list, subcontractors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from caremarket.domain.changes import ChangeStatus
from caremarket.domain.discharge import InvalidBridge
from caremarket.domain.errors import NotFound
from caremarket.domain.hand_backs import AlreadyHandedBack, HandBackReason
from caremarket.domain.market import Tier
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import DeclineReason, Phase
from caremarket.services import brokerage, changes, discharges, hand_backs
from caremarket.services import market as market_service
from tests.builders import AN_ADMIN, a_provider
from tests.integration.brokerage_market import (
    APPROVED,
    BROKER,
    FRIDAY_3PM,
    MONDAY_10AM,
    PREFERRED,
    WEEK,
    accept,
    start,
    status_of,
)

START = date(2026, 11, 30)


def awarded_to_mersey(uow, market) -> None:
    start(uow)
    accept(uow, market["Mersey Care"], FRIDAY_3PM + timedelta(minutes=1))


def current(uow, reference: str = "PKG-0001"):
    with uow:
        return uow.sourcings.current(uow.packages.get(reference))


def everyone_declines(uow, market, reference: str = "PKG-0001") -> None:
    for name in PREFERRED + APPROVED:
        brokerage.decline_offer(
            uow,
            reference,
            by=market[name],
            reason=DeclineReason.NO_CAPACITY,
            now=FRIDAY_3PM + timedelta(minutes=2),
            week=WEEK,
        )


def test_bridging_care_ends_when_the_package_starts(uow, market) -> None:
    start(uow)
    planned = discharges.place_bridging(
        uow,
        "PKG-0001",
        service="Discharge Response Team",
        starts_on=date(2026, 11, 20),
        working_days=3,
        by=BROKER,
        now=FRIDAY_3PM,
        week=WEEK,
    )
    assert planned == date(2026, 11, 24)
    with pytest.raises(InvalidBridge, match="already has bridging"):
        discharges.place_bridging(
            uow,
            "PKG-0001",
            service="HART",
            starts_on=date(2026, 11, 20),
            working_days=1,
            by=BROKER,
            now=FRIDAY_3PM,
            week=WEEK,
        )
    accept(uow, market["Anfield Homecare"], FRIDAY_3PM + timedelta(hours=1))
    with uow:
        [bridge] = uow.bridgings.list(package=uow.packages.get("PKG-0001"))
        assert bridge.ended_on == START


def test_a_hand_back_sources_the_package_again_without_the_provider(uow, market) -> None:
    awarded_to_mersey(uow, market)
    hand_backs.hand_back_package(
        uow,
        "PKG-0001",
        reason=HandBackReason.STAFFING,
        notice_days=14,
        note="two carers left",
        by=market["Mersey Care"],
        now=MONDAY_10AM,
        week=WEEK,
    )
    again = current(uow)
    assert (again.number, again.cause) == (2, "handed back")
    assert [o.provider for o in again.state.offers] == ["Anfield Homecare"]
    # still delivered by Mersey Care meanwhile
    assert status_of(uow, "PKG-0001") == (PackageStatus.ACTIVE, "Mersey Care")

    brokerage.accept_offer(
        uow,
        "PKG-0001",
        by=market["Anfield Homecare"],
        start_on=date(2026, 12, 1),
        now=MONDAY_10AM + timedelta(hours=1),
        week=WEEK,
    )
    assert status_of(uow, "PKG-0001") == (PackageStatus.ACTIVE, "Anfield Homecare")
    with uow:
        [given] = uow.hand_backs.list(package=uow.packages.get("PKG-0001"))
        assert given.ended_on == date(2026, 11, 30)
        assert given.reason is HandBackReason.STAFFING


def test_only_the_holder_can_hand_a_package_back(uow, market) -> None:
    awarded_to_mersey(uow, market)
    with pytest.raises(NotFound):
        hand_backs.hand_back_package(
            uow,
            "PKG-0001",
            reason=HandBackReason.OTHER,
            by=market["Dingle Care"],
            now=MONDAY_10AM,
            week=WEEK,
        )


def test_a_small_reduction_applies_and_a_large_one_waits_for_a_broker(uow, market) -> None:
    awarded_to_mersey(uow, market)
    small = changes.propose(
        uow,
        "PKG-0001",
        visits="3x30 daily; 1x15 daily",
        effective_on=date(2026, 12, 7),
        reason="review after two weeks",
        by=market["Mersey Care"],
        now=MONDAY_10AM,
    )
    assert small.status == "applied"
    large = changes.propose(
        uow,
        "PKG-0001",
        visits="1x30 daily",
        effective_on=date(2026, 12, 7),
        reason="family now helps at lunch and tea",
        by=market["Mersey Care"],
        now=MONDAY_10AM,
    )
    assert large.status == "awaiting approval"
    waiting = changes.list_changes(uow, viewer=BROKER, status=ChangeStatus.AWAITING_APPROVAL)
    assert [c.id for c in waiting] == [large.id]
    decided = changes.decide(uow, large.id, approve=True, by=BROKER, now=MONDAY_10AM)
    assert decided.status == "approved"
    with uow:
        assert uow.packages.get("PKG-0001").weekly_hours == Decimal("3.5")
    assert changes.list_changes(uow, viewer=market["Anfield Homecare"]) == []


def test_a_direct_payment_takes_the_package_out_of_sourcing(uow, market) -> None:
    start(uow)
    brokerage.choose_direct_payment(
        uow, "PKG-0001", by=BROKER, now=FRIDAY_3PM, reason="the person chose a PA"
    )
    assert status_of(uow, "PKG-0001") == (PackageStatus.DIRECT_PAYMENT, None)
    kept = current(uow)
    assert kept.state.phase is Phase.CLOSED
    assert kept.closed_at == FRIDAY_3PM
    assert all(not o.open for o in kept.state.offers)
    assert brokerage.tick(uow, now=MONDAY_10AM, week=WEEK).rounds == 0


def test_spare_capacity_goes_to_the_neediest_waiting_package(uow, market) -> None:
    start(uow, "PKG-0001")
    everyone_declines(uow, market, "PKG-0001")
    with uow:
        needier = uow.packages.get("PKG-0002")
        needier.fit_for_discharge_on = date(2026, 11, 19)  # in hospital, fit to leave
        uow.commit()
    start(uow, "PKG-0002")
    everyone_declines(uow, market, "PKG-0002")

    offered = brokerage.offer_spare_capacity(
        uow,
        provider="Dingle Care",
        hours=Decimal(14),
        by=market["Dingle Care"],
        now=MONDAY_10AM,
        week=WEEK,
    )
    assert offered == ["PKG-0002"]  # 14 hours: room for one of the two 14-hour packages
    brokerage.accept_offer(
        uow,
        "PKG-0002",
        by=market["Dingle Care"],
        start_on=START,
        now=MONDAY_10AM + timedelta(minutes=5),
        week=WEEK,
    )
    assert status_of(uow, "PKG-0002") == (PackageStatus.ACTIVE, "Dingle Care")
    assert status_of(uow, "PKG-0001") == (PackageStatus.WAITING, None)


def test_a_declined_capacity_offer_puts_the_package_back_on_the_waiting_list(
    uow,
    market,
) -> None:
    start(uow)
    everyone_declines(uow, market)
    brokerage.offer_spare_capacity(
        uow, provider="Dingle Care", hours=Decimal(20), by=BROKER, now=MONDAY_10AM, week=WEEK
    )
    brokerage.decline_offer(
        uow,
        "PKG-0001",
        by=market["Dingle Care"],
        reason=DeclineReason.SKILLS,
        now=MONDAY_10AM,
        week=WEEK,
    )
    assert current(uow).state.phase is Phase.WAITING


def test_a_single_provider_places_a_package_with_its_subcontractor(uow, market) -> None:
    brokerage.set_policy(uow, "HFD", "halton", by=AN_ADMIN, now=FRIDAY_3PM)
    with uow:
        vehicle = uow.vehicles.get("LCR")
        lot = vehicle.lots[0]
        lead = uow.providers.get("Mersey Care")
        lot.members = [m for m in lot.members if m.provider is lead]
        lot.members[0].tier = Tier.LEAD
        lot.admit(
            a_provider(name="Runcorn Carers", cqc_location_ids=("1-200000001",)),
            Tier.SUBCONTRACTOR,
            lead=lead,
        )
        uow.commit()
    start(uow)
    assert status_of(uow, "PKG-0001") == (PackageStatus.ACTIVE, "Mersey Care")
    brokerage.place_with_subcontractor(
        uow, "PKG-0001", subcontractor="Runcorn Carers", by=market["Mersey Care"], now=FRIDAY_3PM
    )
    with uow:
        assert uow.packages.get("PKG-0001").subcontractor.name == "Runcorn Carers"
    with pytest.raises(brokerage.NotSourceable):
        brokerage.place_with_subcontractor(
            uow, "PKG-0001", subcontractor="Dingle Care", by=market["Mersey Care"], now=FRIDAY_3PM
        )


def test_a_package_is_handed_back_once_and_its_former_holder_still_sees_it(uow, market) -> None:
    awarded_to_mersey(uow, market)
    mersey = market["Mersey Care"]
    hand = {"reason": HandBackReason.STAFFING, "by": mersey, "now": MONDAY_10AM, "week": WEEK}
    hand_backs.hand_back_package(uow, "PKG-0001", **hand)
    with pytest.raises(AlreadyHandedBack):
        hand_backs.hand_back_package(uow, "PKG-0001", **hand)
    brokerage.accept_offer(
        uow,
        "PKG-0001",
        by=market["Anfield Homecare"],
        start_on=date(2026, 12, 1),
        now=MONDAY_10AM + timedelta(hours=1),
        week=WEEK,
    )
    assert market_service.get_package(uow, "PKG-0001", viewer=mersey).provider == (
        "Anfield Homecare"
    )
