"""A package's suspensions: dated intervals in which no visits are planned (a hospital stay, a
respite week, the person away), and the package's pattern history, which together with them
make the schedule a period is planned from.

A suspension runs from its first day to its last, both included, or stays open until it is
ended; ending it sets its last day (the day before care resumes). Suspensions of a package do
not overlap. Not to be confused with suspending a provider (`domain/suspensions.py`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from caremarket.domain.changes import ChangeProposal, ChangeStatus
from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.schedules import DateRange, PatternFrom, Schedule, schedule_of


class SuspensionRefused(DomainError):
    pass


class SuspensionAlreadyEnded(Conflict):
    pass


class SuspensionReason(enum.StrEnum):
    HOSPITAL = "hospital stay"
    RESPITE = "respite"
    AWAY = "person away"
    OTHER = "other"


@dataclass(eq=False)
class PackageSuspension:
    package: CarePackage
    from_on: date
    to_on: date | None  # its last day; None: open until ended
    reason: SuspensionReason
    note: str
    recorded_at: datetime
    recorded_by: str
    ended_at: datetime | None = None  # when an open suspension was ended
    ended_by: str | None = None
    id: int | None = None

    @property
    def days(self) -> DateRange:
        """The days it covers; an open one reaches to the end of time."""
        return DateRange(self.from_on, self.to_on or date.max)

    @property
    def is_open(self) -> bool:
        return self.to_on is None

    def end(self, last_day: date, *, at: datetime, by: str) -> None:
        """End an open suspension: `last_day` is its last day; care resumes the day after."""
        if self.to_on is not None:
            raise SuspensionAlreadyEnded(f"this suspension already ended on {self.to_on:%d/%m/%Y}")
        if last_day < self.from_on:
            raise SuspensionRefused(
                f"a suspension cannot end ({last_day:%d/%m/%Y}) before it starts"
                f" ({self.from_on:%d/%m/%Y})"
            )
        self.to_on, self.ended_at, self.ended_by = last_day, at, by


def suspend(
    package: CarePackage,
    *,
    from_on: date,
    to_on: date | None,
    reason: SuspensionReason,
    note: str,
    earlier: Iterable[PackageSuspension],
    at: datetime,
    by: str,
) -> PackageSuspension:
    """A new suspension of an active package, within its dates and clear of its others."""
    if package.status is not PackageStatus.ACTIVE:
        raise SuspensionRefused(f"care package {package.reference} is {package.status}, not active")
    if to_on is not None and to_on < from_on:
        raise SuspensionRefused(
            f"a suspension cannot end ({to_on:%d/%m/%Y}) before it starts ({from_on:%d/%m/%Y})"
        )
    if from_on < package.start_on:
        raise SuspensionRefused(
            f"care package {package.reference} starts on {package.start_on:%d/%m/%Y}"
        )
    if package.end_on is not None and from_on > package.end_on:
        raise SuspensionRefused(
            f"care package {package.reference} ends on {package.end_on:%d/%m/%Y}"
        )
    new = DateRange(from_on, to_on or date.max)
    for other in earlier:
        if other.days.first <= new.last and new.first <= other.days.last:
            until = f"to {other.to_on:%d/%m/%Y}" if other.to_on else "until it is ended"
            raise SuspensionRefused(
                f"it overlaps the suspension from {other.from_on:%d/%m/%Y} {until}"
            )
    return PackageSuspension(package, from_on, to_on, reason, note.strip(), at, by)


def pattern_history(
    package: CarePackage, changes: Iterable[ChangeProposal]
) -> tuple[PatternFrom, ...]:
    """The patterns a package has had, each from the day it took effect.

    Changes in force (applied within the trusted limit, or approved) are taken in the order
    they took hold (an approval when it was decided): each replaces, from its effective day
    on, whatever was in force then, including changes recorded earlier that were to take
    effect later. The first pattern is the one the first change replaced, from the package's
    start; without changes, the package's pattern runs from its start.
    """
    in_force = sorted(
        (c for c in changes if c.status in (ChangeStatus.APPLIED, ChangeStatus.APPROVED)),
        key=lambda c: (c.decided_at or c.proposed_at, c.id or 0),
    )
    if not in_force:
        return (PatternFrom(package.start_on, tuple(package.pattern)),)
    history = [PatternFrom(package.start_on, tuple(in_force[0].pattern_before))]
    for change in in_force:
        starts = max(change.effective_on, package.start_on)
        history = [p for p in history if p.effective_on < starts]
        history.append(PatternFrom(starts, tuple(change.pattern_after)))
    return tuple(history)


def schedule_from_history(
    package: CarePackage,
    changes: Iterable[ChangeProposal] = (),
    suspensions: Sequence[PackageSuspension] = (),
) -> Schedule:
    """The package's schedule following its pattern changes, its suspensions and its end."""
    return schedule_of(
        package,
        history=pattern_history(package, changes),
        suspensions=[s.days for s in suspensions],
    )
