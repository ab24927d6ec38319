"""How long loading a demo preset and producing the two reports takes.

    .venv/bin/python bench/presets.py [--preset leicestershire] [--repeat 3] [--postgres URL]

Each repetition uses a new, empty database: migrate, load the preset, then run the zone and
market-share reports for the preset's commissioner (and render them as text). Prints the
median and the slowest of the repetitions, per step, as a Markdown table for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.scratch import scratch_postgres
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.demo import ALL, PRESETS
from caremarket.domain.access import Actor, Role
from caremarket.reports import render
from caremarket.services import market, reports
from caremarket.services.demo import load_preset

BENCH = Actor("bench", Role.ADMIN)
STEPS = ("migrate", "load preset", "zone report", "market-share report")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default="leicestershire", choices=sorted([*PRESETS, ALL]))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="also measure on this PostgreSQL server (admin URL)")
    options = parser.parse_args()

    databases: list[tuple[str, Callable[[], AbstractContextManager[str]]]] = [
        ("SQLite", sqlite_database)
    ]
    if options.postgres:
        databases.append(
            ("PostgreSQL", lambda: scratch_postgres(options.postgres, prefix="caremarket_bench"))
        )

    print(
        f"| database | step | median (s) | slowest (s) |  ({options.preset}, {options.repeat} runs)"
    )
    print("| --- | --- | ---: | ---: |")
    for label, database in databases:
        timings: dict[str, list[float]] = {step: [] for step in STEPS}
        for _ in range(options.repeat):
            with database() as url:
                for step, seconds in run_once(url, options.preset).items():
                    timings[step].append(seconds)
        for step in STEPS:
            runs = timings[step]
            print(f"| {label} | {step} | {statistics.median(runs):.3f} | {max(runs):.3f} |")


def run_once(url: str, preset: str) -> dict[str, float]:
    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    seconds: dict[str, float] = {}
    with timed(seconds, "migrate"):
        migrate.upgrade(engine)
    with timed(seconds, "load preset"):
        summary = load_preset(uow, preset, by=BENCH, now=datetime.now(UTC))
    codes = [c.code for c in market.list_commissioners(uow) if c.kind == "council"]
    with timed(seconds, "zone report"):
        for code in codes:
            render.as_text(reports.zone_demand(uow, commissioner=code, on=summary.report_on))
    with timed(seconds, "market-share report"):
        for code in codes:
            render.as_text(reports.market_share(uow, commissioner=code, on=summary.report_on))
    engine.dispose()
    return seconds


@contextmanager
def timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - start


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


if __name__ == "__main__":
    main()
