"""Brokerage on the real database: sourcing rounds, responses, the ticker, the waiting list."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from caremarket.domain.errors import NotFound, UnknownPostcode
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import BidAboveCap, DeclineReason, OfferNotOpen, Phase
from caremarket.services import brokerage, notifications, policy_views
from caremarket.services import market as market_service
from caremarket.services.audit import list_audit
from caremarket.services.ports import AuditFilter
from caremarket.services.requests import CareRequest, request_care
from tests.builders import AN_ADMIN
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


def test_sourcing_offers_the_package_to_the_preferred_providers(uow, market) -> None:
    sourcing = start(uow)
    assert [o.provider for o in sourcing.state.offers] == list(PREFERRED)
    assert status_of(uow, "PKG-0001") == (PackageStatus.SOURCING, None)
    with uow:
        kept = uow.sourcings.current(uow.packages.get("PKG-0001"))
        assert kept is not None
        assert kept.state == sourcing.state
        assert kept.state.due_at == MONDAY_10AM


def test_the_first_acceptance_is_awarded_and_a_second_is_refused(uow, market) -> None:
    start(uow)
    accept(uow, market["Anfield Homecare"], FRIDAY_3PM + timedelta(minutes=5))
    with pytest.raises(OfferNotOpen, match="already been awarded to another provider"):
        accept(uow, market["Mersey Care"], FRIDAY_3PM + timedelta(minutes=6))
    assert status_of(uow, "PKG-0001") == (PackageStatus.ACTIVE, "Anfield Homecare")
    with uow:
        package = uow.packages.get("PKG-0001")
        assert package.lot is not None and package.lot.code == "O-A"
        kept = uow.sourcings.current(package)
        assert kept.awarded_at == FRIDAY_3PM + timedelta(minutes=5)
        assert kept.state.phase is Phase.AWARDED


def test_a_provider_never_offered_the_package_does_not_see_it(uow, market) -> None:
    start(uow)
    with pytest.raises(NotFound):
        accept(uow, market["Dingle Care"], FRIDAY_3PM)


def test_the_ticker_moves_to_approved_providers_at_the_end_of_the_window_not_before(
    uow, market
) -> None:
    start(uow)
    early = brokerage.tick(uow, now=MONDAY_10AM - timedelta(minutes=1), week=WEEK)
    assert early.rounds == 0
    result = brokerage.tick(uow, now=MONDAY_10AM, week=WEEK)
    assert result.rounds == 1
    again = brokerage.tick(uow, now=MONDAY_10AM, week=WEEK)
    assert again.rounds == 0  # idempotent
    with uow:
        kept = uow.sourcings.current(uow.packages.get("PKG-0001"))
        open_to = [o.provider for o in kept.state.offers if o.open]
    assert open_to == list(APPROVED)


def test_declines_keep_their_reasons_and_nobody_taking_it_means_the_waiting_list(
    uow, market
) -> None:
    start(uow)
    for name in PREFERRED + APPROVED:
        brokerage.decline_offer(
            uow,
            "PKG-0001",
            by=market[name],
            reason=DeclineReason.NO_CAPACITY,
            note="no carers in that area",
            now=FRIDAY_3PM + timedelta(minutes=10),
            week=WEEK,
        )
    assert status_of(uow, "PKG-0001") == (PackageStatus.WAITING, None)
    with uow:
        kept = uow.sourcings.current(uow.packages.get("PKG-0001"))
        assert {o.reason for o in kept.state.offers} == {DeclineReason.NO_CAPACITY}
    trail, _ = list_audit(uow, AuditFilter(object_type="care package", object_ref="PKG-0001"))
    actions = [e.action for e in trail]
    assert "joined the waiting list" in actions
    assert actions.count("offer declined") == 4


def test_a_package_already_being_sourced_cannot_be_started_again(uow, market) -> None:
    start(uow)
    with pytest.raises(brokerage.NotSourceable):
        start(uow)


def test_mini_competition_bids_are_capped_by_the_rate_card(uow, market) -> None:
    brokerage.set_policy(uow, "HFD", "st-helens", by=AN_ADMIN, now=FRIDAY_3PM)
    start(uow)
    bidder = market["Dingle Care"]
    with pytest.raises(BidAboveCap, match="above the rate card's £18.00"):
        brokerage.place_bid(
            uow,
            "PKG-0001",
            by=bidder,
            hourly_rate=Decimal("18.01"),
            earliest_start=date(2026, 11, 30),
            now=FRIDAY_3PM,
            week=WEEK,
        )
    brokerage.place_bid(
        uow,
        "PKG-0001",
        by=bidder,
        hourly_rate=Decimal("17.50"),
        earliest_start=date(2026, 11, 30),
        now=FRIDAY_3PM,
        week=WEEK,
    )
    with uow:
        kept = uow.sourcings.current(uow.packages.get("PKG-0001"))
        deadline = kept.state.stage_ends_at
    brokerage.tick(uow, now=deadline, week=WEEK)
    assert status_of(uow, "PKG-0001") == (PackageStatus.ACTIVE, "Dingle Care")


def test_without_a_policy_sourcing_says_how_to_set_one(uow, market) -> None:
    with uow:
        uow.commissioners.add(
            type(uow.commissioners.get("HFD"))(code="OTHER", name="Other Council")
        )
        uow.commit()
    with uow:
        package = uow.packages.get("PKG-0002")
        package.commissioner = uow.commissioners.get("OTHER")
        uow.commit()
    with pytest.raises(brokerage.NoPolicy, match="caremarket policy set OTHER"):
        start(uow, "PKG-0002")


def test_offers_notify_the_providers_asked(uow, market) -> None:
    start(uow)
    with uow:
        provider_id = market["Mersey Care"].provider_id
        told = uow.notifications.for_provider(provider_id, limit=10)
        assert [n.subject for n in told] == ["New offer: care package PKG-0001"]
        assert "Monday 23 November 2026 at 10:00" in told[0].body


def a_request(**overrides) -> CareRequest:
    values = {
        "commissioner": "HFD",
        "person": "P-0099",
        "postcode": "HR6 8AA",
        "service": "PC",
        "visits": "4x30 daily",
        "start_on": date(2026, 11, 23),
        "fit_for_discharge_on": date(2026, 11, 20),
    }
    return CareRequest(**(values | overrides))


def test_a_request_for_care_is_recorded_and_offered_at_once(uow, market) -> None:
    reference = request_care(uow, a_request(), by=BROKER, now=FRIDAY_3PM, week=WEEK)
    assert reference == "HFD-R00001"
    with uow:
        package = uow.packages.get(reference)
        assert (package.zone.code, package.pathway, package.status) == (
            "A",
            "O",
            PackageStatus.SOURCING,
        )
        assert package.fit_for_discharge_on == date(2026, 11, 20)
        offered = [o.provider for o in uow.sourcings.current(package).state.offers]
    assert offered == list(PREFERRED)


def test_a_request_that_cannot_be_sourced_records_nothing(uow, market) -> None:
    with uow:
        uow.commissioners.add(type(uow.commissioners.get("HFD"))(code="OTH", name="Other"))
        zone = uow.zones.list(commissioner=uow.commissioners.get("HFD"))[0]
        zone.commissioner = uow.commissioners.get("OTH")
        uow.commit()
    with pytest.raises(brokerage.NoPolicy):
        request_care(uow, a_request(commissioner="OTH"), by=BROKER, now=FRIDAY_3PM, week=WEEK)
    with uow:
        assert uow.packages.find("OTH-R00001") is None


def test_a_request_outside_every_zone_is_refused(uow, market) -> None:
    with pytest.raises(UnknownPostcode):
        request_care(uow, a_request(postcode="SW1A 1AA"), by=BROKER, now=FRIDAY_3PM, week=WEEK)


def test_a_provider_offered_a_package_may_open_it_and_one_never_offered_may_not(
    uow, market
) -> None:
    start(uow)
    offered = market_service.get_package(uow, "PKG-0001", viewer=market["Mersey Care"])
    assert offered.reference == "PKG-0001"
    with pytest.raises(NotFound):
        market_service.get_package(uow, "PKG-0001", viewer=market["Dingle Care"])
    with pytest.raises(NotFound):
        market_service.get_package(uow, "PKG-0002", viewer=market["Mersey Care"])


def test_brokers_and_providers_read_their_own_latest_notifications(uow, market) -> None:
    start(uow)
    accept(uow, market["Anfield Homecare"], FRIDAY_3PM + timedelta(minutes=5))
    told = notifications.list_notifications(uow, viewer=market["Mersey Care"], limit=5)
    assert [n.subject for n in told] == [
        "Offer withdrawn: care package PKG-0001",
        "New offer: care package PKG-0001",
    ]
    brokers = notifications.list_notifications(uow, viewer=BROKER, limit=5)
    assert [n.subject for n in brokers] == ["Awarded: care package PKG-0001"]
    assert notifications.list_notifications(uow, viewer=AN_ADMIN) == []


def test_each_commissioners_policy_is_listed_with_its_lots_own(uow, market) -> None:
    brokerage.set_policy(uow, "HFD", "st-helens", lot=("LCR", "O-A"), by=AN_ADMIN, now=FRIDAY_3PM)
    [listed] = policy_views.list_policies(uow)
    assert listed.policy is not None and listed.policy.code == "liverpool"
    assert listed.policy.description.endswith("then the waiting list")
    assert [(o.vehicle, o.lot, o.policy.code) for o in listed.lots] == [("LCR", "O-A", "st-helens")]
