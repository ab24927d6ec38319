"""Fitting drawn visit patterns to a published total, deterministically.

A preset draws plausible patterns at random, then ``fit_weekly_minutes`` lengthens or
shortens calls a step at a time (round the packages, one change per package a round, so the
change is spread thinly) and, for what is left below one call's step, adds a weekly call
(a bath, a shopping trip) to a package, until the counted lines sum exactly to the target.
``split_minutes`` finds how many of a total's minutes go at each of two rates so the weekly
value rounds to a published figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from caremarket.domain.money import to_pounds
from caremarket.domain.patterns import MAX_MINUTES_A_DAY, VisitLine, weekly_minutes

Pattern = tuple[VisitLine, ...]


class CannotFit(ValueError):
    """The target cannot be reached within the limits."""


@dataclass(frozen=True)
class Limits:
    shortest: int = 15  # a call's shortest length, in minutes
    longest: int = 60
    step: int = 15
    package_least: int = 0  # a package's weekly minutes, all lines counted
    package_most: int | None = None


def plain_visits(line: VisitLine) -> bool:
    """Lines at the package's own service."""
    return line.service is None


def fit_weekly_minutes(
    patterns: Sequence[Pattern],
    target: int,
    *,
    limits: Limits = Limits(),
    counted: Callable[[VisitLine], bool] = plain_visits,
    extra_call: Callable[[int, int], VisitLine] | None = None,
) -> list[Pattern]:
    """The patterns, adjusted so the counted lines' weekly minutes sum exactly to ``target``.

    Only counted lines whose calls lie within the limits' shortest and longest are changed;
    ``extra_call(minutes, day)`` makes the weekly call added last (default: a plain visit).
    """
    work = [list(p) for p in patterns]
    diff = target - sum(weekly_minutes(line for line in p if counted(line)) for p in work)
    if diff % limits.step:
        raise CannotFit(f"{target} minutes is not reachable in steps of {limits.step}")
    fitter = _Fitter(work, limits, counted)
    if diff < 0:
        diff = fitter.shorten(-diff)
    diff = fitter.lengthen(diff)
    if 0 < diff < limits.shortest:  # too little for a call of its own: make room for one
        diff = limits.shortest + fitter.shorten(limits.shortest - diff)
    fitter.add_calls(diff, extra_call or (lambda m, day: VisitLine(1, m, frozenset({day}))))
    return [tuple(p) for p in work]


def split_minutes(
    total: int,
    weekly_value: Decimal,
    rates: tuple[Decimal, Decimal],
    *,
    share_first: Decimal,
    step: int = 30,
    also: Callable[[Decimal], bool] = lambda value: True,
) -> int:
    """Minutes at the first rate (the rest at the second) whose exact weekly value rounds to
    the target pound (and passes ``also``), nearest to the wanted share of the total.

    CannotFit if no split in ``step``s of minutes does.
    """
    fits = [
        minutes
        for minutes in range(0, total + 1, step)
        if to_pounds(value := split_value(minutes, total, rates)) == weekly_value and also(value)
    ]
    if not fits:
        raise CannotFit(f"no split of {total} minutes at {rates} makes £{weekly_value}")
    return min(fits, key=lambda m: (abs(m - share_first * total), m))


def split_value(minutes_first: int, total: int, rates: tuple[Decimal, Decimal]) -> Decimal:
    """Exact weekly value of ``minutes_first`` at the first rate and the rest at the second."""
    first, second = rates
    return (minutes_first * first + (total - minutes_first) * second) / 60


class _Fitter:
    def __init__(
        self, work: list[list[VisitLine]], limits: Limits, counted: Callable[[VisitLine], bool]
    ) -> None:
        self.work = work
        self.limits = limits
        self.counted = counted

    def shorten(self, excess: int) -> int:
        """Shorten calls until the excess is gone; returns the shortfall overshot (>= 0)."""
        while excess > 0:
            moved, excess = self._round(-1, excess)
            if not moved:
                raise CannotFit(f"cannot shorten calls by another {excess} minutes")
        return -excess

    def lengthen(self, shortfall: int) -> int:
        """Lengthen calls while a step fits in the shortfall; returns what is left."""
        moved = True
        while shortfall > 0 and moved:
            moved, shortfall = self._round(1, shortfall)
        return shortfall

    def add_calls(self, shortfall: int, extra_call: Callable[[int, int], VisitLine]) -> None:
        limits = self.limits
        added = True
        while shortfall > 0 and added:
            added = False
            for index, pattern in enumerate(self.work):
                minutes = min(shortfall, limits.longest)
                if 0 < shortfall - minutes < limits.shortest:
                    minutes = shortfall - limits.shortest  # leave enough for one more call
                if minutes < limits.shortest or not self._room(pattern, minutes):
                    continue
                pattern.append(extra_call(minutes, (index + len(pattern)) % 7))
                shortfall -= minutes
                added = True
                if shortfall <= 0:
                    break
        if shortfall:
            raise CannotFit(f"{shortfall} minutes a week are left over")

    def _round(self, sign: int, left: int) -> tuple[bool, int]:
        """One round of the packages, at most one step each, until ``left`` is used up.

        Shortening (sign -1) may overshoot by its last step; lengthening only takes steps
        that fit in what is left.
        """
        moved = False
        for pattern in self.work:
            for position, line in enumerate(pattern):
                effect = self._effect(pattern, line, sign)
                if effect is None or (sign > 0 and effect > left):
                    continue
                pattern[position] = replace(line, minutes=line.minutes + sign * self.limits.step)
                left -= effect
                moved = True
                break
            if left <= 0:
                break
        return moved, left

    def _effect(self, pattern: list[VisitLine], line: VisitLine, sign: int) -> int | None:
        """Weekly minutes one step on this line changes, or None if the step is not allowed."""
        limits = self.limits
        if not self.counted(line) or not limits.shortest <= line.minutes <= limits.longest:
            return None
        minutes = line.minutes + sign * limits.step
        if not limits.shortest <= minutes <= limits.longest:
            return None
        if line.calls_per_day * minutes > MAX_MINUTES_A_DAY:
            return None
        effect = line.calls_per_week * line.carers * limits.step
        return effect if self._room(pattern, sign * effect) else None

    def _room(self, pattern: list[VisitLine], change: int) -> bool:
        after = weekly_minutes(pattern) + change
        most = self.limits.package_most
        return after >= self.limits.package_least and (most is None or after <= most)
