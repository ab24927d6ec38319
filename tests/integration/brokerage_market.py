"""A small market on the Liverpool policy for brokerage tests, and steps to drive it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import Tier, Vehicle, VehicleKind
from caremarket.domain.packages import PackageStatus
from caremarket.holidays import working_week
from caremarket.services import brokerage
from tests.builders import AN_ADMIN, a_care_package, a_lot, a_provider, a_rate_card

LONDON = ZoneInfo("Europe/London")
WEEK = working_week()
FRIDAY_3PM = datetime(2026, 11, 20, 15, tzinfo=LONDON)
MONDAY_10AM = datetime(2026, 11, 23, 10, tzinfo=LONDON)
BROKER = Actor("broker@example.org", Role.BROKER)
PREFERRED = ("Mersey Care", "Anfield Homecare")
APPROVED = ("Dingle Care", "Everton Carers")


def build_market(uow: SqlUnitOfWork) -> dict[str, Actor]:
    """One commissioner on the Liverpool policy: two preferred and two approved providers in
    the lot covering zone A, and requested packages PKG-0001 to PKG-0003 there. Returns an
    actor for each provider."""
    with uow:
        first = a_care_package(
            status=PackageStatus.REQUESTED, start_on=date(2026, 11, 30), pathway="O"
        )
        packages = [first] + [
            a_care_package(
                reference=f"PKG-000{n}",
                commissioner=first.commissioner,
                zone=first.zone,
                service=first.service,
                person=first.person,
                status=PackageStatus.REQUESTED,
                start_on=date(2026, 11, 30),
                pathway="O",
            )
            for n in (2, 3)
        ]
        uow.packages.add_all(packages)
        lot = a_lot(zones=[first.zone], max_providers=None)
        providers = []
        for n, name in enumerate(PREFERRED + APPROVED):
            provider = a_provider(name=name, cqc_location_ids=(f"1-10000000{n}",))
            providers.append(provider)
            lot.admit(provider, Tier.PREFERRED if name in PREFERRED else Tier.APPROVED)
        uow.vehicles.add(
            Vehicle("LCR", "Home care", VehicleKind.DPS, [first.commissioner], lots=[lot])
        )
        uow.rate_cards.add(a_rate_card(first.commissioner, first.service, "18.00"))
        uow.commit()
        actors = {p.name: Actor(f"staff of {p.name}", Role.PROVIDER, p.id) for p in providers}
    brokerage.set_policy(uow, "HFD", "liverpool", by=AN_ADMIN, now=FRIDAY_3PM)
    return actors


def start(uow: SqlUnitOfWork, reference: str = "PKG-0001", now: datetime = FRIDAY_3PM):
    return brokerage.start_sourcing(uow, reference, by=BROKER, now=now, week=WEEK)


def accept(uow: SqlUnitOfWork, by: Actor, now: datetime, reference: str = "PKG-0001"):
    return brokerage.accept_offer(
        uow, reference, by=by, start_on=date(2026, 11, 30), now=now, week=WEEK
    )


def status_of(uow: SqlUnitOfWork, reference: str) -> tuple[PackageStatus, str | None]:
    with uow:
        package = uow.packages.get(reference)
        return package.status, package.provider.name if package.provider else None
