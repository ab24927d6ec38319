"""Visit schedules from history, and a package's suspensions.

A package's planned visits follow its pattern changes (trusted-assessor changes applied or
approved, each from its effective day), its suspensions (a hospital stay, respite: no visits
planned) and its end. Payment runs and ECM matching plan through `planned_visits`.

A suspension is recorded, and an open one ended, by a broker or by the provider holding the
package (another provider's package is not found), each with an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from caremarket.domain.access import BROKERS, Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.errors import NotFound
from caremarket.domain.package_suspensions import (
    PackageSuspension,
    SuspensionReason,
    schedule_from_history,
    suspend,
)
from caremarket.domain.packages import CarePackage
from caremarket.domain.schedules import DateRange, PlannedVisit, Schedule
from caremarket.services.brokerage import PACKAGE
from caremarket.services.market import may_see
from caremarket.services.ports import ScheduleHistory, UnitOfWork


@dataclass(frozen=True)
class SuspensionView:
    id: int
    reference: str
    from_on: date
    to_on: date | None  # its last day; None: open
    reason: str
    note: str
    recorded_at: datetime
    recorded_by: str
    ended_at: datetime | None
    ended_by: str | None


def schedules_of(uow: UnitOfWork, packages: Iterable[CarePackage]) -> dict[str, Schedule]:
    """Each package's schedule from its history, by reference (inside an open unit of work)."""
    packages = list(packages)
    histories = uow.package_suspensions.histories(p.id for p in packages if p.id is not None)
    none = ScheduleHistory()
    schedules = {}
    for package in packages:
        history = histories.get(package.id, none) if package.id is not None else none
        schedules[package.reference] = schedule_from_history(
            package, history.changes, history.suspensions
        )
    return schedules


def planned_visits(
    uow: UnitOfWork, packages: Iterable[CarePackage], period: DateRange
) -> list[PlannedVisit]:
    """The visits the packages plan in a period, from their history, package by package."""
    return [v for s in schedules_of(uow, packages).values() for v in s.visits(period)]


def record_suspension(
    uow: UnitOfWork,
    reference: str,
    *,
    from_on: date,
    to_on: date | None,
    reason: SuspensionReason,
    note: str = "",
    by: Actor,
    now: datetime,
) -> SuspensionView:
    """No visits are planned from `from_on` to `to_on` (both included; None: until ended)."""
    with uow:
        package = _package(uow, reference, by)
        earlier = uow.package_suspensions.list(package=package)
        suspension = suspend(
            package,
            from_on=from_on,
            to_on=to_on,
            reason=reason,
            note=note,
            earlier=earlier,
            at=now,
            by=by.name,
        )
        uow.package_suspensions.add(suspension)
        uow.flush()
        uow.audit.record(
            entry(
                by,
                now,
                "care suspended",
                (PACKAGE, reference),
                {
                    "from": from_on.isoformat(),
                    "to": to_on.isoformat() if to_on else None,
                    "suspension": suspension.reason.value,
                },
                reason=suspension.note or None,
            )
        )
        uow.commit()
        return _view(suspension)


def end_suspension(
    uow: UnitOfWork, reference: str, suspension_id: int, *, last_day: date, by: Actor, now: datetime
) -> SuspensionView:
    """End an open suspension on its last day: visits are planned again from the day after."""
    with uow:
        package = _package(uow, reference, by)
        suspension = uow.package_suspensions.find(suspension_id)
        if suspension is None or suspension.package is not package:
            raise NotFound(f"care package {reference} has no suspension {suspension_id}")
        suspension.end(last_day, at=now, by=by.name)
        uow.audit.record(
            entry(
                by,
                now,
                "care suspension ended",
                (PACKAGE, reference),
                {"from": suspension.from_on.isoformat(), "to": last_day.isoformat()},
            )
        )
        uow.commit()
        return _view(suspension)


def list_suspensions(uow: UnitOfWork, reference: str, *, viewer: Actor) -> list[SuspensionView]:
    """A package's suspensions, latest first; NotFound for a package the viewer may not see."""
    with uow:
        package = uow.packages.find(reference)
        if package is None or not may_see(uow, viewer, package):
            raise NotFound(f"there is no care package {reference}")
        found = uow.package_suspensions.list(package=package)
        return [_view(s) for s in sorted(found, key=lambda s: s.from_on, reverse=True)]


def may_suspend(viewer: Actor, holder_id: int | None) -> bool:
    """Brokers, and the provider holding the package."""
    if viewer.role is Role.PROVIDER:
        return holder_id is not None and holder_id == viewer.provider_id
    return viewer.role in BROKERS


def _package(uow: UnitOfWork, reference: str, by: Actor) -> CarePackage:
    package = uow.packages.find(reference)
    holder = package.provider.id if package is not None and package.provider else None
    if package is None or not may_suspend(by, holder):
        raise NotFound(f"there is no care package {reference}")
    return package


def _view(suspension: PackageSuspension) -> SuspensionView:
    assert suspension.id is not None
    return SuspensionView(
        id=suspension.id,
        reference=suspension.package.reference,
        from_on=suspension.from_on,
        to_on=suspension.to_on,
        reason=suspension.reason.value,
        note=suspension.note,
        recorded_at=suspension.recorded_at,
        recorded_by=suspension.recorded_by,
        ended_at=suspension.ended_at,
        ended_by=suspension.ended_by,
    )
