"""Acting on a brokerage test database directly: as a broker, or as a provider without an
account of its own (Other Care), and setting the commissioner's policy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.policies import SourcingPolicy
from caremarket.domain.sourcing import DeclineReason
from caremarket.holidays import working_week
from caremarket.services import brokerage
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
