"""A morning's brokerage on a demo database, so that every role finds work waiting.

The demo presets hold a market and its active packages as the councils' tables describe them,
but nothing to source. This adds a few requests for care of today — through the same services
brokers and providers use — in the zones of the demo provider's packages: one just recorded,
one offered to the demo provider (a hospital discharge, bridged while it is sourced), one
awarded, and two that every provider asked declined, now on the waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from caremarket.domain.access import Actor, Role
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.packages import PackageStatus
from caremarket.domain.priority import Risk
from caremarket.domain.sourcing import DeclineReason
from caremarket.services import brokerage, discharges
from caremarket.services.ports import UnitOfWork
from caremarket.services.requests import CareRequest, request_care


@dataclass(frozen=True)
class DemoDay:
    requested: int
    offered: int
    awarded: int
    waiting: int

    def __str__(self) -> str:
        return (
            f"{self.requested} new requests for care: {self.offered} offered to providers,"
            f" {self.awarded} awarded, {self.waiting} on the waiting list"
        )


def start_demo_day(
    uow: UnitOfWork, *, provider: str, by: Actor, now: datetime, week: WorkingWeek
) -> DemoDay:
    """Requests for care in the demo provider's zones, answered as a morning might go: the
    requests an hour before `now`, the answers in the minutes after."""
    where = _where_the_provider_works(uow, provider)
    if where is None:
        return DemoDay(0, 0, 0, 0)
    today = now.astimezone(week.zone).date()
    now = now - timedelta(hours=1)
    tomorrow = today + timedelta(days=1)

    def request(n: int, visits: str, **need: object) -> str:
        return request_care(
            uow,
            CareRequest(
                commissioner=where.commissioner,
                person=f"{where.commissioner}-DEMO-{n}",
                postcode=where.postcode,
                service=where.service,
                visits=visits,
                start_on=tomorrow,
                **need,  # type: ignore[arg-type]
            ),
            by=by,
            now=now,
            week=week,
            source=n != 1,
        )

    recorded = request(1, "2x30 daily", risk=Risk.MEDIUM)
    discharge = request(2, "4x30 daily", fit_for_discharge_on=today - timedelta(days=1))
    discharges.place_bridging(
        uow,
        discharge,
        service="Discharge Response Team",
        starts_on=today,
        working_days=2,
        by=by,
        now=now,
        week=week,
    )
    awarded = request(3, "3x30 daily", carer_breakdown=True)
    _answer_every_offer(uow, awarded, now=now, week=week, accept=True)
    references = [recorded, discharge, awarded]
    for n, risk in ((4, Risk.HIGH), (5, Risk.LOW)):
        waiting = request(n, "3x45 daily; 1x30x2 daily", risk=risk)
        _answer_every_offer(uow, waiting, now=now, week=week, accept=False)
        references.append(waiting)
    with uow:
        statuses = [uow.packages.get(r).status for r in references]
    return DemoDay(
        requested=len(references),
        offered=statuses.count(PackageStatus.SOURCING),
        awarded=statuses.count(PackageStatus.ACTIVE),
        waiting=statuses.count(PackageStatus.WAITING),
    )


@dataclass(frozen=True)
class _Where:
    commissioner: str
    postcode: str
    service: str


def _where_the_provider_works(uow: UnitOfWork, provider: str) -> _Where | None:
    """Where one of the provider's active packages is: commissioner, postcode and service."""
    with uow:
        held = uow.packages.list(provider=uow.providers.get(provider))
        visits = [p for p in held if p.status is PackageStatus.ACTIVE and p.pathway != "D"]
        first = min(visits, key=lambda p: p.reference, default=None)
        if first is None:
            return None
        return _Where(first.commissioner.code, first.person.postcode, first.service.code)


def _answer_every_offer(
    uow: UnitOfWork, reference: str, *, now: datetime, week: WorkingWeek, accept: bool
) -> None:
    """Each provider offered the package answers in turn, a few minutes apart: the first to
    be asked accepts, or everyone declines for want of capacity."""
    moment = now
    while True:
        with uow:
            sourcing = uow.sourcings.current(uow.packages.get(reference))
            asked = [
                (o.provider, uow.providers.get(o.provider).id)
                for o in sourcing.state.offers
                if o.open
            ]
        if not asked:
            return
        name, provider_id = asked[0]
        moment += timedelta(minutes=7)
        staff = Actor(f"demo staff of {name}", Role.PROVIDER, provider_id)
        if accept:
            brokerage.accept_offer(
                uow,
                reference,
                by=staff,
                start_on=moment.astimezone(week.zone).date() + timedelta(days=1),
                now=moment,
                week=week,
            )
            return
        brokerage.decline_offer(
            uow,
            reference,
            by=staff,
            reason=DeclineReason.NO_CAPACITY,
            note="no care workers free at those times",
            now=moment,
            week=week,
        )
