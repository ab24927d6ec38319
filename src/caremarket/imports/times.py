"""Dates, times and durations as files write them, in formats a profile names (`strptime`
codes); the usual ones are read without `strptime`, which is slow, and agree with it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta


def parse_with_formats(text: str, formats: Sequence[str]) -> datetime | None:
    """The text read by the first format that fits it; None if none does."""
    for form in formats:
        fast = _FAST_FORMATS.get(form)
        if fast is not None and len(text) == fast[0]:
            iso = fast[1](text)
            if iso is not None:
                try:
                    return datetime.fromisoformat(iso)
                except ValueError:
                    continue
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def parse_duration(text: str) -> timedelta:
    """'00:30:00', '0:30' or '30' (minutes)."""
    if text.isdigit():
        return timedelta(minutes=int(text))
    parts = text.split(":")
    if (
        len(parts) in (2, 3)
        and all(p.isdigit() for p in parts)
        and all(int(p) < 60 for p in parts[1:])
    ):
        hours, minutes, *seconds = (int(p) for p in parts)
        return timedelta(hours=hours, minutes=minutes, seconds=seconds[0] if seconds else 0)
    raise ValueError(f"{text!r} is not a duration: write HH:MM:SS, HH:MM or minutes")


def describe_formats(formats: Sequence[str]) -> str:
    words = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH", "%M": "MM", "%S": "SS"}
    shown = []
    for form in formats:
        for code, word in words.items():
            form = form.replace(code, word)
        shown.append(form)
    return " or ".join(shown)


def _digits(text: str, *spans: tuple[int, int]) -> bool:
    return all(text[a:b].isdigit() for a, b in spans)


def _iso_day(text: str) -> str | None:  # YYYY-MM-DD
    return text if text[4] == text[7] == "-" and _digits(text, (0, 4), (5, 7), (8, 10)) else None


def _uk_day(text: str) -> str | None:  # DD/MM/YYYY
    if text[2] == text[5] == "/" and _digits(text, (0, 2), (3, 5), (6, 10)):
        return f"{text[6:10]}-{text[3:5]}-{text[0:2]}"
    return None


def _clock(text: str) -> str | None:  # HH:MM or HH:MM:SS
    spans = ((0, 2), (3, 5), (6, 8))[: (len(text) + 1) // 3]
    if all(text[b] == ":" for _, b in spans[:-1]) and _digits(text, *spans):
        return f"1900-01-01T{text}"  # as strptime dates a time
    return None


def _iso_moment(text: str) -> str | None:  # YYYY-MM-DD HH:MM[:SS]
    day, clock = _iso_day(text[:10]), _clock(text[11:])
    return f"{day}T{text[11:]}" if day and clock and text[10] == " " else None


def _uk_moment(text: str) -> str | None:  # DD/MM/YYYY HH:MM[:SS]
    day, clock = _uk_day(text[:10]), _clock(text[11:])
    return f"{day}T{text[11:]}" if day and clock and text[10] == " " else None


# The usual formats read without strptime, which is slow: (length, to ISO 8601 or None).
_FAST_FORMATS: dict[str, tuple[int, Callable[[str], str | None]]] = {
    "%Y-%m-%d": (10, _iso_day),
    "%d/%m/%Y": (10, _uk_day),
    "%H:%M": (5, _clock),
    "%H:%M:%S": (8, _clock),
    "%Y-%m-%d %H:%M": (16, _iso_moment),
    "%Y-%m-%d %H:%M:%S": (19, _iso_moment),
    "%d/%m/%Y %H:%M": (16, _uk_moment),
    "%d/%m/%Y %H:%M:%S": (19, _uk_moment),
}
