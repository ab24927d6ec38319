"""A year of a large county's ECM visits imported into PostgreSQL, and a 4-weekly payment run.

    .venv/bin/python bench/payments.py [--people 2000] [--providers 30] [--seed 1]
        [--postgres ADMIN_URL] [--profile FILE] [--keep] [--run-only] [--files N] [--reference]

The county (seeded, --seed): one council (code BCC), one service (personal care, paid by the
hour at £18.40 from 1 April 2024 and £19.10 from 1 April 2025, the uplift inside the year),
--providers providers and --people people, each with one active package from the year's
first day, delivered by a provider drawn at random. Visit patterns, a quarter each:
`4x30 daily`, `3x45 daily`, `3x30 daily`, `2x30 daily; 1x30x2 Mon-Fri` (a double-handed
call on weekdays): about 3.0 visits a person a day, so 2,000 people make about 2.2 million
visits in the year (52 weeks from Monday 6 January 2025).

The visit files: each provider sends one file in the caremarket layout (docs/formats.md)
for each 4-week period, 13 a provider, written to a temporary folder before anything is
measured. Each planned visit (domain.schedules) becomes a row: 96 % completed (check-in up
to 10 minutes either side of the plan, a duration of 70 % to 110 % of the planned minutes),
2 % missed, 2 % cancelled by the person (notice 1 to 48 hours before). Verified by app,
except 1 % confirmed manually; each package has its own carers, so no overlaps arise.

What is measured, in one run, on one new PostgreSQL database (dropped at the end):
1. bare COPY: every file's rows, as they are, `COPY ... FROM STDIN (FORMAT csv, HEADER)`
   into a plain table of text columns (no index), through psycopg, one COPY a file;
2. import: every file through `services.ecm.import_ecm_file`, as `caremarket ecm import`
   would, one unit of work (one commit) a file; visits per second over all files, and the
   path the files took (the staging table, or row by row with --reference);
3. the payment run: `services.payments.create_run` for the county's 7th 4-week period
   (every provider); seconds.
The run's CPU time (this process's, `time.process_time`) is printed too: on a shared
machine it varies less than the elapsed time. Peak memory is the bench process's peak
resident set size (resource.getrusage ru_maxrss), read after each step; PostgreSQL's own
processes are not counted.

--run-only imports only the files of the run's period (the same files, so the same run,
line for line) and skips the bare COPY: the run reads only its period's visits, so this
measures it without importing the year first.

--files N writes and imports only the first N files (by period, then provider): a quick
check of the import rate. --reference imports through the reference path (row by row, in
Python) instead of the staging table.

--profile FILE writes cProfile statistics of the import of the middle file (by period, then
provider) and of the run to FILE.import and FILE.run.
"""

from __future__ import annotations

import argparse
import cProfile
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.mapping import start_mappers
from caremarket.db.scratch import scratch_postgres
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import (
    Commissioner,
    CqcRating,
    Provider,
    ServiceKind,
    ServiceType,
    Zone,
)
from caremarket.domain.packages import CarePackage, PackageStatus, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.rates import RateBasis, RateCard, RateLine
from caremarket.domain.schedules import DateRange, PlannedVisit, schedule_of
from caremarket.services import payments
from caremarket.services.ecm import import_ecm_file

DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BENCH = Actor("bench", Role.ADMIN)
FINANCE = Actor("bench finance", Role.FINANCE)
YEAR_STARTS = date(2025, 1, 6)  # a Monday
PERIODS = 13
RUN_PERIOD = 6  # the 7th 4-week period, counting from 0
PATTERNS = ("4x30 daily", "3x45 daily", "3x30 daily", "2x30 daily; 1x30x2 Mon-Fri")
HEADER = (
    "visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end,"
    "carers_planned,carers_present,cancelled_at,verification,notes,carer_ids\n"
)
BARE_COPY_COLUMNS = HEADER.strip().split(",")


@dataclass(frozen=True)
class County:
    providers: list[Provider]
    packages: list[CarePackage]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--providers", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default=DEFAULT_ADMIN, help="admin URL of the server")
    parser.add_argument("--profile", help="write cProfile statistics to FILE.import, FILE.run")
    parser.add_argument("--keep", action="store_true", help="keep the database, print its URL")
    parser.add_argument(
        "--run-only", action="store_true", help="import only the run's period; no bare COPY"
    )
    parser.add_argument("--files", type=int, help="write and import only the first N files")
    parser.add_argument(
        "--reference", action="store_true", help="import row by row, not through staging"
    )
    options = parser.parse_args()

    start_mappers()  # before any domain object is made
    rng = random.Random(options.seed)
    county = build_county(options.people, options.providers, rng)
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_postgres(options.postgres, prefix="caremarket_bench", keep=options.keep) as url,
    ):
        started = time.perf_counter()
        files = write_files(county, Path(folder), rng, options.files)
        visits = sum(rows for _, _, rows in files)
        size = sum(path.stat().st_size for _, path, _ in files)
        print(
            f"{len(files)} files, {visits:,} visits, {size / 2**20:.0f} MiB written in"
            f" {time.perf_counter() - started:.1f} s"
        )
        engine = make_engine(url)
        migrate.upgrade(engine)
        uow = SqlUnitOfWork(make_session_factory(engine))
        add_county(uow, county)
        memory = {"after generating": peak_mib()}

        if options.run_only:
            files = [f for f in files if f[1].stem.endswith(f"-{RUN_PERIOD + 1:02d}")]
            visits = sum(rows for _, _, rows in files)
        copy_seconds = 0.0 if options.run_only else bare_copy(engine, files)
        memory["after bare COPY"] = peak_mib()

        profiler = cProfile.Profile() if options.profile else None
        import_seconds = 0.0
        staged = 0
        for number, (provider, path, _) in enumerate(files):
            content = path.read_bytes()
            start = time.perf_counter()
            with profiling(profiler if number == len(files) // 2 else None):
                summary = import_ecm_file(
                    uow,
                    content,
                    provider=provider,
                    filename=path.name,
                    by=BENCH,
                    now=datetime.now(UTC),
                    staged=not options.reference,
                )
            import_seconds += time.perf_counter() - start
            staged += summary.staged
        if profiler:
            profiler.dump_stats(options.profile + ".import")
        memory["after import"] = peak_mib()
        with engine.connect() as connection:
            kept = connection.scalar(text("SELECT count(*) FROM visit_records"))
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))

        period = period_of(RUN_PERIOD)
        profiler = cProfile.Profile() if options.profile else None
        start, cpu = time.perf_counter(), time.process_time()
        with profiling(profiler):
            run = payments.create_run(
                uow, "BCC", period.first, period.last, by=FINANCE, now=datetime.now(UTC)
            )
        run_seconds = time.perf_counter() - start
        run_cpu = time.process_time() - cpu
        if profiler:
            profiler.dump_stats(options.profile + ".run")
        memory["after run"] = peak_mib()
        with uow:
            lines = uow.payment_runs.lines(run)
        engine.dispose()
        if options.keep:
            print(f"kept: {url}")

    paid = sum((x.amount for x in lines if not x.held), start=Decimal(0))
    print()
    print(
        f"{options.people:,} people, {len(county.providers)} providers, {len(files)} files,"
        f" {visits:,} visits ({kept:,} kept); run {run.reference}: {len(lines):,} lines,"
        f" {sum(1 for x in lines if x.held):,} held, £{paid:,} paid"
    )
    print()
    print("| step | seconds | visits a second | peak memory (MiB) |")
    print("| --- | ---: | ---: | ---: |")
    if copy_seconds:
        print(
            f"| bare `COPY` of the same files | {copy_seconds:.1f} |"
            f" {visits / copy_seconds:,.0f} | {memory['after bare COPY']:.0f} |"
        )
    print(
        f"| import through caremarket ({path_taken(staged, len(files))}) |"
        f" {import_seconds:.1f} |"
        f" {visits / import_seconds:,.0f} | {memory['after import']:.0f} |"
    )
    print(
        f"| 4-weekly payment run ({period.first:%d/%m/%Y} to {period.last:%d/%m/%Y}) |"
        f" {run_seconds:.2f} | | {memory['after run']:.0f} |"
    )
    print()
    print(f"the run: {run_cpu:.2f} s of this process's CPU time (PostgreSQL's not counted)")
    if copy_seconds:
        print(f"import at {copy_seconds / import_seconds:.0%} of the bare COPY rate;", end=" ")
    print(f"peak memory {max(memory.values()):.0f} MiB (ru_maxrss)")


def path_taken(staged: int, files: int) -> str:
    if staged == files:
        return "the staging table"
    if not staged:
        return "row by row"
    return f"{staged} of {files} files through the staging table"


def build_county(people: int, providers: int, rng: random.Random) -> County:
    council = Commissioner(code="BCC", name="Benchshire County Council")
    zone = Zone(code="Z", name="The county", areas=("BE1",), commissioner=council)
    service = ServiceType(code="PC", name="Personal care", kind=ServiceKind.VISITS)
    agencies = [
        Provider(
            name=f"Bench Care {n:02d}",
            cqc_location_ids=(f"1-{100000000 + n}",),
            cqc_rating=CqcRating.GOOD,
        )
        for n in range(1, providers + 1)
    ]
    packages = []
    for n in range(1, people + 1):
        packages.append(
            CarePackage(
                reference=f"PKG-{n:05d}",
                person=Person(commissioner=council, reference=f"P-{n:05d}", postcode="BE1 1AA"),
                commissioner=council,
                zone=zone,
                service=service,
                pattern=parse_pattern(PATTERNS[n % len(PATTERNS)]),
                start_on=YEAR_STARTS,
                status=PackageStatus.ACTIVE,
                provider=rng.choice(agencies),
            )
        )
    return County(agencies, packages)


def add_county(uow: SqlUnitOfWork, county: County) -> None:
    council = county.packages[0].commissioner
    service = county.packages[0].service
    card = RateCard(
        commissioner=council,
        name="2024/25",
        lines=[
            RateLine(service, Decimal("18.40"), date(2024, 4, 1), basis=RateBasis.PER_HOUR),
            RateLine(service, Decimal("19.10"), date(2025, 4, 1), basis=RateBasis.PER_HOUR),
        ],
    )
    with uow:
        uow.commissioners.add(council)
        uow.services.add(service)
        for provider in county.providers:
            uow.providers.add(provider)
        uow.rate_cards.add(card)
        for package in county.packages:
            uow.packages.add(package)
        uow.commit()


def period_of(number: int) -> DateRange:
    first = YEAR_STARTS + timedelta(weeks=4 * number)
    return DateRange(first, first + timedelta(days=27))


def write_files(
    county: County, folder: Path, rng: random.Random, most: int | None = None
) -> list[tuple[str, Path, int]]:
    """One file a provider a 4-week period: (provider, path, visits); the first `most`."""
    files: list[tuple[str, Path, int]] = []
    numbers: dict[str, int] = {}
    for number in range(PERIODS):
        period = period_of(number)
        for provider in county.providers:
            if most is not None and len(files) >= most:
                return files
            mine = [p for p in county.packages if p.provider is provider]
            planned = sorted(
                (v for p in mine for v in schedule_of(p).visits(period)),
                key=lambda v: (v.day, v.starts, v.package_reference),
            )
            code = provider.name.rsplit(" ", 1)[1]
            path = folder / f"ecm-{code}-{number + 1:02d}.csv"
            with path.open("w", encoding="utf-8", newline="") as out:
                out.write(HEADER)
                for visit in planned:
                    numbers[code] = numbers.get(code, 0) + 1
                    out.write(visit_row(f"BC{code}-{numbers[code]:07d}", visit, rng))
            files.append((provider.name, path, len(planned)))
    return files


def visit_row(visit_id: str, visit: PlannedVisit, rng: random.Random) -> str:
    planned = visit.starts_at
    carers = f"C-{visit.person_reference}-1"
    if visit.carers > 1:
        carers += f";C-{visit.person_reference}-2"
    chance = rng.random()
    common = f"{visit_id},{visit.package_reference},{planned:%Y-%m-%d %H:%M},{visit.minutes}"
    if chance < 0.02:
        return f"{common},missed,,,{visit.carers},0,,,no carer available,\n"
    if chance < 0.04:
        notice = planned - timedelta(hours=rng.randint(1, 48))
        return f"{common},cancelled,,,{visit.carers},0,{notice:%Y-%m-%d %H:%M},,,\n"
    start = planned + timedelta(minutes=rng.randint(-10, 10))
    end = start + timedelta(minutes=round(visit.minutes * rng.uniform(0.7, 1.1)))
    verification = "manual" if chance > 0.99 else "app"
    return (
        f"{common},completed,{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M},{visit.carers},"
        f"{visit.carers},,{verification},,{carers}\n"
    )


def bare_copy(engine, files: list[tuple[str, Path, int]]) -> float:  # type: ignore[no-untyped-def]
    """Seconds to COPY every file's rows, as text, into a plain table."""
    columns = ", ".join(f"{name} text" for name in BARE_COPY_COLUMNS)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE bare_copy ({columns})"))
    raw = engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        start = time.perf_counter()
        for _, path, _ in files:
            with cursor.copy("COPY bare_copy FROM STDIN (FORMAT csv, HEADER)") as copy:
                copy.write(path.read_bytes())
            raw.driver_connection.commit()
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bare_copy")
        raw.driver_connection.commit()
    finally:
        raw.close()
    return seconds


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@contextmanager
def profiling(profiler: cProfile.Profile | None) -> Iterator[None]:
    if profiler is None:
        yield
        return
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()


if __name__ == "__main__":
    main()
