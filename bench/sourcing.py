"""Brokerage under load: sourcing throughput, and the latency of accepting an offer.

    .venv/bin/python bench/sourcing.py [--postgres ADMIN_URL] [--only throughput|latency]
        [--packages 600] [--per-step 20] [--seed 1]
        [--providers 50] [--offered 500] [--requests 20] [--think MIN-MAX] [--workers 2]

1. Throughput, in process (services only), on SQLite and on PostgreSQL. A new database with
   the leicestershire preset (18 providers in 30 lots) on its own policy (the lot's lead
   provider first, one at a time, for 4 business hours; then the supplementary providers all
   at once for 24 hours; then the waiting list), and --packages new requested packages:
   copies of the preset's, with new people and references. A simulated clock starts on
   Monday 23 November 2026 at 09:00 and moves on 30 minutes a step. Each step: --per-step
   packages are requested and sourcing starts (`start_sourcing`); every provider reads its
   open offers (`open_offers`, as GET /api/offers does) and answers each new one once, at
   random (seeded): accept 30 %, decline 40 %, no answer 30 % (the window closes); then the
   ticker (`tick`) closes the windows that have passed. Until no package is left in
   sourcing. Counts the packages settled (awarded, or on the waiting list) per second of
   wall time, the bench process's CPU time and the SQL statements sent, in all and for each
   kind of service call.

2. Latency of accepting, through the API, on PostgreSQL. A new database: --providers
   providers in one lot on the Wirral policy (everyone offered at once), --offered requested
   packages, sourcing started for each (an offer to every provider) and an API token for
   each provider. uvicorn with --workers processes (serving.py); one thread per provider,
   each with its own keep-alive connection and token, all released together, each POSTing
   /api/packages/REF/acceptance for --requests packages drawn at random (so a package may be
   accepted by several: the first is awarded, 200, the others refused, 409), waiting
   --think seconds (random, MIN-MAX) before each request, or none: flat out, every thread
   sending its first at the same moment. A warm-up of 2 acceptances each, on --providers
   packages kept for it, is not counted.

Prints Markdown tables for docs/benchmarks.md. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from serving import uvicorn_workers
from sqlalchemy import event, text

from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.scratch import scratch_postgres
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.market import (
    Commissioner,
    Lot,
    Provider,
    ServiceKind,
    ServiceType,
    Tier,
    Vehicle,
    VehicleKind,
    Zone,
)
from caremarket.domain.packages import CarePackage, PackageStatus, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.sourcing import DeclineReason, OfferNotOpen
from caremarket.holidays import working_week
from caremarket.services import accounts, brokerage, sourcing_views
from caremarket.services.demo import load_preset

DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PRESET, COMMISSIONER = "leicestershire", "LCC"
BENCH = Actor("bench", Role.ADMIN)
BROKER = Actor("bench broker", Role.BROKER)
LONDON = ZoneInfo("Europe/London")
SIMULATION_STARTS = datetime(2026, 11, 23, 9, tzinfo=LONDON)  # a Monday
STEP = timedelta(minutes=30)
ACCEPT, DECLINE = 0.30, 0.40  # else no answer
WARM_UP = 2  # acceptances per provider before the measured ones
T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_ADMIN, help="admin URL of the server")
    parser.add_argument("--only", choices=("throughput", "latency"))
    parser.add_argument("--packages", type=int, default=600, help="throughput: requested")
    parser.add_argument("--per-step", type=int, default=20, help="throughput: arriving a step")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--providers", type=int, default=50, help="latency: concurrent")
    parser.add_argument("--offered", type=int, default=500, help="latency: packages offered")
    parser.add_argument("--requests", type=int, default=20, help="latency: per provider")
    parser.add_argument("--think", type=think_time, help="latency: seconds between, MIN-MAX")
    parser.add_argument("--workers", type=int, default=2, help="latency: uvicorn processes")
    options = parser.parse_args()

    if options.only in (None, "throughput"):
        databases: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
            ("SQLite", sqlite_database),
            ("PostgreSQL", lambda: scratch_postgres(options.postgres, prefix="caremarket_bench")),
        ]
        runs = []
        for label, database in databases:
            with database() as url:
                runs.append(
                    (label, throughput(url, options.packages, options.per_step, options.seed))
                )
        print_throughput(runs, options)
    if options.only in (None, "latency"):
        with scratch_postgres(options.postgres, prefix="caremarket_bench") as url:
            latency = acceptance_latency(url, options)
        print_latency(latency, options)


def think_time(value: str) -> tuple[float, float]:
    low, high = (float(part) for part in value.split("-"))
    return low, high


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


# 1. Throughput ---------------------------------------------------------------------------


@dataclass
class Throughput:
    packages: int
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # wall time
    cpu_seconds: float = 0.0  # of this process (not the database server's)
    steps: int = 0
    statements: int = 0  # sent to the database so far
    calls: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))

    def timed(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """call(*args, **kwargs), its time and SQL statements kept under the call's name."""
        started, before = time.perf_counter(), self.statements
        try:
            return call(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            self.calls[call.__name__].append((elapsed, self.statements - before))

    def count(self, *_: Any) -> None:
        self.statements += 1


def throughput(url: str, packages: int, per_step: int, seed: int) -> Throughput:
    """Source `packages` requested packages to an end, with simulated providers and clock."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    references = add_requested_copies(uow, packages)
    analyse(engine)
    brokerage.set_policy(uow, COMMISSIONER, PRESET, by=BENCH, now=SIMULATION_STARTS)
    with uow:
        actors = [Actor(f"staff of {p.name}", Role.PROVIDER, p.id) for p in uow.providers.list()]
    week, rng = working_week(), random.Random(seed)
    answered: set[tuple[str, str, datetime]] = set()
    run = Throughput(packages)
    event.listen(engine, "before_cursor_execute", run.count)
    now = SIMULATION_STARTS
    started, cpu = time.perf_counter(), time.process_time()
    while references or in_sourcing(engine):
        arriving, references = references[:per_step], references[per_step:]
        for reference in arriving:
            run.timed(brokerage.start_sourcing, uow, reference, by=BROKER, now=now, week=week)
        for actor in actors:
            inbox = run.timed(sourcing_views.open_offers, uow, viewer=actor)
            for offer in inbox:
                key = (offer.reference, offer.provider, offer.made_at)
                if key in answered:
                    continue
                answered.add(key)
                draw = rng.random()
                if draw < ACCEPT + DECLINE:
                    said = respond(
                        run, uow, offer, actor, accepting=draw < ACCEPT, now=now, week=week
                    )
                    run.outcomes[said] += 1
        run.timed(brokerage.tick, uow, now=now, week=week)
        now += STEP
        run.steps += 1
    run.seconds, run.cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", run.count)
    run.outcomes.update(settled(engine))
    engine.dispose()
    return run


def respond(
    run: Throughput,
    uow: SqlUnitOfWork,
    offer: sourcing_views.OpenOffer,
    actor: Actor,
    *,
    accepting: bool,
    now: datetime,
    week: WorkingWeek,
) -> str:
    """Accept or decline; what came of it ("refused": someone else accepted it first)."""
    try:
        if accepting:
            start_on = now.date() + timedelta(days=7)
            run.timed(
                brokerage.accept_offer,
                uow,
                offer.reference,
                by=actor,
                start_on=start_on,
                now=now,
                week=week,
            )
            return "accepted"
        reason = DeclineReason.NO_CAPACITY
        run.timed(
            brokerage.decline_offer,
            uow,
            offer.reference,
            by=actor,
            reason=reason,
            now=now,
            week=week,
        )
        return "declined"
    except OfferNotOpen:
        return "refused"


def add_requested_copies(uow: SqlUnitOfWork, count: int) -> list[str]:
    """The preset, then `count` requested copies of its packages (new people, references)."""
    load_preset(uow, PRESET, by=BENCH, now=SIMULATION_STARTS)
    with uow:
        originals = list(uow.packages.list())
        copies = []
        for n in range(count):
            original = originals[(n * 7919) % len(originals)]  # spread over the zones
            person = Person(
                commissioner=original.person.commissioner,
                reference=f"{original.person.reference}-R{n}",
                postcode=original.person.postcode,
            )
            copies.append(
                replace(
                    original,
                    reference=f"REQ-{n + 1:05d}",
                    person=person,
                    status=PackageStatus.REQUESTED,
                    provider=None,
                    lot=None,
                    start_on=SIMULATION_STARTS.date() + timedelta(days=7),
                    end_on=None,
                    id=None,
                )
            )
        uow.people.add_all(c.person for c in copies)
        uow.packages.add_all(copies)
        uow.commit()
    return [c.reference for c in copies]


def in_sourcing(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM sourcings WHERE phase = 'offering'"))


def settled(engine) -> Counter[str]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT phase, count(*) FROM sourcings GROUP BY phase"))
        return Counter({f"rounds {phase}": count for phase, count in rows})


def analyse(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()


def print_throughput(runs: list[tuple[str, Throughput]], options: argparse.Namespace) -> None:
    print()
    print(
        f"Throughput: {options.packages} requested packages, {options.per_step} a simulated"
        f" half-hour, leicestershire preset and policy, seed {options.seed}"
    )
    print()
    print(
        "| database | packages settled | awarded | waiting list | wall time (s) | settled per s"
        " | CPU of the bench process (s) | SQL statements |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, run in runs:
        awarded, waiting = run.outcomes["rounds awarded"], run.outcomes["rounds waiting"]
        print(
            f"| {label} | {awarded + waiting} | {awarded} | {waiting} | {run.seconds:.1f} |"
            f" {(awarded + waiting) / run.seconds:.1f} | {run.cpu_seconds:.1f} |"
            f" {run.statements} |"
        )
    print()
    print(
        "| database | service call | calls | median (ms) | p99 (ms) | total (s)"
        " | SQL statements a call |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, run in runs:
        for name, timings in run.calls.items():
            seconds = [s for s, _ in timings]
            statements = sum(n for _, n in timings) / len(timings)
            print(
                f"| {label} | `{name}` | {len(seconds)} | {median_ms(seconds):.1f} |"
                f" {p99_ms(seconds):.1f} | {sum(seconds):.1f} | {statements:.1f} |"
            )
    print()
    for label, run in runs:
        answers = ", ".join(f"{k} {v}" for k, v in sorted(run.outcomes.items()))
        print(f"{label}: {run.steps} simulated half-hours; {answers}")


# 2. Latency of accepting through the API ----------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    seconds: float


@dataclass
class Latency:
    answers: list[Answer]
    seconds: float
    build_seconds: float


def acceptance_latency(url: str, options: argparse.Namespace) -> Latency:
    started = time.perf_counter()
    tokens, references = offered_to_all(url, options.providers, options.offered)
    build_seconds = time.perf_counter() - started
    rng = random.Random(options.seed)
    warm_up, measured = references[: len(tokens)], references[len(tokens) :]
    plans = [
        (token, rng.sample(warm_up, WARM_UP), rng.sample(measured, options.requests))
        for token in tokens
    ]
    with uvicorn_workers(url, workers=options.workers) as base:
        answers, seconds = accept_concurrently(base, plans, options.think, rng.random())
    return Latency(answers, seconds, build_seconds)


def offered_to_all(url: str, providers: int, packages: int) -> tuple[list[str], list[str]]:
    """`providers` providers in one lot on the Wirral policy; `packages` requested packages
    and `providers` more for the warm-up, each offered to all of them. Their API tokens, and
    the packages' references (warm-up first)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    now = datetime.now(UTC)
    council = Commissioner("WIR", "Wirral Council")
    zone = Zone(council, "A", "Zone A", ("CH41",))
    service = ServiceType("PC", "Personal care", ServiceKind.VISITS)
    names = [f"Bench Provider {n:03d}" for n in range(1, providers + 1)]
    references = [f"PKG-{n:05d}" for n in range(1, providers + packages + 1)]
    with uow:
        lot = Lot("ALL", "Every provider", zones=[zone])
        for n, name in enumerate(names):
            lot.admit(Provider(name, (f"1-{300000000 + n}",)), Tier.APPROVED)
        uow.vehicles.add(Vehicle("WIR-DPS", "Home care", VehicleKind.DPS, [council], lots=[lot]))
        person = Person(council, "P-1", "CH41 1AA")
        uow.packages.add_all(
            CarePackage(
                reference=reference,
                person=person,
                commissioner=council,
                zone=zone,
                service=service,
                pattern=parse_pattern("4x30 daily"),
                start_on=now.date() + timedelta(days=7),
            )
            for reference in references
        )
        uow.commit()
    brokerage.set_policy(uow, council.code, "wirral", by=BENCH, now=now)
    week = working_week()
    for reference in references:
        brokerage.start_sourcing(uow, reference, by=BROKER, now=now, week=week)
    tokens = [
        accounts.create_token(
            uow, name=f"{name} system", role=Role.PROVIDER, provider=name, by=BENCH, now=now
        ).secret
        for name in names
    ]
    analyse(engine)
    engine.dispose()
    return tokens, references


def accept_concurrently(
    base: str,
    plans: list[tuple[str, list[str], list[str]]],
    think: tuple[float, float] | None,
    seed: float,
) -> tuple[list[Answer], float]:
    """One thread per provider: warm up, wait for the others, then accept each planned
    package in turn. The measured answers, and the wall time from release to the last."""
    where = urlsplit(base)
    barrier = threading.Barrier(len(plans) + 1)
    start_on = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    results: list[list[Answer]] = [[] for _ in plans]

    def provider(index: int) -> None:
        token, warm_up, measured = plans[index]
        rng = random.Random(f"{seed}-{index}")
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=120)
        try:
            for reference in warm_up:
                accept(connection, token, reference, start_on)
            barrier.wait(timeout=300)
            if think:  # people at work: not all at the same instant
                time.sleep(rng.uniform(*think))
            for reference in measured:
                results[index].append(accept(connection, token, reference, start_on))
                if think:
                    time.sleep(rng.uniform(*think))
        finally:
            connection.close()

    threads = [threading.Thread(target=provider, args=(i,)) for i in range(len(plans))]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=300)
    released = time.perf_counter()
    for thread in threads:
        thread.join()
    return [a for answers in results for a in answers], time.perf_counter() - released


def accept(
    connection: http.client.HTTPConnection, token: str, reference: str, start_on: str
) -> Answer:
    """POST the acceptance; once again on a new connection if the server had closed the old
    one (uvicorn closes a keep-alive connection idle for 5 s)."""
    for attempt in (1, 2):
        started = time.perf_counter()
        try:
            connection.request(
                "POST",
                f"/api/packages/{reference}/acceptance",
                body=json.dumps({"start_on": start_on}),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            answer = connection.getresponse()
            answer.read()
            return Answer(answer.status, time.perf_counter() - started)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            connection.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def print_latency(latency: Latency, options: argparse.Namespace) -> None:
    answers = latency.answers
    think = f"{options.think[0]:g}–{options.think[1]:g} s" if options.think else "none (flat out)"
    print()
    print(
        f"Latency of POST /api/packages/REF/acceptance: {options.providers} providers at once,"
        f" {options.requests} acceptances each over {options.offered} packages offered to all,"
        f" think time {think}, {options.workers} uvicorn workers, PostgreSQL"
        f" (built in {latency.build_seconds:.0f} s)"
    )
    print()
    print("| answers | requests | median (ms) | p99 (ms) | max (ms) | req/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    groups = [
        ("all", answers),
        ("200 awarded", [a for a in answers if a.status == 200]),
        ("409 refused", [a for a in answers if a.status == 409]),
    ]
    others = [a for a in answers if a.status not in (200, 409)]
    if others:
        groups.append((f"other ({Counter(a.status for a in others)})", others))
    for label, group in groups:
        if not group:
            continue
        seconds = [a.seconds for a in group]
        print(
            f"| {label} | {len(group)} | {median_ms(seconds):.1f} | {p99_ms(seconds):.1f} |"
            f" {max(seconds) * 1000:.1f} | {len(group) / latency.seconds:.1f} |"
        )


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def p99_ms(seconds: list[float]) -> float:
    if len(seconds) < 2:
        return seconds[0] * 1000
    return statistics.quantiles(seconds, n=100, method="inclusive")[98] * 1000


if __name__ == "__main__":
    main()
