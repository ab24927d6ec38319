"""The deadline ticker in the server process: rounds move on with nobody calling."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.domain.market import Tier, Vehicle, VehicleKind
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import Phase
from caremarket.holidays import working_week
from caremarket.services import accounts, brokerage
from caremarket.services.audit import list_audit
from caremarket.services.ports import AuditFilter
from caremarket.web.app import create_app
from caremarket.web.ticker import ticking
from tests.builders import AN_ADMIN, a_care_package, a_lot, a_provider

TEN_DAYS_AGO = datetime.now(UTC) - timedelta(days=10)  # every Liverpool window has closed


@pytest.fixture
def database(empty_database_url: str) -> Iterator[tuple[str, SqlUnitOfWork]]:
    """A migrated database of its own, and a unit of work on it."""
    engine = make_engine(empty_database_url)
    migrate.upgrade(engine)
    yield empty_database_url, SqlUnitOfWork(make_session_factory(engine))
    engine.dispose()


def add_expired_rounds(uow: SqlUnitOfWork, packages: int = 1) -> None:
    """A commissioner on the Liverpool policy, a lot with a preferred and an approved
    provider, and `packages` packages whose first stage (the preferred provider's 5 business
    hours) closed days ago."""
    with uow:
        first = a_care_package(status=PackageStatus.REQUESTED, start_on=date.today(), pathway="O")
        others = [
            a_care_package(
                reference=f"PKG-{n:04d}",
                commissioner=first.commissioner,
                zone=first.zone,
                service=first.service,
                person=first.person,
                status=PackageStatus.REQUESTED,
                start_on=date.today(),
                pathway="O",
            )
            for n in range(2, packages + 1)
        ]
        uow.packages.add_all([first, *others])
        lot = a_lot(zones=[first.zone])
        for n, (name, tier) in enumerate(
            (("Anfield Homecare", Tier.PREFERRED), ("Dingle Care", Tier.APPROVED)), start=1
        ):
            lot.admit(a_provider(name=name, cqc_location_ids=(f"1-20000000{n}",)), tier)
        uow.vehicles.add(
            Vehicle("LCR", "Home care", VehicleKind.DPS, [first.commissioner], lots=[lot])
        )
        uow.commit()
        references = [p.reference for p in (first, *others)]
    brokerage.set_policy(uow, "HFD", "liverpool", by=AN_ADMIN, now=TEN_DAYS_AGO)
    for reference in references:
        brokerage.start_sourcing(uow, reference, by=AN_ADMIN, now=TEN_DAYS_AGO, week=working_week())
    return uow


def stages(uow: SqlUnitOfWork) -> dict[str, int | None]:
    """Each package's current stage, counted from 0."""
    with uow:
        return {p.reference: uow.sourcings.current(p).state.stage for p in uow.packages.list()}


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_running_app_moves_an_expired_round_on_without_any_request(database) -> None:
    url, uow = database
    add_expired_rounds(uow)
    assert stages(uow) == {"PKG-0001": 0}
    settings = Settings(database_url=url, environment="test", tick_seconds=0.1)
    app = create_app(settings)
    with TestClient(app):
        moved = wait_until(lambda: stages(uow) == {"PKG-0001": 1})
    app.state.engine.dispose()
    assert moved, "the ticker did not move the package on to the approved providers"
    with uow:
        state = uow.sourcings.current(uow.packages.get("PKG-0001")).state
    assert [o.provider for o in state.offers if o.open] == ["Dingle Care"]


def test_several_servers_ticking_at_once_move_each_round_on_once(database) -> None:
    url, uow = database
    add_expired_rounds(uow, packages=12)
    settings = Settings(database_url=url, environment="test", tick_seconds=0.02)
    apps = [create_app(settings) for _ in range(3)]
    clients = [TestClient(app) for app in apps]
    for client in clients:
        client.__enter__()
    try:
        moved = wait_until(lambda: set(stages(uow).values()) == {1})
    finally:
        for client in clients:
            client.__exit__(None, None, None)
        for app in apps:
            app.state.engine.dispose()
    assert moved
    trail, _ = list_audit(uow, AuditFilter(object_type="care package"), limit=1000)
    assert sum(e.action == "offer expired" for e in trail) == 12  # one preferred offer each
    assert sum(e.action == "offer made" for e in trail) == 24  # preferred, then approved
    with uow:
        phases = {uow.sourcings.current(p).state.phase for p in uow.packages.list()}
    assert phases == {Phase.OFFERING}


def run_in_a_thread_of_its_own(serve: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run an event loop as a server does, away from any loop of the test session's."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(lambda: asyncio.run(serve())).result(timeout=30)


def test_no_ticker_runs_when_tick_seconds_is_zero() -> None:
    calls: list[int] = []

    async def serve() -> None:
        async with ticking(lambda: calls.append(1), every=0):
            await asyncio.sleep(0.05)

    run_in_a_thread_of_its_own(serve)
    assert calls == []


def test_a_failing_tick_is_logged_and_the_ticker_keeps_going(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []
    again = threading.Event()

    def tick() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        again.set()

    async def serve() -> None:
        async with ticking(tick, every=0.01):
            await asyncio.to_thread(again.wait, 5)

    with caplog.at_level(logging.ERROR, logger="caremarket.ticker"):
        run_in_a_thread_of_its_own(serve)
    assert len(calls) >= 2
    assert "the deadline ticker failed" in caplog.text
    assert "the database went away" in caplog.text


def test_the_interval_is_a_setting_of_its_own_thirty_seconds_unless_set() -> None:
    assert Settings().tick_seconds == 30
    with pytest.raises(ValidationError, match="tick_seconds"):
        Settings(tick_seconds=-1)


def test_a_server_with_a_mail_server_sends_notifications_by_e_mail(database, mail_server) -> None:
    url, uow = database
    add_expired_rounds(uow)
    accounts.add_user(
        uow,
        email="rota@dingle.example",
        name="Dingle rota",
        role=Role.PROVIDER,
        password="a-long-enough-password",
        provider="Dingle Care",
        by=AN_ADMIN,
        now=datetime.now(UTC),
    )
    inbox, port = mail_server
    settings = Settings(
        database_url=url,
        environment="test",
        tick_seconds=0.1,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
    )
    app = create_app(settings)
    with TestClient(app):
        sent = wait_until(lambda: any(m["To"] == "rota@dingle.example" for m in inbox.messages))
    app.state.engine.dispose()
    assert sent, "the offer to Dingle Care was not sent by e-mail"
    subjects = [m["Subject"] for m in inbox.messages if m["To"] == "rota@dingle.example"]
    assert subjects == ["New offer: care package PKG-0001"]
