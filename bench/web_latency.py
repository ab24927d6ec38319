"""Latency of the package list, as a page and through the API, with 10,000 packages.

    apt-get install -y wrk        # the load generator (Debian's package)
    .venv/bin/python bench/web_latency.py [--postgres ADMIN_URL] [--packages 10000]
        [--users 20] [--seconds 30] [--think 1-5] [--workers 2]

Builds a new PostgreSQL database: migrates it, loads the leicestershire preset (1,775
packages), then adds copies of the preset's packages, each with a new person and a new
reference, through the unit of work, until there are --packages in all. Adds an account and
an API token (commissioner), starts uvicorn with --workers processes on a free loopback port
(serving.py: each worker builds the app from CAREMARKET_* settings), signs in through the
form for a session cookie, then runs wrk from a second process at --users concurrent
connections for --seconds per endpoint, twice: as users who wait --think seconds (random,
MIN-MAX) between requests, as people at a page do, and flat out with no wait (the server
saturated). A short warm-up before each run is not counted.

    GET /packages         the package list page (session cookie), when the page exists
    GET /api/packages     the API (bearer token)

Prints a Markdown table for docs/benchmarks.md; the database is dropped at the end unless
--keep. Loopback only: the server listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from serving import probe, uvicorn_workers
from sqlalchemy import text

from caremarket.db.scratch import scratch_postgres

DEFAULT_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PRESET = "leicestershire"
EMAIL = "bench@example.org"
PASSWORD = "bench-password-not-secret"
ENDPOINTS = (("package list page", "/packages", "cookie"), ("API", "/api/packages", "token"))
WARM_UP_SECONDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=DEFAULT_ADMIN, help="admin URL of the server")
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20, help="concurrent connections")
    parser.add_argument("--seconds", type=int, default=30, help="per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--think",
        type=think_time,
        default="1-5",
        help="seconds each user waits between requests, MIN-MAX (also measured flat out)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database, print its URL")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    with scratch_postgres(options.postgres, prefix="caremarket_bench", keep=options.keep) as url:
        started = time.perf_counter()
        total = build_market(url, options.packages)
        token = add_account_and_token(url)
        print(f"Built {total} packages in {time.perf_counter() - started:.1f} s on {url}")
        with uvicorn_workers(url, workers=options.workers) as base:
            cookie = session_cookie(base)
            results = []
            for label, path, auth in ENDPOINTS:
                header = (
                    f"Cookie: {cookie}" if auth == "cookie" else f"Authorization: Bearer {token}"
                )
                status = probe(base + path, header)
                if status != 200:
                    print(f"Skipping {path}: it answers {status}")
                    continue
                for think in (options.think, None):
                    wrk(base + path, header, users=options.users, seconds=WARM_UP_SECONDS)
                    run = wrk(
                        base + path,
                        header,
                        users=options.users,
                        seconds=options.seconds,
                        think=think,
                    )
                    results.append((label, path, think, run))
    print()
    print(
        f"{total} packages; {options.users} users (connections); {options.seconds} s per row;"
        f" {options.workers} uvicorn workers"
    )
    print()
    print("| endpoint | think time | requests | median (ms) | p99 (ms) | req/s | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for label, path, think, run in results:
        waits = f"{think[0]:g}–{think[1]:g} s" if think else "no (flat out)"
        print(
            f"| {label} `GET {path}` | {waits} | {run.requests} | {run.median_ms:.1f} |"
            f" {run.p99_ms:.1f} | {run.requests_per_second:.1f} | {run.errors} |"
        )


def think_time(text: str) -> tuple[float, float]:
    low, high = (float(part) for part in text.split("-"))
    return low, high


def build_market(url: str, wanted: int) -> int:
    """The preset, then copies of its packages (new people, new references) up to `wanted`."""
    from caremarket.db import migrate
    from caremarket.db.engine import make_engine, make_session_factory
    from caremarket.db.unit_of_work import SqlUnitOfWork
    from caremarket.domain.access import Actor, Role
    from caremarket.domain.packages import Person
    from caremarket.services.demo import load_preset

    BENCH = Actor("bench", Role.ADMIN)

    engine = make_engine(url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    load_preset(uow, PRESET, by=BENCH, now=datetime.now(UTC))
    with uow:
        originals = list(uow.packages.list())
        copies = []
        for n in range(wanted - len(originals)):
            original = originals[n % len(originals)]
            copy_no = n // len(originals) + 1
            person = Person(
                commissioner=original.person.commissioner,
                reference=f"{original.person.reference}-C{copy_no}",
                postcode=original.person.postcode,
            )
            copies.append(
                replace(
                    original, reference=f"{original.reference}-C{copy_no}", person=person, id=None
                )
            )
        uow.people.add_all(c.person for c in copies)
        uow.packages.add_all(copies)
        uow.commit()
    with engine.connect() as connection:
        total = connection.scalar(text("SELECT count(*) FROM care_packages"))
        connection.execute(text("ANALYZE"))
        connection.commit()
    engine.dispose()
    return total


def add_account_and_token(url: str) -> str:
    from caremarket.db.engine import make_engine, make_session_factory
    from caremarket.db.unit_of_work import SqlUnitOfWork
    from caremarket.domain.access import Actor, Role
    from caremarket.services import accounts

    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    by, now = Actor("bench", Role.ADMIN), datetime.now(UTC)
    accounts.add_user(
        uow, email=EMAIL, name="Bench", role=Role.COMMISSIONER, password=PASSWORD, by=by, now=now
    )
    secret = accounts.create_token(uow, name="bench", role=Role.COMMISSIONER, by=by, now=now).secret
    engine.dispose()
    return secret


def session_cookie(base: str) -> str:
    """Sign in through the form, as a browser would; the session cookie it sets."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(base + "/sign-in").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "no CSRF token on the sign-in form"
    fields = {"email": EMAIL, "password": PASSWORD, "csrf_token": token[1], "next": "/"}
    opener.open(base + "/sign-in", urllib.parse.urlencode(fields).encode())
    [cookie] = [c for c in jar if c.name == "caremarket_session"]
    return f"{cookie.name}={cookie.value}"


@dataclass(frozen=True)
class Run:
    requests: int
    median_ms: float
    p99_ms: float
    requests_per_second: float
    errors: int


def wrk(
    url: str, header: str, *, users: int, seconds: int, think: tuple[float, float] | None = None
) -> Run:
    """wrk at `users` connections; with `think`, each waits a random MIN-MAX s between requests."""
    command = ["wrk", f"-t{min(users, 2)}", f"-c{users}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["--latency", "-H", header]
    with tempfile.TemporaryDirectory() as folder:
        if think:
            script = Path(folder) / "think.lua"
            low, high = (round(limit * 1000) for limit in think)
            script.write_text(f"function delay()\n  return math.random({low}, {high})\nend\n")
            command += ["-s", str(script)]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    return Run(
        requests=int(re.search(r"(\d+) requests in", output)[1]),
        median_ms=_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1]),
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1]),
        requests_per_second=float(re.search(r"Requests/sec:\s+(\S+)", output)[1]),
        errors=sum(int(found[1]) for found in (failed, timeouts) if found),
    )


def _ms(figure: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", figure).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


if __name__ == "__main__":
    main()
