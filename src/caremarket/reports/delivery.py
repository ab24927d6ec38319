"""Delivered versus planned hours, from the electronic call monitoring records.

Each visit a provider's ECM system records carries the visit as planned (its planned start
and length) and what happened: completed (with the carers' actual start and end), missed
(nobody came) or cancelled (by the person). The report reads the newest version of each
record matched to one of the commissioner's packages, in the period by its planned day:

- *planned hours*: every recorded visit's planned length, whatever happened;
- *delivered hours*: the completed visits' actual length (end less start), not capped;
- *missed* and *cancelled*: visits (and their planned hours) that were not delivered;
- *delivery %*: delivered hours as a share of the planned hours.

Hours are of visits, not of carers: a double-handed visit counts its length once. A row per
provider, zone and week (Monday to Sunday), each kind under its own "By" label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from caremarket.reports.tables import Column, Measure, Row, Table

GROUPS = ("Provider", "Zone", "Week")
COMPLETED, MISSED, CANCELLED = "completed", "missed", "cancelled"


@dataclass(frozen=True)
class RecordedVisit:
    provider: str
    zone: str
    day: date  # the planned day (Europe/London)
    planned_minutes: int
    status: str  # completed, missed or cancelled
    actual_seconds: int | None  # a completed visit's end less start


@dataclass
class _Tally:
    visits: int = 0
    planned_minutes: int = 0
    delivered_seconds: int = 0
    missed: int = 0
    missed_minutes: int = 0
    cancelled: int = 0
    cancelled_minutes: int = 0

    def add(self, visit: RecordedVisit) -> None:
        self.visits += 1
        self.planned_minutes += visit.planned_minutes
        if visit.status == COMPLETED:
            self.delivered_seconds += visit.actual_seconds or 0
        elif visit.status == MISSED:
            self.missed += 1
            self.missed_minutes += visit.planned_minutes
        elif visit.status == CANCELLED:
            self.cancelled += 1
            self.cancelled_minutes += visit.planned_minutes

    def cells(self) -> tuple[object, ...]:
        planned = Decimal(self.planned_minutes) / 60
        delivered = Decimal(self.delivered_seconds) / 3600
        share = delivered / planned * 100 if planned else None
        return (
            self.visits,
            planned,
            delivered,
            self.missed,
            Decimal(self.missed_minutes) / 60,
            self.cancelled,
            Decimal(self.cancelled_minutes) / 60,
            share,
        )


def delivered_hours(
    visits: Iterable[RecordedVisit], *, commissioner: str, since: date, on: date
) -> Table:
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    total = _Tally()
    for visit in visits:
        if not since <= visit.day <= on:
            continue
        total.add(visit)
        monday = visit.day - timedelta(days=visit.day.weekday())
        for key in (("Provider", visit.provider), ("Zone", visit.zone), ("Week", str(monday))):
            tallies[key].add(visit)
    rows = tuple(
        Row((by, label, *tallies[(by, label)].cells()))  # type: ignore[arg-type]
        for by in GROUPS
        for label in sorted(k for b, k in tallies if b == by)
    )
    return Table(
        title="Delivered and planned hours",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("By"),
            Column("Group"),
            Column("Visits recorded", Measure.COUNT),
            Column("Planned hours", Measure.TENTHS),
            Column("Delivered hours", Measure.TENTHS),
            Column("Missed visits", Measure.COUNT),
            Column("Missed hours", Measure.TENTHS),
            Column("Cancelled visits", Measure.COUNT),
            Column("Cancelled hours", Measure.TENTHS),
            Column("Delivery %", Measure.PERCENT),
        ),
        rows=rows,
        totals=Row(("Total", "", *total.cells())),  # type: ignore[arg-type]
        notes=(
            "Basis: the newest version of each ECM record matched to the commissioner's"
            " packages, by its planned day; planned hours are every recorded visit's planned"
            " length, delivered hours the completed visits' actual length (not capped),"
            " delivery % delivered as a share of planned.",
            "Hours are of visits, not carers: a double-handed visit counts once. Visits never"
            " recorded by a provider's ECM system are not seen here.",
        ),
    )
