"""How long the commissioner's dashboard takes on a market of 5,000 people, 150 providers
and two years of history, on PostgreSQL.

    .venv/bin/python bench/dashboard.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
        [--repeat 5] [--keep]   # or --url URL: reuse a database the script built before

The history is generated in bulk, not driven through the services (two years of brokerage
through `start_sourcing`/`accept_offer` would take hours): `generate` below writes, with
SQLAlchemy Core through caremarket's own table definitions and types, what the services
would have written. Seeded (random.Random(7)), so every run builds the same market:

* one council ("BEN", Liverpool's policy) with 10 zones, one lot per zone on one DPS, and a
  second council ("BN2") on the same vehicle with 500 packages in two zones, so the
  concentration has a shared vehicle's row; 150 providers, each a member of 2 to 4 lots
  (the first 20 preferred in their lots) with a contract (accept within 2 or 5 hours;
  6 contracts ended early);
* 5,000 people and 5,600 packages (one person in nine has two), requested evenly over the
  two years to 30 November 2026; each package has one round of sourcing with 1 to 4
  offers (answered in 10 minutes to 8 hours, or expired), awarded after 1 hour to 6 weeks —
  1.5% still waiting — and started 1 to 14 days after the award; a third of those started
  have ended. One in eight is a hospital discharge (fit for discharge 0 to 5 days after the
  request); 2% were handed back;
* a waiting-list snapshot every Monday for the two years: the packages requested by then
  and not yet awarded (104 snapshots).

Then it times the dashboard service and the page (GET /dashboard through create_app with an
API token) for the last 13 weeks and for the whole two years, and the committee pack (every
report run, then laid out as HTML and as a PDF), and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db import tables as t
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.scratch import scratch_postgres
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.hand_backs import HandBackReason
from caremarket.domain.market import (
    Commissioner,
    CqcRating,
    Lot,
    Provider,
    ServiceKind,
    ServiceType,
    Tier,
    Vehicle,
    VehicleKind,
    Zone,
)
from caremarket.domain.packages import FundingShare, PackageStatus
from caremarket.domain.patterns import parse_pattern, weekly_hours
from caremarket.domain.policies import PRESETS
from caremarket.domain.priority import Risk
from caremarket.domain.rates import RateBasis, RateCard, RateLine
from caremarket.domain.sourcing import DeclineReason, Outcome, Phase
from caremarket.reports.pack import Pack
from caremarket.services import accounts
from caremarket.services.dashboard import dashboard
from caremarket.web.app import create_app
from caremarket.web.committee_pack import committee_pack, pack_file

LONDON = ZoneInfo("Europe/London")
BENCH = Actor("bench", Role.ADMIN)
LAST_DAY = date(2026, 11, 30)
FIRST_DAY = LAST_DAY - timedelta(days=730)
PEOPLE, PACKAGES, OTHER_PACKAGES, PROVIDERS, ZONES = 5_000, 5_600, 500, 150, 10
PATTERNS = ("4x30 daily", "3x30 daily", "2x45 daily", "1x60 daily", "4x45 daily", "2x30 Mon-Fri")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--postgres", help="a PostgreSQL server's admin URL: a scratch database")
    where.add_argument("--url", help="a database this script built before (--keep)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--dashboard-only", action="store_true", help="time the dashboard, not the pack"
    )
    options = parser.parse_args()
    database = (
        scratch_postgres(options.postgres, prefix="caremarket_dashboard", keep=options.keep)
        if options.postgres
        else nullcontext(options.url)
    )
    with database as url:
        engine = make_engine(url)
        if options.postgres:
            started = time.perf_counter()
            migrate.upgrade(engine)
            counts = generate(SqlUnitOfWork(make_session_factory(engine)), engine)
            print(f"built in {time.perf_counter() - started:.1f} s: {counts}")
            if options.keep:
                print(f"kept: --url {url}")
        measure(url, engine, options.repeat, dashboard_only=options.dashboard_only)
        engine.dispose()


def measure(url: str, engine, repeat: int, *, dashboard_only: bool = False) -> None:  # type: ignore[no-untyped-def]
    uow = SqlUnitOfWork(make_session_factory(engine))
    token = accounts.create_token(
        uow,
        name=f"bench {time.time_ns()}",
        role=Role.COMMISSIONER,
        by=BENCH,
        now=datetime.now(UTC),
    ).secret
    client = TestClient(create_app(Settings(database_url=url, tick_seconds=0)))
    quarter = LAST_DAY - timedelta(days=90)
    runs: list[tuple[str, Callable[[], object]]] = [
        (
            "dashboard service, 13 weeks",
            lambda: dashboard(uow, commissioner="BEN", since=quarter, on=LAST_DAY),
        ),
        (
            "dashboard service, 2 years",
            lambda: dashboard(uow, commissioner="BEN", since=FIRST_DAY, on=LAST_DAY),
        ),
        ("GET /dashboard, 13 weeks", lambda: _page(client, token, quarter)),
        ("GET /dashboard, 2 years", lambda: _page(client, token, FIRST_DAY)),
        ("committee pack (every report), 13 weeks", lambda: _pack(uow, quarter)),
        ("committee pack, 13 weeks, as HTML", lambda: pack_file(_pack(uow, quarter), "html")),
        ("committee pack, 13 weeks, as PDF", lambda: pack_file(_pack(uow, quarter), "pdf")),
        ("committee pack, 2 years, as PDF", lambda: pack_file(_pack(uow, FIRST_DAY), "pdf")),
    ]
    if dashboard_only:
        runs = runs[:4]
    print(f"| what | median (s) | slowest (s) |  ({repeat} runs after one warm-up)")
    print("| --- | ---: | ---: |")
    for label, run in runs:
        run()
        seconds = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        print(f"| {label} | {statistics.median(seconds):.3f} | {max(seconds):.3f} |")


def _page(client: TestClient, token: str, since: date) -> None:
    answer = client.get(
        "/dashboard",
        params={
            "commissioner": "BEN",
            **{f"from_{p}": getattr(since, p) for p in ("day", "month", "year")},
            **{f"to_{p}": getattr(LAST_DAY, p) for p in ("day", "month", "year")},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text[:500]


def _pack(uow: SqlUnitOfWork, since: date) -> Pack:
    return committee_pack(
        uow, commissioner="BEN", since=since, on=LAST_DAY, produced_at=datetime.now()
    )


def generate(uow: SqlUnitOfWork, engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The market above; returns how many rows of each kind it wrote."""
    rng = random.Random(7)
    council = Commissioner("BEN", "Bench Council")
    other = Commissioner("BN2", "Second Bench Council")
    service = ServiceType("PC", "Personal care", ServiceKind.VISITS)
    zones = [Zone(council, f"Z{n:02}", f"Zone {n}", (f"L{n} 1",)) for n in range(ZONES)]
    other_zones = [Zone(other, f"Y{n}", f"Other zone {n}", (f"CH{n} 1",)) for n in range(2)]
    providers = [
        Provider(f"Provider {n:03}", (f"1-{900000000 + n}",), CqcRating.GOOD)
        for n in range(PROVIDERS)
    ]
    lots = [Lot(f"LOT-{z.code}", f"Lot {z.name}", zones=[z], max_providers=None) for z in zones]
    lots += [
        Lot(f"LOT-{z.code}", f"Lot {z.name}", zones=[z], max_providers=None) for z in other_zones
    ]
    members: dict[int, list[int]] = {i: [] for i in range(len(lots))}
    for p, provider in enumerate(providers):
        for lot_index in rng.sample(range(len(lots)), rng.randint(2, 4)):
            lots[lot_index].admit(provider, Tier.PREFERRED if p < 20 else Tier.APPROVED)
            members[lot_index].append(p)
    for lot_index, held in members.items():  # every lot has someone
        if not held:
            lots[lot_index].admit(providers[lot_index], Tier.APPROVED)
            members[lot_index].append(lot_index)
    with uow:
        uow.commissioners.add_all([council, other])
        uow.services.add(service)
        uow.providers.add_all(providers)
        uow.vehicles.add(Vehicle("BEN-DPS", "Bench DPS", VehicleKind.DPS, [council, other], lots))
        for owner in (council, other):
            line = RateLine(service, Decimal("21.50"), FIRST_DAY, RateBasis.PER_HOUR)
            uow.rate_cards.add(RateCard(commissioner=owner, name="Bench", lines=[line]))
        uow.commit()
        ids = {
            "council": council.id,
            "other": other.id,
            "service": service.id,
            "zones": [z.id for z in zones + other_zones],
            "lots": [lot.id for lot in lots],
            "providers": [p.id for p in providers],
        }
    policy = PRESETS["liverpool"]
    now = datetime.now(UTC)
    with engine.begin() as db:
        contracts = []
        for lot_index, held in members.items():
            owner = ids["council"] if lot_index < ZONES else ids["other"]
            for p in held:
                ended = rng.random() < 0.015
                contracts.append(
                    {
                        "reference": f"BEN-{lot_index}-{p}",
                        "commissioner_id": owner,
                        "lot_id": ids["lots"][lot_index],
                        "provider_id": ids["providers"][p],
                        "payment_rules": "standard",
                        "accept_within_hours": Decimal(rng.choice((2, 5))),
                        "ecm_compliance_percent": Decimal(90),
                        "open_book": False,
                        "starts_on": FIRST_DAY,
                        "initial_months": 36,
                        "extension_months": [12],
                        "awarded_on": FIRST_DAY,
                        "created_at": now,
                        "created_by": "bench",
                        "ended_on": FIRST_DAY + timedelta(days=rng.randint(100, 700))
                        if ended
                        else None,
                        "end_reason": "the provider left the market" if ended else None,
                    }
                )
        db.execute(insert(t.contracts), contracts)
        people = [
            {
                "commissioner_id": ids["council"] if n < PEOPLE - 400 else ids["other"],
                "reference": f"P{n:05}",
                "postcode": "L1 1AA",
            }
            for n in range(PEOPLE)
        ]
        db.execute(insert(t.people), people)
        person_ids = list(db.scalars(select(t.people.c.id).order_by(t.people.c.id)))
        packages, plans = [], []
        for n in range(PACKAGES):
            theirs = n >= PACKAGES - OTHER_PACKAGES
            lot_index = rng.randrange(ZONES, len(lots)) if theirs else rng.randrange(ZONES)
            person = (
                person_ids[PEOPLE - 400 + n % 400] if theirs else person_ids[n % (PEOPLE - 400)]
            )
            requested_at = datetime.combine(
                FIRST_DAY + timedelta(days=rng.randrange(730)), datetime.min.time(), LONDON
            ) + timedelta(hours=rng.randint(8, 17), minutes=rng.randrange(60))
            waiting = rng.random() < 0.015 and requested_at.date() > LAST_DAY - timedelta(days=60)
            awarded_at = (
                None
                if waiting
                else requested_at
                + timedelta(hours=rng.choice((1, 2, 3, 5, 8, 24, 48, 72, 120, 240, 500, 1000)))
            )
            if awarded_at and awarded_at.date() > LAST_DAY:
                awarded_at, waiting = None, True
            provider = rng.choice(members[lot_index]) if awarded_at else None
            start_on = (
                awarded_at.astimezone(LONDON).date() + timedelta(days=rng.randint(1, 14))
                if awarded_at
                else requested_at.date() + timedelta(days=3)
            )
            end_on = None
            if awarded_at and rng.random() < 0.33:
                end_on = start_on + timedelta(days=rng.randint(14, 500))
                end_on = end_on if end_on < LAST_DAY else None
            status = (
                PackageStatus.WAITING
                if waiting
                else PackageStatus.ENDED
                if end_on
                else PackageStatus.ACTIVE
            )
            fit = (
                requested_at.date() + timedelta(days=rng.randint(0, 5))
                if rng.random() < 0.125
                else None
            )
            packages.append(
                {
                    "reference": f"BEN-{n:05}",
                    "person_id": person,
                    "commissioner_id": ids["other"] if theirs else ids["council"],
                    "zone_id": ids["zones"][lot_index],
                    "service_type_id": ids["service"],
                    "pattern": parse_pattern(rng.choice(PATTERNS)),
                    "pathway": None,
                    "funding": (FundingShare("BN2" if theirs else "BEN", Decimal(100)),),
                    "status": status,
                    "start_on": start_on,
                    "end_on": end_on,
                    "lot_id": ids["lots"][lot_index] if awarded_at else None,
                    "provider_id": ids["providers"][provider] if provider is not None else None,
                    "risk": Risk.LOW,
                    "carer_breakdown": False,
                    "fit_for_discharge_on": fit,
                }
            )
            plans.append((lot_index, requested_at, awarded_at, provider, start_on))
        db.execute(insert(t.care_packages), packages)
        package_ids = list(db.scalars(select(t.care_packages.c.id).order_by(t.care_packages.c.id)))
        rounds = []
        for package_id, (_, requested_at, awarded_at, provider, start_on) in zip(
            package_ids, plans, strict=True
        ):
            rounds.append(
                {
                    "package_id": package_id,
                    "round": 1,
                    "cause": "requested",
                    "policy": policy,
                    "candidates": [],
                    "phase": Phase.AWARDED if awarded_at else Phase.WAITING,
                    "stage": 0
                    if awarded_at and awarded_at - requested_at <= timedelta(hours=5)
                    else 1,
                    "queue": (),
                    "awarded_to_id": ids["providers"][provider] if provider is not None else None,
                    "start_on": start_on if awarded_at else None,
                    "requested_at": requested_at,
                    "requested_by": "bench",
                    "first_offer_at": requested_at,
                    "awarded_at": awarded_at,
                    "closed_at": awarded_at,
                    "version": 1,
                }
            )
        db.execute(insert(t.sourcings), rounds)
        round_ids = list(db.scalars(select(t.sourcings.c.id).order_by(t.sourcings.c.id)))
        offers, hand_backs = [], []
        for package_id, round_id, (lot_index, requested_at, awarded_at, provider, _) in zip(
            package_ids, round_ids, plans, strict=True
        ):
            asked = rng.sample(members[lot_index], min(len(members[lot_index]), rng.randint(1, 4)))
            if provider is not None and provider not in asked:
                asked[0] = provider
            for position, p in enumerate(asked):
                answered = rng.random() < 0.85 or p == provider
                taken = timedelta(minutes=rng.choice((10, 30, 60, 90, 180, 300, 480)))
                outcome = (
                    Outcome.ACCEPTED
                    if p == provider
                    else Outcome.DECLINED
                    if answered
                    else Outcome.EXPIRED
                )
                offers.append(
                    {
                        "sourcing_id": round_id,
                        "position": position,
                        "provider_id": ids["providers"][p],
                        "stage": 0,
                        "made_at": requested_at,
                        "ends_at": requested_at + timedelta(hours=5),
                        "outcome": outcome,
                        "responded_at": requested_at + taken,
                        "reason": DeclineReason.NO_CAPACITY
                        if outcome is Outcome.DECLINED
                        else None,
                        "note": "",
                    }
                )
            if provider is not None and rng.random() < 0.02:
                given = awarded_at + timedelta(days=rng.randint(20, 200))
                if given.date() < LAST_DAY:
                    hand_backs.append(
                        {
                            "package_id": package_id,
                            "provider_id": ids["providers"][provider],
                            "given_at": given,
                            "given_by": "bench",
                            "reason": rng.choice(list(HandBackReason)),
                            "note": "",
                            "notice_ends_on": given.date() + timedelta(days=14),
                            "ended_on": given.date() + timedelta(days=14),
                        }
                    )
        db.execute(insert(t.offers), offers)
        if hand_backs:
            db.execute(insert(t.hand_backs), hand_backs)
        snapshots = entries = 0
        monday = FIRST_DAY + timedelta(days=(7 - FIRST_DAY.weekday()) % 7)
        while monday <= LAST_DAY:
            for owner in (ids["council"], ids["other"]):
                snapshot_id = db.execute(
                    insert(t.waiting_list_snapshots)
                    .values(
                        commissioner_id=owner,
                        taken_on=monday,
                        taken_at=datetime.combine(monday, datetime.min.time(), LONDON)
                        + timedelta(hours=6),
                        taken_by="bench",
                    )
                    .returning(t.waiting_list_snapshots.c.id)
                ).scalar_one()
                rows = [
                    {
                        "snapshot_id": snapshot_id,
                        "package_id": package_id,
                        "zone_id": package["zone_id"],
                        "service_type_id": ids["service"],
                        "weekly_hours": weekly_hours(package["pattern"]),
                        "waiting_since": requested_at.astimezone(LONDON).date(),
                        "need_score": 0,
                    }
                    for package_id, package, (_, requested_at, awarded_at, _, _) in zip(
                        package_ids, packages, plans, strict=True
                    )
                    if package["commissioner_id"] == owner
                    and requested_at.astimezone(LONDON).date() <= monday
                    and (awarded_at is None or awarded_at.astimezone(LONDON).date() > monday)
                ]
                if rows:
                    db.execute(insert(t.waiting_list_entries), rows)
                snapshots += 1
                entries += len(rows)
            monday += timedelta(days=7)
    return {
        "people": PEOPLE,
        "packages": PACKAGES,
        "providers": PROVIDERS,
        "contracts": len(contracts),
        "rounds": len(rounds),
        "offers": len(offers),
        "hand-backs": len(hand_backs),
        "snapshots": snapshots,
        "snapshot rows": entries,
    }


if __name__ == "__main__":
    main()
