"""Acting on a brokerage test database directly: as a broker, or as a provider without an
account of its own (Other Care); setting the commissioner's policy, adding a subcontractor,
proposing a change; and a GOV.UK date input's fields."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import Provider, Tier
from caremarket.domain.policies import SourcingPolicy
from caremarket.domain.sourcing import DeclineReason
from caremarket.holidays import working_week
from caremarket.services import brokerage, changes
from tests.web.conftest import SETUP

BROKER = Actor("broker@example.org", Role.BROKER)
TOMORROW = date.today() + timedelta(days=1)


@contextmanager
def unit_of_work(settings: Settings) -> Iterator[SqlUnitOfWork]:
    engine = make_engine(settings.database_url)
    try:
        yield SqlUnitOfWork(make_session_factory(engine))
    finally:
        engine.dispose()


def provider(settings: Settings, name: str) -> Actor:
    with unit_of_work(settings) as uow, uow:
        return Actor(f"staff of {name}", Role.PROVIDER, uow.providers.get(name).id)


def set_policy(settings: Settings, policy: SourcingPolicy | str) -> None:
    with unit_of_work(settings) as uow:
        brokerage.set_policy(uow, "HFD", policy, by=SETUP, now=datetime.now(UTC))


def start(settings: Settings, reference: str) -> None:
    with unit_of_work(settings) as uow:
        brokerage.start_sourcing(
            uow, reference, by=BROKER, now=datetime.now(UTC), week=working_week()
        )


def accept(settings: Settings, reference: str, by: Actor) -> None:
    with unit_of_work(settings) as uow:
        brokerage.accept_offer(
            uow, reference, by=by, start_on=TOMORROW, now=datetime.now(UTC), week=working_week()
        )


def decline(settings: Settings, reference: str, by: Actor, note: str = "") -> None:
    with unit_of_work(settings) as uow:
        brokerage.decline_offer(
            uow,
            reference,
            by=by,
            reason=DeclineReason.NO_CAPACITY,
            note=note,
            now=datetime.now(UTC),
            week=working_week(),
        )


def on(day: date, name: str) -> dict[str, str]:
    """A GOV.UK date input's three fields for a day."""
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def add_subcontractor(settings: Settings, name: str, *, lead: str, lot: tuple[str, str]) -> None:
    """A new provider in the lot, as the subcontractor of `lead`."""
    with unit_of_work(settings) as uow, uow:
        sub = Provider(name)
        uow.providers.add(sub)
        uow.vehicles.get(lot[0]).lot(lot[1]).admit(
            sub, Tier.SUBCONTRACTOR, lead=uow.providers.get(lead)
        )
        uow.commit()


def awarded(settings: Settings, reference: str, to: str = "Wyeside Home Care") -> None:
    """Sourced and accepted by `to`, starting tomorrow."""
    start(settings, reference)
    accept(settings, reference, provider(settings, to))


def waiting(settings: Settings, reference: str) -> None:
    """Sourced, and declined by every provider asked: on the waiting list."""
    start(settings, reference)
    for name in ("Wyeside Home Care", "Other Care"):
        decline(settings, reference, provider(settings, name))


def propose(settings: Settings, reference: str, visits: str, by: Actor) -> int:
    """A change proposed by the holder, from tomorrow; its id."""
    with unit_of_work(settings) as uow:
        return changes.propose(
            uow,
            reference,
            visits=visits,
            effective_on=TOMORROW,
            reason="the review found less help is needed",
            by=by,
            now=datetime.now(UTC),
        ).id
