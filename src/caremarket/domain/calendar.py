"""Working time: when a window measured in business hours ends, and working days.

A sourcing window is "5 hours" on the clock or "5 business hours": Monday to Friday,
08:00 to 18:00 in England, bank holidays excluded, by default. Moments are time-zone aware;
the working week is read in its own zone (Europe/London), so a window that crosses the change
to summer time still holds exactly its business hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from caremarket.domain.errors import DomainError

LONDON = ZoneInfo("Europe/London")


class InvalidWindow(DomainError):
    pass


@dataclass(frozen=True)
class WorkingWeek:
    opens: time = time(8)
    closes: time = time(18)
    days: frozenset[int] = frozenset(range(5))  # Monday is 0
    holidays: frozenset[date] = field(default_factory=frozenset)
    zone: ZoneInfo = LONDON

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise InvalidWindow("a working day must close after it opens")
        if not self.days:
            raise InvalidWindow("a working week needs at least one working day")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` (in UTC)."""
        _aware(start)
        if duration < timedelta(0):
            raise InvalidWindow("a window cannot be negative")
        remaining = duration
        cursor = start.astimezone(self.zone)
        if remaining == timedelta(0):
            return start.astimezone(UTC)
        for _ in range(3660):  # ten years of days: a bound, never reached in practice
            opens, closes = self._hours_of(cursor.date())
            if opens is not None and closes is not None and cursor < closes:
                cursor = max(cursor, opens)
                available = closes - cursor
                if remaining <= available:
                    return (cursor + remaining).astimezone(UTC)
                remaining -= available
            cursor = self._midnight_after(cursor.date())
        raise InvalidWindow("a window of working time that never ends")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        _aware(start)
        _aware(end)
        total = timedelta(0)
        cursor = start.astimezone(self.zone)
        end = end.astimezone(self.zone)
        while cursor < end:
            opens, closes = self._hours_of(cursor.date())
            if opens is not None and closes is not None:
                overlap = min(closes, end) - max(opens, cursor)
                total += max(overlap, timedelta(0))
            cursor = self._midnight_after(cursor.date())
        return total

    def add_working_days(self, day: date, days: int) -> date:
        """The working day `days` working days after `day` (bridging care: 1 to 3)."""
        if days < 0:
            raise InvalidWindow("count working days forward")
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def _hours_of(self, day: date) -> tuple[datetime | None, datetime | None]:
        if not self.is_working_day(day):
            return None, None
        return (
            datetime.combine(day, self.opens, tzinfo=self.zone),
            datetime.combine(day, self.closes, tzinfo=self.zone),
        )

    def _midnight_after(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)


@dataclass(frozen=True)
class Window:
    """How long an offer stays open: on the clock, or in working time."""

    hours: Decimal
    business_hours: bool = False

    def __post_init__(self) -> None:
        if self.hours <= 0:
            raise InvalidWindow(f"a window of {self.hours} hours is not a window")

    @cached_property
    def length(self) -> timedelta:
        return timedelta(seconds=int(self.hours * 3600))

    def ends_at(self, opened_at: datetime, week: WorkingWeek) -> datetime:
        length = self.length
        if self.business_hours:
            return week.add(opened_at, length)
        _aware(opened_at)
        return (opened_at + length).astimezone(UTC)

    def describe(self) -> str:
        unit = "business hours" if self.business_hours else "hours"
        return f"{self.hours.normalize():f} {unit}"


def england_and_wales(holidays: Iterable[date]) -> WorkingWeek:
    """Monday to Friday, 08:00 to 18:00, London time, without these bank holidays."""
    return WorkingWeek(holidays=frozenset(holidays))


def _aware(moment: datetime) -> None:
    if moment.tzinfo is None:
        raise InvalidWindow(f"{moment:%Y-%m-%d %H:%M} has no time zone")
