"""Delayed discharges: days people medically fit to leave hospital waited for care.

Every day from the day a person is medically fit for discharge until care starts is a delay
day attributable to awaiting a package of care (a delayed transfer of care, DToC), as in
``domain/discharge.py``; bridging care ends the delay on the day it starts, as the person
leaves hospital with it. A delay still open counts to the end of the period. The table has
a row per week (Monday to Sunday) touching the period: the people delayed in the week and
the delay days falling in it (within the period). A person is delayed once a day however
many of their packages are awaited: delay days are days of a person.

A drill-down narrows the discharges to a zone, a provider (the one that took the package, or
"Not arranged") and a week before counting, and ``delayed_packages`` lists the packages
behind the figure: each with its delay days in the period (and week).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from caremarket.reports.tables import Column, Measure, Row, Table

NOT_ARRANGED = "Not arranged"


@dataclass(frozen=True)
class Filters:
    """A drill-down: only these (None: any)."""

    zone: str | None = None
    provider: str | None = None
    week: date | None = None  # a Monday

    def keeps(self, discharge: Discharge) -> bool:
        return (self.zone is None or discharge.zone == self.zone) and (
            self.provider is None or discharge.provider == self.provider
        )

    def bounds(self, since: date, on: date) -> tuple[date, date]:
        if self.week is None:
            return since, on
        return max(since, self.week), min(on, self.week + timedelta(days=6))

    def described(self) -> str:
        said = [
            *([f"zone {self.zone}"] if self.zone else []),
            *([f"provider {self.provider}"] if self.provider else []),
            *([f"the week beginning {self.week.isoformat()}"] if self.week else []),
        ]
        return f"Only {', '.join(said)}." if said else ""


@dataclass(frozen=True)
class Discharge:
    package: str
    person: str
    fit_on: date
    care_starts_on: date | None  # None: care has not started (or not yet arranged)
    bridged_on: date | None = None  # the first bridging care's start, if any
    zone: str = ""  # the package's zone code
    provider: str = NOT_ARRANGED  # the provider that took the package

    def delayed_days(self, since: date, on: date) -> list[date]:
        """The delay days falling from `since` to `on`, both included."""
        ends = [d for d in (self.care_starts_on, self.bridged_on) if d is not None]
        until = min([*ends, on + timedelta(days=1)])  # the first day not delayed
        first = max(self.fit_on, since)
        return [first + timedelta(days=n) for n in range((until - first).days)]


def delayed_discharges(
    discharges: Iterable[Discharge],
    *,
    commissioner: str,
    since: date,
    on: date,
    filters: Filters = Filters(),
) -> Table:
    first, last = filters.bounds(since, on)
    monday = since - timedelta(days=since.weekday())
    weeks: dict[date, set[tuple[str, date]]] = {}
    while monday <= on:
        weeks[monday] = set()
        monday += timedelta(days=7)
    for discharge in discharges:
        if not filters.keeps(discharge):
            continue
        for day in discharge.delayed_days(first, last) if first <= last else []:
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
            *([filters.described()] if filters.described() else []),
        ),
    )


def delayed_packages(
    discharges: Iterable[Discharge],
    *,
    commissioner: str,
    since: date,
    on: date,
    filters: Filters = Filters(),
) -> Table:
    """The packages behind the figure: each delayed in the period (and the drill-down)."""
    first, last = filters.bounds(since, on)
    rows = []
    for d in sorted(discharges, key=lambda d: (d.fit_on, d.package)):
        days = d.delayed_days(first, last) if first <= last and filters.keeps(d) else []
        if days:
            started = d.care_starts_on.isoformat() if d.care_starts_on else ""
            rows.append(
                Row((d.package, d.person, d.zone, d.provider, d.fit_on.isoformat(), started,
                     len(days)))
            )  # fmt: skip
    return Table(
        title="Delayed discharges: the packages",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("Package"),
            Column("Person"),
            Column("Zone"),
            Column("Provider"),
            Column("Fit for discharge"),
            Column("Care started"),
            Column("Delay days", Measure.COUNT),
        ),
        rows=tuple(rows),
        totals=Row(("Total", "", "", "", "", "", sum(r.cells[-1] for r in rows))),  # type: ignore[misc]
        notes=tuple(x for x in (filters.described(),) if x),
    )
