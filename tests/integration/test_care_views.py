"""Care around a package as the pages read it, on the real database: bridges, hand-backs and
changes, what each viewer is shown of them, and what each may do."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from caremarket.domain.errors import NotFound
from caremarket.domain.hand_backs import HandBackReason
from caremarket.domain.market import Tier
from caremarket.services import care_views, changes, discharges, hand_backs
from tests.builders import a_provider
from tests.integration.brokerage_market import (
    BROKER,
    FRIDAY_3PM,
    WEEK,
    accept,
    start,
)


def test_brokers_see_the_bridge_and_may_place_none_while_it_is_in_place(uow, market) -> None:
    start(uow)
    before = care_views.package_care(uow, "PKG-0001", viewer=BROKER)
    assert before.may_bridge and before.may_leave_sourcing and not before.bridges
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

    care = care_views.package_care(uow, "PKG-0001", viewer=BROKER)

    assert [(b.service, b.ended_on) for b in care.bridges] == [("HART", None)]
    assert not care.may_bridge
    offered = care_views.package_care(uow, "PKG-0001", viewer=market["Mersey Care"])
    assert offered.bridges == () and not offered.holder


def test_the_holder_sees_its_hand_back_and_what_it_may_still_do(uow, market) -> None:
    start(uow)
    accept(uow, market["Mersey Care"], FRIDAY_3PM + timedelta(minutes=1))
    held = care_views.package_care(uow, "PKG-0001", viewer=market["Mersey Care"])
    assert held.holder and not held.handing_back
    assert held.reduction_limit == Decimal(20)

    hand_backs.hand_back_package(
        uow,
        "PKG-0001",
        reason=HandBackReason.TRAVEL,
        notice_days=7,
        note="too far",
        by=market["Mersey Care"],
        now=FRIDAY_3PM + timedelta(minutes=2),
        week=WEEK,
    )

    care = care_views.package_care(uow, "PKG-0001", viewer=market["Mersey Care"])
    assert care.handing_back
    [given] = care.hand_backs
    assert (given.provider, given.reason, given.note) == ("Mersey Care", "travel", "too far")
    assert given.notice_ends_on == date(2026, 11, 27) and given.last_day is None
    broker = care_views.package_care(uow, "PKG-0001", viewer=BROKER)
    assert broker.may_bridge and len(broker.hand_backs) == 1  # delivered under notice
    other = care_views.package_care(uow, "PKG-0001", viewer=market["Anfield Homecare"])
    assert other.hand_backs == ()


def test_changes_are_those_of_the_package_and_a_provider_sees_its_own(uow, market) -> None:
    for reference in ("PKG-0001", "PKG-0002"):
        start(uow, reference)
        accept(uow, market["Mersey Care"], FRIDAY_3PM + timedelta(minutes=1), reference)
        changes.propose(
            uow,
            reference,
            visits="4x45 daily",
            effective_on=date(2026, 12, 1),
            reason="more help needed",
            by=market["Mersey Care"],
            now=FRIDAY_3PM + timedelta(minutes=2),
        )

    care = care_views.package_care(uow, "PKG-0001", viewer=BROKER)

    assert [(c.reference, c.status) for c in care.changes] == [("PKG-0001", "awaiting approval")]
    with pytest.raises(NotFound):
        care_views.package_care(uow, "PKG-0001", viewer=market["Everton Carers"])


def test_the_holder_may_place_with_its_own_subcontractors_in_the_lot(uow, market) -> None:
    with uow:
        lot = uow.vehicles.get("LCR").lots[0]
        lot.admit(
            a_provider(name="Runcorn Carers", cqc_location_ids=("1-200000001",)),
            Tier.SUBCONTRACTOR,
            lead=uow.providers.get("Mersey Care"),
        )
        uow.commit()
    start(uow)
    accept(uow, market["Mersey Care"], FRIDAY_3PM + timedelta(minutes=1))

    holder = care_views.package_care(uow, "PKG-0001", viewer=market["Mersey Care"])
    broker = care_views.package_care(uow, "PKG-0001", viewer=BROKER)

    assert holder.subcontractors == ("Runcorn Carers",)
    assert broker.subcontractors == () and not broker.may_leave_sourcing
