"""Delayed discharges: days people medically fit to leave hospital waited for care.

Every day from the day a person is medically fit for discharge until care starts is a delay
day attributable to awaiting a package of care (a delayed transfer of care, DToC), as in
``domain/discharge.py``; bridging care ends the delay on the day it starts, as the person
leaves hospital with it. A delay still open counts to the end of the period. The table has
a row per week (Monday to Sunday) touching the period: the people delayed in the week and
the delay days falling in it (within the period). A person is delayed once a day however
many of their packages are awaited: delay days are days of a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from caremarket.reports.tables import Column, Measure, Row, Table


@dataclass(frozen=True)
class Discharge:
    package: str
    person: str
    fit_on: date
    care_starts_on: date | None  # None: care has not started (or not yet arranged)
    bridged_on: date | None = None  # the first bridging care's start, if any

    def delayed_days(self, since: date, on: date) -> list[date]:
        """The delay days falling from `since` to `on`, both included."""
        ends = [d for d in (self.care_starts_on, self.bridged_on) if d is not None]
        until = min([*ends, on + timedelta(days=1)])  # the first day not delayed
        first = max(self.fit_on, since)
        return [first + timedelta(days=n) for n in range((until - first).days)]


def delayed_discharges(
    discharges: Iterable[Discharge], *, commissioner: str, since: date, on: date
) -> Table:
    monday = since - timedelta(days=since.weekday())
    weeks: dict[date, set[tuple[str, date]]] = {}
    while monday <= on:
        weeks[monday] = set()
        monday += timedelta(days=7)
    for discharge in discharges:
        for day in discharge.delayed_days(since, on):
            weeks[day - timedelta(days=day.weekday())].add((discharge.person, day))
    everyone = {person for days in weeks.values() for person, _ in days}
    return Table(
        title="Delayed discharges",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("Week beginning"),
            Column("People delayed", Measure.COUNT),
            Column("Delay days", Measure.COUNT),
        ),
        rows=tuple(
            Row((week.isoformat(), len({p for p, _ in days}), len(days)))
            for week, days in weeks.items()
        ),
        totals=Row(("Total", len(everyone), sum(len(days) for days in weeks.values()))),
        notes=(
            "Basis: days from medically fit for discharge until care (or bridging care)"
            " starts, attributable to awaiting a package of care; only days within the period.",
        ),
    )
