"""A payment run over a seeded, generated market, pinned line by line: every rule and check
mixed at random (times to the second, short and long visits, double-handed visits with one
carer, missed and cancelled visits with and without notice, overlaps, visits not planned,
funding shared with the person). The pins were taken from the run as the code made it before
the run was made faster (domain/payment_runs.py's memo, db/delivery.py's reading): any change
to a line, its working or its split between funders changes the digest."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import Verification, VisitRecord, VisitStatus
from caremarket.domain.packages import FundingShare, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.schedules import DateRange, PlannedVisit, schedule_of
from caremarket.services import payments
from caremarket.services.ports import KeptVisit
from tests.builders import (
    A_MOMENT,
    a_care_package,
    a_commissioner,
    a_provider,
    a_rate_card,
    a_service,
    a_zone,
)

FINANCE = Actor("finance@example.org", Role.FINANCE)
PERIOD = DateRange(date(2018, 3, 19), date(2018, 4, 15))  # Good Friday, Easter Monday in it
PATTERNS = ("4x30 daily", "3x45 daily", "2x30 daily; 1x30x2 Mon-Fri", "1x60 daily")
FUNDING = (
    (),
    (FundingShare("HFD", Decimal(80)), FundingShare("PERSON", Decimal(20))),
    (FundingShare("HFD", Decimal("55.5")), FundingShare("PERSON", Decimal("44.5"))),
)


def test_a_seeded_market_is_paid_as_pinned_line_by_line(uow: SqlUnitOfWork) -> None:
    rng = random.Random(20180319)
    commissioner = a_commissioner()
    zone = a_zone(commissioner=commissioner)
    service = a_service()
    providers = [
        a_provider(name=f"Seeded Care {n}", cqc_location_ids=(f"1-10000000{n}",)) for n in range(3)
    ]
    packages = [
        a_care_package(
            reference=f"PKG-{n:04d}",
            commissioner=commissioner,
            zone=zone,
            service=service,
            person=Person(commissioner=commissioner, reference=f"P-{n:04d}", postcode="HR6 8AA"),
            pattern=parse_pattern(PATTERNS[n % len(PATTERNS)]),
            start_on=date(2018, 3, 1),
            funding=FUNDING[n % len(FUNDING)],
            provider=providers[n % len(providers)],
        )
        for n in range(12)
    ]
    with uow:
        uow.commissioners.add(commissioner)
        uow.services.add(service)
        for provider in providers:
            uow.providers.add(provider)
        uow.rate_cards.add(a_rate_card(commissioner, service))
        for package in packages:
            uow.packages.add(package)
        uow.flush()
        kept = []
        for package in packages:
            visits = schedule_of(package).visits(PERIOD)
            for number, visit in enumerate(visits):
                record = _record(f"{package.reference}-{number:03d}", visit, rng)
                kept.append(KeptVisit(package.provider.id, record, 1, A_MOMENT, package.id))
            extra = visits[0]  # a visit no plan has
            kept.append(
                KeptVisit(
                    package.provider.id,
                    _record(f"{package.reference}-X", extra, rng, minutes=50),
                    1,
                    A_MOMENT,
                    package.id,
                )
            )
        uow.visits.add(kept)
        uow.commit()

    run = payments.create_run(uow, "HFD", PERIOD.first, PERIOD.last, by=FINANCE, now=A_MOMENT)
    with uow:
        lines = uow.payment_runs.lines(uow.payment_runs.get(run.reference))

    text = "\n".join(
        "|".join(
            str(v)
            for v in (
                x.provider,
                x.visit_id,
                x.package_reference,
                x.day,
                x.decided,
                x.planned_minutes,
                x.actual_seconds,
                x.payable_minutes,
                x.carers_paid,
                x.rate,
                x.basis,
                x.enhancement,
                x.percent,
                x.amount,
                x.funders,
                x.held,
                x.working,
                x.queries,
            )
        )
        for x in lines
    )
    paid = sum((x.amount for x in lines if not x.held), Decimal(0))
    summary = (len(lines), sum(x.held for x in lines), paid)
    assert summary == PINNED_SUMMARY
    assert hashlib.sha256(text.encode()).hexdigest() == PINNED_DIGEST


PINNED_SUMMARY = (912, 95, Decimal("6493.80"))
PINNED_DIGEST = "d3b6225f05e5ece43a09d1325b88c828a7ffacfa92e18e871cea5371f5f31e70"


def _record(
    visit_id: str, visit: PlannedVisit, rng: random.Random, minutes: int | None = None
) -> VisitRecord:
    planned = visit.starts_at
    chance = rng.random()
    common = {
        "visit_id": visit_id,
        "planned_start_at": planned,
        "planned_minutes": minutes or visit.minutes,
        "package_reference": visit.package_reference,
        "carers_planned": visit.carers,
    }
    if chance < 0.04:
        return VisitRecord(status=VisitStatus.MISSED, carers_present=0, **common)
    if chance < 0.09:
        notice = None if chance < 0.05 else planned - timedelta(seconds=rng.randint(600, 40 * 3600))
        return VisitRecord(
            status=VisitStatus.CANCELLED, carers_present=0, cancelled_at=notice, **common
        )
    start = planned + timedelta(seconds=rng.randint(-900, 900))
    end = start + timedelta(seconds=rng.randint(60, (visit.minutes + 40) * 60))
    carers = visit.carers if rng.random() > 0.2 else rng.randint(1, visit.carers + 1)
    pool = [f"C-{visit.package_reference[-1]}-{n}" for n in range(3)]
    return VisitRecord(
        status=VisitStatus.COMPLETED,
        actual_start_at=start.astimezone(LONDON),
        actual_end_at=end.astimezone(LONDON) if chance < 0.99 else start - timedelta(minutes=5),
        carers_present=carers,
        verification=Verification.MANUAL if chance > 0.97 else Verification.APP,
        carer_ids=tuple(rng.sample(pool, min(carers, len(pool)))),
        **common,
    )
