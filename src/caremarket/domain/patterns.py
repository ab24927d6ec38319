"""Visit patterns: what a package delivers in a week, and the notation people type for it.

A pattern is a list of lines; each line is a number of calls a day, their length in minutes,
the carers each call needs, the days of the week, and optionally a service of its own (a
sleep-in night within a complex care package). Notation, lines separated by ';':

    4x30 daily              four 30-minute calls every day
    1x45x2 Mon-Fri          one 45-minute double-handed call on weekdays
    1x600@SLEEP-IN Fri,Sat  a 10-hour sleep-in night on Fridays and Saturdays

Weekly hours are carer hours: a double-handed hour counts twice, as it is paid twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from caremarket.domain.errors import InvalidVisitPattern

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_SETS = {
    "daily": frozenset(range(7)),
    "nightly": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_LINE = re.compile(
    r"^(?P<calls>\d+)\s*x\s*(?P<minutes>\d+)(?:\s*x\s*(?P<carers>\d+))?"
    r"(?:\s*@\s*(?P<service>[A-Za-z0-9_-]+))?(?:\s+(?P<days>.+))?$"
)
MAX_MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class VisitLine:
    calls_per_day: int
    minutes: int
    days: frozenset[int] = frozenset(range(7))
    carers: int = 1
    service: str | None = None  # a service code of its own; else the package's

    def __post_init__(self) -> None:
        if self.calls_per_day < 1:
            raise InvalidVisitPattern("a visit line needs at least one call a day")
        if not 1 <= self.minutes <= MAX_MINUTES_A_DAY:
            raise InvalidVisitPattern(f"a call lasts 1 to 1440 minutes, not {self.minutes}")
        if self.calls_per_day * self.minutes > MAX_MINUTES_A_DAY:
            raise InvalidVisitPattern(
                f"{self.calls_per_day} calls of {self.minutes} minutes do not fit in a day"
            )
        if not 1 <= self.carers <= 4:
            raise InvalidVisitPattern(f"a call needs 1 to 4 carers, not {self.carers}")
        if not self.days or not self.days <= frozenset(range(7)):
            raise InvalidVisitPattern("a visit line needs at least one day of the week")

    @property
    def calls_per_week(self) -> int:
        return self.calls_per_day * len(self.days)

    @property
    def weekly_minutes(self) -> int:
        """Carer minutes a week."""
        return self.calls_per_week * self.minutes * self.carers

    def __str__(self) -> str:
        text = f"{self.calls_per_day}x{self.minutes}"
        if self.carers != 1:
            text += f"x{self.carers}"
        if self.service:
            text += f"@{self.service}"
        return f"{text} {format_days(self.days)}"


def weekly_minutes(pattern: Iterable[VisitLine]) -> int:
    return sum(line.weekly_minutes for line in pattern)


def weekly_hours(pattern: Iterable[VisitLine]) -> Decimal:
    return Decimal(weekly_minutes(pattern)) / 60


def parse_pattern(text: str) -> tuple[VisitLine, ...]:
    lines = tuple(parse_line(part) for part in str(text).split(";") if part.strip())
    if not lines:
        raise InvalidVisitPattern("the visit pattern is empty")
    return lines


def format_pattern(pattern: Iterable[VisitLine]) -> str:
    return "; ".join(str(line) for line in pattern)


def parse_line(text: str) -> VisitLine:
    match = _LINE.match(text.strip())
    if not match:
        raise InvalidVisitPattern(
            f"{text.strip()!r} is not a visit line: write calls x minutes [x carers] [@SERVICE]"
            " [days], e.g. '4x30 daily' or '1x45x2 Mon-Fri'"
        )
    return VisitLine(
        calls_per_day=int(match["calls"]),
        minutes=int(match["minutes"]),
        carers=int(match["carers"] or 1),
        service=match["service"].upper() if match["service"] else None,
        days=parse_days(match["days"] or "daily"),
    )


def parse_days(text: str) -> frozenset[int]:
    key = text.strip().lower()
    if key in _DAY_SETS:
        return _DAY_SETS[key]
    days: set[int] = set()
    for part in key.split(","):
        bounds = [b.strip() for b in part.split("-")]
        if len(bounds) not in (1, 2):
            raise InvalidVisitPattern(f"{part!r} is not a day or a range of days")
        first, last = (_day(bounds[0]), _day(bounds[-1]))
        if last < first:
            raise InvalidVisitPattern(f"{part!r}: a range of days runs Monday to Sunday")
        days.update(range(first, last + 1))
    return frozenset(days)


def format_days(days: frozenset[int]) -> str:
    for name, day_set in _DAY_SETS.items():
        if days == day_set and name != "nightly":
            return name
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}" for r in runs
    )


_DAY_WORDS = (  # what people write for each day, Monday first
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)


def _day(text: str) -> int:
    word = text.lower()
    for index, words in enumerate(_DAY_WORDS):
        if word in words:
            return index
    raise InvalidVisitPattern(f"{text!r} is not a day of the week (Mon, Tue, ... Sun)")
