"""Racing acceptances: however many providers accept a package at once, it is awarded once.

One requested package in a lot of 20 providers, sourced under the Wirral policy (every member
is offered it at once), in a database of its own with every write committed, as in
production. Two races:

- through the API: 200 acceptances, 10 from each provider's own API token, released together
  against uvicorn with 4 worker processes on PostgreSQL, where the round's row is locked
  (`SELECT ... FOR UPDATE`) and every later acceptance sees the award;
- in process on SQLite, which has no row locks: 20 threads, one for each provider, each
  through a unit of work of its own; every thread has read the open offer before any writes,
  so all but one lose their write, wait for the winner to commit, and are retried on the new
  state (the path a lost version check takes too).

Either way: one award, and every other acceptance refused with 409 `offer_not_open`, saying
the package has already been awarded (to another provider, or to you).
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from bench.serving import uvicorn_workers
from sqlalchemy import Engine, event, func, select

from caremarket.db import migrate
from caremarket.db import tables as t
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import Tier, Vehicle, VehicleKind
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import OfferNotOpen, Outcome
from caremarket.holidays import working_week
from caremarket.services import accounts, brokerage
from caremarket.services.audit import list_audit
from caremarket.services.ports import AuditFilter
from tests.builders import AN_ADMIN, a_care_package, a_lot, a_provider
from tests.conftest import fresh_postgres_database

pytestmark = pytest.mark.slow

PROVIDERS = tuple(f"Provider {n:02d} Home Care" for n in range(1, 21))
EACH = 10  # acceptances sent by each provider through the API
WORKERS = 4  # uvicorn worker processes
REFERENCE = "PKG-RACE"
BROKER = Actor("broker@example.org", Role.BROKER)
ALREADY_AWARDED = "the package has already been awarded to "


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database of this test's own (skipped without a server, but not in
    CI)."""
    yield from fresh_postgres_database()


def test_200_concurrent_acceptances_through_4_server_processes_award_the_package_once(
    postgres_url: str,
) -> None:
    tokens = open_to_all(postgres_url)
    requests = [(name, tokens[name]) for name in PROVIDERS for _ in range(EACH)]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()

    with uvicorn_workers(postgres_url, workers=WORKERS) as base:
        answers = accept_all_at_once(base, requests, {"start_on": tomorrow})

    statuses = Counter(a.status for a in answers)
    assert statuses == {200: 1, 409: 199}, [a for a in answers if a.status not in (200, 409)]
    [won] = [a for a in answers if a.status == 200]
    assert won.body["awarded_to"] == won.provider
    for refused in (a for a in answers if a.status == 409):
        to = "you" if refused.provider == won.provider else "another provider"
        assert refused.body["error"] == "offer_not_open"
        assert refused.body["detail"] == ALREADY_AWARDED + to
    assert awarded_once(postgres_url) == won.provider


def test_threads_accepting_at_once_on_sqlite_lose_the_write_wait_for_the_award_and_are_refused(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    open_to_all(url)
    engine = make_engine(url, pool_size=len(PROVIDERS), max_overflow=0)
    lost_writes = all_read_before_any_writes(engine, len(PROVIDERS))
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        actors = {
            p.name: Actor(f"staff of {p.name}", Role.PROVIDER, p.id) for p in uow.providers.list()
        }
    week = working_week()

    def accept(name: str) -> tuple[str, str]:
        try:
            brokerage.accept_offer(
                SqlUnitOfWork(make_session_factory(engine)),
                REFERENCE,
                by=actors[name],
                start_on=date.today() + timedelta(days=1),
                now=datetime.now(UTC),
                week=week,
            )
        except OfferNotOpen as refusal:
            return name, str(refusal)
        return name, "awarded"

    with ThreadPoolExecutor(max_workers=len(PROVIDERS)) as pool:
        results = dict(pool.map(accept, PROVIDERS))
    engine.dispose()

    [winner] = [name for name, said in results.items() if said == "awarded"]
    assert {said for name, said in results.items() if name != winner} == {
        ALREADY_AWARDED + "another provider"
    }
    assert len(lost_writes) == len(PROVIDERS) - 1  # each loser lost one write, then was told
    assert awarded_once(url) == winner


def open_to_all(url: str) -> dict[str, str]:
    """A migrated database at `url`: PKG-RACE requested in a lot of the 20 providers, on the
    Wirral policy, sourcing started (one offer open to each). Returns each one's API token."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    now = datetime.now(UTC)
    with uow:
        package = a_care_package(
            reference=REFERENCE, status=PackageStatus.REQUESTED, pathway="O", start_on=now.date()
        )
        lot = a_lot(zones=[package.zone], max_providers=None)
        for n, name in enumerate(PROVIDERS):
            lot.admit(
                a_provider(name=name, cqc_location_ids=(f"1-{200000000 + n}",)), Tier.APPROVED
            )
        uow.packages.add(package)
        uow.vehicles.add(
            Vehicle("WIRRAL", "Home care", VehicleKind.DPS, [package.commissioner], lots=[lot])
        )
        uow.commit()
    brokerage.set_policy(uow, package.commissioner.code, "wirral", by=AN_ADMIN, now=now)
    sourcing = brokerage.start_sourcing(uow, REFERENCE, by=BROKER, now=now, week=working_week())
    assert sorted(o.provider for o in sourcing.state.offers if o.open) == list(PROVIDERS)
    tokens = {
        name: accounts.create_token(
            uow, name=f"{name} system", role=Role.PROVIDER, provider=name, by=AN_ADMIN, now=now
        ).secret
        for name in PROVIDERS
    }
    engine.dispose()
    return tokens


@dataclass(frozen=True)
class Answer:
    provider: str
    status: int
    body: dict[str, Any]


def accept_all_at_once(
    base: str, requests: list[tuple[str, str]], acceptance: dict[str, str]
) -> list[Answer]:
    """POST every acceptance at once: each from a thread with its connection already open,
    all released by one barrier."""
    where = urlsplit(base)
    barrier = threading.Barrier(len(requests))
    body = json.dumps(acceptance)

    def send(request: tuple[str, str]) -> Answer:
        provider, token = request
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
        try:
            connection.connect()
            barrier.wait(timeout=60)
            connection.request(
                "POST",
                f"/api/packages/{REFERENCE}/acceptance",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            return Answer(provider, answer.status, json.loads(answer.read() or b"{}"))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def all_read_before_any_writes(engine: Engine, threads: int) -> list[str]:
    """Hold each thread's first write to the round until every thread has read the open
    offer: the worst interleaving, made certain. Returns the list that will hold each write
    SQLite refused because another transaction was writing."""
    barrier = threading.Barrier(threads)
    waited = threading.local()
    refused: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def hold(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("UPDATE sourcings") and not getattr(waited, "done", False):
            waited.done = True
            barrier.wait(timeout=30)

    @event.listens_for(engine, "handle_error")
    def count(context) -> None:
        if "database is locked" in str(context.original_exception):
            refused.append(context.statement)

    return refused


def awarded_once(url: str) -> str:
    """Check the database shows one award, and name the provider it went to."""
    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        package = uow.packages.get(REFERENCE)
        assert package.status is PackageStatus.ACTIVE and package.provider is not None
        winner = package.provider.name
        outcomes = Counter(
            uow.session.scalars(select(t.offers.c.outcome)).all()  # every round's offers
        )
        assert outcomes == {Outcome.ACCEPTED: 1, Outcome.WITHDRAWN: len(PROVIDERS) - 1}
        rounds = uow.session.scalar(select(func.count()).select_from(t.sourcings))
        assert rounds == 1
    trail, _ = list_audit(uow, AuditFilter(object_type="care package", object_ref=REFERENCE))
    awards = [e for e in trail if e.action == "package awarded"]
    assert [e.changes["provider"] for e in awards] == [winner]
    engine.dispose()
    return winner
