"""Hospital discharges: bridging care placed while sourcing continues."""

from __future__ import annotations

from datetime import date, datetime

from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.discharge import InvalidBridge, plan_bridge
from caremarket.domain.notifications import to_brokers
from caremarket.domain.packages import PackageStatus
from caremarket.services.brokerage import LEAVABLE, PACKAGE
from caremarket.services.ports import UnitOfWork


def place_bridging(
    uow: UnitOfWork,
    reference: str,
    *,
    service: str,
    starts_on: date,
    working_days: int,
    by: Actor,
    now: datetime,
    week: WorkingWeek,
) -> date:
    """Bridge a package not yet placed with a named short-term service for 1 to 3 working
    days; sourcing goes on, and the bridge ends when the package starts. Returns the bridge's
    planned last day."""
    with uow:
        package = uow.packages.get(reference)
        handed_back = package.status is PackageStatus.ACTIVE and uow.hand_backs.list(
            package=package, ended_on=None
        )
        if package.status not in LEAVABLE and not handed_back:
            raise InvalidBridge(f"{reference} is {package.status.value}: it needs no bridge")
        if uow.bridgings.list(package=package, ended_on=None):
            raise InvalidBridge(f"{reference} already has bridging care in place")
        bridge = plan_bridge(
            package,
            service,
            starts_on=starts_on,
            working_days=working_days,
            week=week,
            placed_at=now,
            placed_by=by.name,
        )
        uow.bridgings.add(bridge)
        uow.audit.record(
            entry(
                by,
                now,
                "bridging care placed",
                (PACKAGE, reference),
                {
                    "service": bridge.service,
                    "starts_on": bridge.starts_on.isoformat(),
                    "planned_end_on": bridge.planned_end_on.isoformat(),
                },
            )
        )
        uow.notifications.add(
            to_brokers(
                now,
                f"Bridging care: care package {reference}",
                f"{bridge.service} bridges care package {reference} from"
                f" {bridge.starts_on:%d %B} to {bridge.planned_end_on:%d %B %Y}"
                " while a provider is found.",
                reference,
            )
        )
        uow.commit()
        return bridge.planned_end_on


def end_bridging(uow: UnitOfWork, reference: str, *, on: date, by: Actor, now: datetime) -> None:
    """A broker ends a bridge early (the person went home without care, for example)."""
    with uow:
        package = uow.packages.get(reference)
        bridges = uow.bridgings.list(package=package, ended_on=None)
        if not bridges:
            raise InvalidBridge(f"{reference} has no bridging care in place")
        for bridge in bridges:
            bridge.end(on)
        uow.audit.record(
            entry(by, now, "bridging care ended", (PACKAGE, reference), {"on": on.isoformat()})
        )
        uow.commit()
