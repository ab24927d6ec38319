"""How pages show dates, times, money and hours (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from caremarket.domain.money import format_pounds


def day(value: date | None) -> str:
    return "" if value is None else f"{value.day} {value:%B %Y}"


def when(value: datetime | None, zone: ZoneInfo) -> str:
    """A time as people here read it: in Europe/London (or the configured zone)."""
    if value is None:
        return ""
    local = value.astimezone(zone) if value.tzinfo else value
    return f"{local.day} {local:%B %Y %H:%M}"


def time_left(ends_at: datetime, now: datetime) -> str:
    """How long until a window closes, to the minute: '1 day 3 hours', '2 hours 5 minutes'."""
    return "Closed" if ends_at <= now else duration(now, ends_at)


def duration(start: datetime, end: datetime) -> str:
    """The time between two moments, to the minute ('1 day 3 hours' beyond a day)."""
    minutes = max(int((end - start).total_seconds() // 60), 0)
    if minutes == 0:
        return "Less than a minute"
    days, rest = divmod(minutes, 24 * 60)
    hours_, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours_, "hour")] if days else [(hours_, "hour"), (minutes, "minute")]
    return " ".join(count(n, noun) for n, noun in parts if n)


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def money(value: Decimal | None) -> str:
    return "" if value is None else format_pounds(Decimal(value), pence=True)


def hours(value: Decimal | None) -> str:
    """Weekly hours to two places at most: 14.5, 28, 7.25."""
    if value is None:
        return ""
    rounded = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{rounded:,f}"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """'1 vehicle', '7 lots', '1 rate card'."""
    return f"{number:,} {noun if number == 1 else plural or noun + 's'}"


FILTERS = {"day": day, "money": money, "hours": hours, "count": count, "yes_no": yes_no}
