"""The waiting list over time, from the weekly snapshots.

A snapshot keeps a row per package waiting on the day it was taken (its zone, service,
weekly hours and the day it has waited since: the request). People are counted once per
snapshot even with two packages waiting; days waiting are from the request to the
snapshot's day. The trend table has a row per snapshot in the period; the breakdown table
draws the last snapshot in the period by zone and service. Wirral cut its list from 86 to 36.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.reports.spread import median
from caremarket.reports.tables import Column, Measure, Row, Table

BASIS = (
    "Basis: the packages on the waiting list (no provider has taken them) when each weekly"
    " snapshot was taken; days waiting are counted from the request to the snapshot."
)


@dataclass(frozen=True)
class WaitingEntry:
    """One package on the waiting list in one snapshot."""

    taken_on: date
    person: str
    zone: str
    service: str
    weekly_hours: Decimal
    waiting_since: date

    @property
    def days_waiting(self) -> int:
        return max((self.taken_on - self.waiting_since).days, 0)


FIGURES = (
    Column("People waiting", Measure.COUNT),
    Column("Hours a week waiting", Measure.HOURS),
    Column("Median days waiting", Measure.TENTHS),
    Column("Longest wait in days", Measure.COUNT),
)


def waiting_trend(
    entries: Iterable[WaitingEntry],
    *,
    snapshots: Iterable[date],
    commissioner: str,
    since: date,
    on: date,
) -> Table:
    """A row per snapshot taken in the period (an empty list is a row of noughts)."""
    by_day: dict[date, list[WaitingEntry]] = defaultdict(list)
    for entry in entries:
        by_day[entry.taken_on].append(entry)
    days = sorted(d for d in set(snapshots) if since <= d <= on)
    rows = tuple(Row((day.isoformat(), *_figures(by_day.get(day, [])))) for day in days)
    notes = [BASIS]
    if len(rows) >= 2:
        first, last = rows[0].cells[1], rows[-1].cells[1]
        notes.append(f"People waiting went from {first} to {last} over the period.")
    if not rows:
        notes.append("No snapshot was taken in the period.")
    return Table(
        title="Waiting list over time",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(Column("Snapshot taken on"), *FIGURES),
        rows=rows,
        notes=tuple(notes),
    )


def waiting_by_zone(
    entries: Iterable[WaitingEntry],
    *,
    snapshots: Iterable[date],
    commissioner: str,
    since: date,
    on: date,
) -> Table:
    """The last snapshot in the period, a row per zone and service, with a total."""
    days = [d for d in snapshots if since <= d <= on]
    last = max(days, default=None)
    chosen = [e for e in entries if e.taken_on == last]
    groups: dict[tuple[str, str], list[WaitingEntry]] = defaultdict(list)
    for entry in chosen:
        groups[(entry.zone, entry.service)].append(entry)
    notes = [BASIS]
    notes.append(
        f"Drawn from the snapshot taken on {last.isoformat()}."
        if last
        else "No snapshot was taken in the period."
    )
    return Table(
        title="Waiting list by zone and service",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(Column("Zone"), Column("Service"), *FIGURES),
        rows=tuple(
            Row((zone, service, *_figures(groups[zone, service])))
            for zone, service in sorted(groups)
        ),
        totals=Row(("Total", "", *_figures(chosen))),
        notes=tuple(notes),
    )


def _figures(entries: list[WaitingEntry]) -> tuple[int, Decimal, Decimal | None, int | None]:
    days = [e.days_waiting for e in entries]
    return (
        len({e.person for e in entries}),
        sum((e.weekly_hours for e in entries), Decimal(0)),
        median(days),
        max(days, default=None),
    )
