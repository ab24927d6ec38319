"""The deadline ticker in the server process: brokerage's `tick` every few seconds.

Offers and stages close when their window ends, whether or not anyone is looking, so each
server process moves on the rounds whose window has closed, every `tick_seconds`
(CAREMARKET_TICK_SECONDS; 0 turns it off). The tick runs in a worker thread, as it speaks
to the database, so the event loop goes on serving requests. A failed tick is logged and
tried again at the next interval; it never stops the server. Several processes may tick
at once: the service locks the rows it moves on and skips others' (SKIP LOCKED on
PostgreSQL), and a save that lost a race is read again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC, date, datetime

from caremarket.config import Settings
from caremarket.holidays import working_week
from caremarket.mail import SmtpMailer
from caremarket.services import brokerage, simulation_runs
from caremarket.services.brokerage import TickResult
from caremarket.services.delivery import deliver_notifications
from caremarket.services.intelligence import LONDON, Snapshot, take_weekly_snapshots
from caremarket.services.ports import UnitOfWork

log = logging.getLogger("caremarket.ticker")


def deadline_tick(unit_of_work: Callable[[], UnitOfWork]) -> Callable[[], TickResult]:
    """One tick of live brokerage: now, on the real clock."""

    def tick() -> TickResult:
        return brokerage.tick(unit_of_work(), now=datetime.now(UTC), week=working_week())

    return tick


def weekly_snapshots(unit_of_work: Callable[[], UnitOfWork]) -> Callable[[], list[Snapshot]]:
    """The waiting list's weekly snapshot: looked for once a day per process (the service
    takes one for each commissioner whose last is a week old, one per day at most). The
    first look is one interval after the server starts, not at once: starting the server
    writes nothing, and a request in its first seconds never waits on the snapshot's write."""
    looked_on: list[date | None] = []

    def snapshot() -> list[Snapshot]:
        now = datetime.now(UTC)
        today = now.astimezone(LONDON).date()
        if not looked_on:
            looked_on.append(None)  # started: look at the next interval
            return []
        if looked_on[-1] == today:
            return []
        done = take_weekly_snapshots(unit_of_work(), on=today, now=now, by="ticker")
        looked_on.append(today)
        return done

    return snapshot


def zone_changes(unit_of_work: Callable[[], UnitOfWork]) -> Callable[[], list[object]]:
    """Zone designs applied with a day to come: looked for once a day per process (from the
    first interval, as the snapshot), redrawing the zones of those whose day has come."""
    looked_on: list[date | None] = []

    def redraw() -> list[object]:
        # imported here: the designer's solver and maps need not load with the server
        from caremarket.services.zone_design import ZONE_CHANGES, apply_due_designs

        now = datetime.now(LONDON)
        today = now.date()
        if not looked_on:
            looked_on.append(None)
            return []
        if looked_on[-1] == today:
            return []
        done = apply_due_designs(unit_of_work(), today=today, now=now, by=ZONE_CHANGES)
        looked_on.append(today)
        return list(done)

    return redraw


def simulations(
    unit_of_work: Callable[[], UnitOfWork], stopping: threading.Event
) -> Callable[[], int]:
    """Simulation runs asked for in the pages or the API, one after another, each to its end
    in a worker thread (or, once `stopping` is set, back into the queue for the next start)."""

    def simulate() -> int:
        done = 0
        while not stopping.is_set():
            run = simulation_runs.run_next(
                unit_of_work(), clock=lambda: datetime.now(UTC), week=working_week(),
                stopping=stopping,
            )  # fmt: skip
            if run is None:
                break
            done += 1
        return done

    return simulate


def mail_delivery(
    unit_of_work: Callable[[], UnitOfWork], settings: Settings
) -> Callable[[], int] | None:
    """Sending notifications by e-mail, where a mail server is set (else None)."""
    if not settings.smtp_host:
        return None

    def deliver() -> int:
        with SmtpMailer(settings) as mailer:
            return deliver_notifications(unit_of_work(), mailer, now=datetime.now(UTC))

    return deliver


@asynccontextmanager
async def ticking(tick: Callable[[], object] | None, every: float) -> AsyncIterator[None]:
    """Run `tick` at once and then every `every` seconds while the block runs (not at all
    for 0, nor for no job). On leaving, a tick under way is let finish."""
    if every <= 0 or tick is None:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(_run(tick, every, stop), name="caremarket deadline ticker")
    try:
        yield
    finally:
        stop.set()
        await task


async def _run(tick: Callable[[], object], every: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            result = await asyncio.to_thread(tick)
        except Exception:
            log.exception("the %s failed; it tries again in %g seconds", _name(tick), every)
        else:
            if getattr(result, "rounds", result):  # something moved on, or was sent
                log.info("%s: %s", _name(tick), result)
        with suppress(TimeoutError):  # the interval passed without a stop
            await asyncio.wait_for(stop.wait(), timeout=every)


def _name(job: Callable[[], object]) -> str:
    names = {
        "tick": "deadline ticker",
        "deliver": "e-mail delivery",
        "snapshot": "waiting-list snapshot",
        "redraw": "zone changes",
        "simulate": "simulation runs",
    }
    return names.get(getattr(job, "__name__", ""), "deadline ticker")
