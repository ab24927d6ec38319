"""A demo database's morning of brokerage, made through the real services."""

from __future__ import annotations

from datetime import UTC, date, datetime

from caremarket.domain.packages import PackageStatus
from caremarket.services.demo_day import start_demo_day
from caremarket.services.sourcing_views import open_offers, waiting_list
from tests.integration.brokerage_market import BROKER, FRIDAY_3PM, WEEK


def test_every_role_finds_work_waiting(uow, market) -> None:
    with uow:
        held = uow.packages.get("PKG-0003")
        held.status = PackageStatus.ACTIVE
        held.provider = uow.providers.get("Mersey Care")
        uow.commit()

    day = start_demo_day(uow, provider="Mersey Care", by=BROKER, now=FRIDAY_3PM, week=WEEK)

    assert (day.requested, day.offered, day.awarded, day.waiting) == (5, 1, 1, 2)
    mine = open_offers(uow, viewer=market["Mersey Care"])
    assert [o.reference for o in mine] == ["HFD-R00002"]
    assert mine[0].fit_for_discharge_on is not None
    waiting = waiting_list(uow, on=FRIDAY_3PM.date())
    assert [w.reference for w in waiting] == ["HFD-R00004", "HFD-R00005"]  # high risk first
    assert all("no capacity" in reason for w in waiting for reason in w.reasons)
    with uow:
        assert uow.packages.get("HFD-R00001").status is PackageStatus.REQUESTED
        assert uow.bridgings.list(package=uow.packages.get("HFD-R00002"))


def test_an_award_in_a_summer_night_starts_the_day_after_londons_day(uow, market) -> None:
    """At 01:23 British Summer Time (00:23 UTC) the morning's answers come at about 00:30 in
    London, still the day before in UTC: the care awarded starts on London's tomorrow."""
    with uow:
        held = uow.packages.get("PKG-0003")
        held.status = PackageStatus.ACTIVE
        held.provider = uow.providers.get("Mersey Care")
        uow.commit()
    night = datetime(2026, 7, 3, 0, 23, tzinfo=UTC)

    day = start_demo_day(uow, provider="Mersey Care", by=BROKER, now=night, week=WEEK)

    assert day.awarded == 1
    with uow:
        awarded = [
            p
            for p in uow.packages.list()
            if p.reference.startswith("HFD-R") and p.status is PackageStatus.ACTIVE
        ]
        assert [p.start_on for p in awarded] == [date(2026, 7, 4)]
