"""Medians and percentiles of durations, by one stated method, exact in ``Decimal``.

The median is the middle value, or the mean of the two middle values of an even count. A
percentile is by the nearest rank: the ``p``-th percentile of ``n`` values in order is the
value at rank ``ceil(p / 100 × n)`` (1-based), so it is always one of the values seen and
can be checked by hand: the 90th percentile of 1..10 is 9, of 1..5 is 5.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

PERCENTILE_METHOD = (
    "Medians are the middle value (the mean of the two middle values of an even count);"
    " the 90th percentile is by the nearest rank: the value at rank ⌈0.9 × n⌉ in order."
)
_SECONDS_PER_HOUR = Decimal(3600)


def median(values: Iterable[Decimal | int]) -> Decimal | None:
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[Decimal | int], p: int) -> Decimal | None:
    """The nearest-rank ``p``-th percentile (0 < p ≤ 100), None of no values."""
    if not 0 < p <= 100:
        raise ValueError(f"a percentile is from 1 to 100, not {p}")
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        return None
    rank = math.ceil(Decimal(p) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


def hours(duration: timedelta) -> Decimal:
    """A duration in hours, exactly (to the second)."""
    seconds = duration.days * 86_400 + duration.seconds
    return Decimal(seconds) / _SECONDS_PER_HOUR
