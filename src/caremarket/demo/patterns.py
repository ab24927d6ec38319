"""Plausible visit patterns, drawn at random from a seeded generator."""

from __future__ import annotations

import random

from caremarket.domain.patterns import VisitLine, weekly_minutes

DAILY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))


def visits(rng: random.Random, *, most_minutes: int | None = None) -> tuple[VisitLine, ...]:
    """One to four calls a day of 15 to 60 minutes, some double-handed, some weekdays only,
    sometimes with a weekly call (a bath, shopping); redrawn until under ``most_minutes``."""
    while True:
        lines = [
            VisitLine(
                calls_per_day=rng.choices((1, 2, 3, 4), weights=(3, 3, 3, 2))[0],
                minutes=rng.choice((15, 30, 30, 45, 45, 60)),
                days=WEEKDAYS if rng.random() < 0.15 else DAILY,
                carers=2 if rng.random() < 0.1 else 1,
            )
        ]
        if rng.random() < 0.25:
            days = frozenset(rng.sample(range(7), k=rng.randint(1, 2)))
            lines.append(VisitLine(1, rng.choice((30, 45, 60)), days))
        if most_minutes is None or weekly_minutes(lines) <= most_minutes:
            return tuple(lines)


def complex_visits(rng: random.Random) -> tuple[VisitLine, ...]:
    """Complex care: one to three calls every day, some double-handed."""
    return (
        VisitLine(
            calls_per_day=rng.randint(1, 3),
            minutes=rng.choice((30, 45, 60)),
            carers=2 if rng.random() < 0.3 else 1,
        ),
    )


def sleep_in_nights(
    rng: random.Random, service: str, *, nights: int, minutes: int = 600
) -> VisitLine:
    """A sleep-in night of its own service on some nights of the week."""
    return VisitLine(1, minutes, frozenset(rng.sample(range(7), k=nights)), service=service)
