"""Visit schedules: a package's visit pattern expanded into the visits planned on each day.

A schedule is what a package should deliver: from its start to its end (inclusive), under the
pattern in force on each day (a change of pattern applies from its date), and nothing on the
days of a suspension (a hospital stay, a respite week; inclusive date ranges).

Planned start times. Patterns say how many calls a day, not when, so caremarket gives each call
a start time by one convention, the same every time it is asked:

- *Day calls* (shorter than 6 hours), of every line that runs on the day, in the pattern's
  order, start at 07:30 and then every (15 hours ÷ the day's number of day calls), rounded down
  to 15 minutes: one call at 07:30; four at 07:30, 11:15, 15:00 and 18:45; five (four 30-minute
  calls and a double-handed one) at 07:30, 10:30, 13:30, 16:30 and 19:30.
- *Long calls* (6 hours or more: sleep-in nights, waking nights, live-in days) start at 22:00,
  or at 00:00 when the day's long calls fill the whole 24 hours; several start one after the
  other (two 12-hour calls: 00:00 and 12:00).

These times are a convention, not a promise: the provider plans its own rounds. Matching an
electronic call monitoring record to a planned visit (``domain.ecm``) therefore goes by package,
day and length first and uses the start time only to choose among visits of the same day.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache

from caremarket.domain.calendar import LONDON
from caremarket.domain.errors import DomainError
from caremarket.domain.lazy import worked_out
from caremarket.domain.packages import CarePackage
from caremarket.domain.patterns import VisitLine

FIRST_CALL = time(7, 30)
DAY_CALLS_SPAN = timedelta(hours=15)  # 07:30 to 22:30
SLOT = timedelta(minutes=15)
LONG_CALL_MINUTES = 6 * 60
NIGHT_STARTS = time(22, 0)
MINUTES_A_DAY = 24 * 60


class InvalidSchedule(DomainError):
    pass


@dataclass(frozen=True)
class DateRange:
    """From `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise InvalidSchedule(
                f"a period that ends ({self.last:%d/%m/%Y}) before it starts"
                f" ({self.first:%d/%m/%Y})"
            )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)


@dataclass(frozen=True)
class PatternFrom:
    """A visit pattern in force from a date until the next one's."""

    effective_on: date
    pattern: tuple[VisitLine, ...]


@dataclass(frozen=True)
class PlannedVisit:
    package_reference: str
    person_reference: str
    day: date
    starts: time  # by the convention above, London time
    minutes: int
    carers: int
    service: str | None  # the line's own service code; None: the package's service
    line: int  # the pattern line it comes from (0 is the first)
    call: int  # its number among the day's calls of that line (0 is the first)

    @worked_out
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.starts, tzinfo=LONDON)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def carer_minutes(self) -> int:
        return self.minutes * self.carers


@dataclass(frozen=True)
class Schedule:
    """Everything needed to expand a package's visits: its dates, patterns and suspensions."""

    package_reference: str
    person_reference: str
    start_on: date
    end_on: date | None
    patterns: tuple[PatternFrom, ...]
    suspensions: tuple[DateRange, ...] = ()

    def __post_init__(self) -> None:
        if not self.patterns:
            raise InvalidSchedule(f"{self.package_reference} has no visit pattern")
        dates = [p.effective_on for p in self.patterns]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise InvalidSchedule("pattern changes take effect one after another, on distinct days")
        if self.end_on is not None and self.end_on < self.start_on:
            raise InvalidSchedule(f"{self.package_reference} ends before it starts")

    def pattern_on(self, day: date) -> tuple[VisitLine, ...]:
        """The pattern in force on a day: the latest that took effect on or before it."""
        in_force = self.patterns[0].pattern
        for change in self.patterns:
            if change.effective_on <= day:
                in_force = change.pattern
        return in_force

    def delivers_on(self, day: date) -> bool:
        if day < self.start_on or (self.end_on is not None and day > self.end_on):
            return False
        return not any(day in suspension for suspension in self.suspensions)

    def visits(self, period: DateRange) -> list[PlannedVisit]:
        """The visits planned in a period, in order of day and start time."""
        planned: list[PlannedVisit] = []
        for day in period.days():
            if self.delivers_on(day):
                planned.extend(self.visits_on(day))
        return planned

    def visits_on(self, day: date) -> list[PlannedVisit]:
        if not self.delivers_on(day):
            return []
        return [
            self._visit(day, starts, index, call, line)
            for starts, index, call, line in _day_plan(self.pattern_on(day), day.weekday())
        ]

    def _visit(
        self, day: date, starts: time, index: int, call: int, line: VisitLine
    ) -> PlannedVisit:
        return PlannedVisit(
            package_reference=self.package_reference,
            person_reference=self.person_reference,
            day=day,
            starts=starts,
            minutes=line.minutes,
            carers=line.carers,
            service=line.service,
            line=index,
            call=call,
        )


def schedule_of(
    package: CarePackage,
    *,
    history: Sequence[PatternFrom] = (),
    suspensions: Iterable[DateRange] = (),
) -> Schedule:
    """A package's schedule. `history` lists the patterns it has had, each from the day it
    took effect (trusted-assessor changes, approved increases); without it, the package's
    current pattern runs from its start."""
    patterns = tuple(history) or (PatternFrom(package.start_on, tuple(package.pattern)),)
    return Schedule(
        package_reference=package.reference,
        person_reference=package.person.reference,
        start_on=package.start_on,
        end_on=package.end_on,
        patterns=patterns,
        suspensions=tuple(suspensions),
    )


@lru_cache(maxsize=4096)  # the same few patterns, day after day, package after package
def _day_plan(
    pattern: tuple[VisitLine, ...], weekday: int
) -> tuple[tuple[time, int, int, VisitLine], ...]:
    """A pattern's calls on a day of the week: (start, line, call, the line) in order of
    start time, then line, then call."""
    calls = [
        (index, call, line)
        for index, line in enumerate(pattern)
        if weekday in line.days
        for call in range(line.calls_per_day)
    ]
    day_calls = [c for c in calls if c[2].minutes < LONG_CALL_MINUTES]
    long_calls = [c for c in calls if c[2].minutes >= LONG_CALL_MINUTES]
    plan = [
        (starts, index, call, line)
        for starts, (index, call, line) in zip(
            _day_call_times(len(day_calls)), day_calls, strict=True
        )
    ]
    plan += [
        (starts, index, call, line)
        for starts, (index, call, line) in zip(
            _long_call_times(tuple(c[2].minutes for c in long_calls)), long_calls, strict=True
        )
    ]
    return tuple(sorted(plan, key=lambda p: (p[0], p[1], p[2])))


@cache  # the same few counts, day after day, package after package
def _day_call_times(count: int) -> tuple[time, ...]:
    if not count:
        return ()
    gap = (DAY_CALLS_SPAN / count) // SLOT * SLOT
    start = datetime.combine(date.min, FIRST_CALL)
    return tuple((start + gap * k).time() for k in range(count))


@cache
def _long_call_times(minutes: tuple[int, ...]) -> tuple[time, ...]:
    if not minutes:
        return ()
    first = time(0) if sum(minutes) >= MINUTES_A_DAY else NIGHT_STARTS
    cursor = datetime.combine(date.min + timedelta(days=1), first)
    times = []
    for length in minutes:
        times.append(cursor.time())
        cursor += timedelta(minutes=length)
    return tuple(times)
