"""Time to source: from the request to the first offer, the award and the start of care.

A row per round of sourcing requested in the period (a request, or again after a
hand-back). Times to the first offer and to the award are clock hours from the request;
time to start is in days, from the day of the request (Europe/London) to the day care
starts. Rounds not yet awarded count in "Rounds" but not in the medians. Grouped by zone,
by service and by the stage of the policy the round reached (the stage it was awarded in,
or "Waiting list"), with a row for all rounds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.reports.spread import PERCENTILE_METHOD, hours, median, percentile
from caremarket.reports.tables import Column, Measure, Row, Table


@dataclass(frozen=True)
class RoundTiming:
    package: str
    zone: str
    service: str
    stage_reached: str  # "Stage 1 of 2", "Waiting list", "Closed"
    requested_at: datetime
    requested_on: date  # the request's day in Europe/London
    first_offer_at: datetime | None
    awarded_at: datetime | None
    starts_on: date | None  # the start of care agreed at the award

    @property
    def hours_to_first_offer(self) -> Decimal | None:
        if self.first_offer_at is None:
            return None
        return hours(self.first_offer_at - self.requested_at)

    @property
    def hours_to_award(self) -> Decimal | None:
        return None if self.awarded_at is None else hours(self.awarded_at - self.requested_at)

    @property
    def days_to_start(self) -> int | None:
        if self.awarded_at is None or self.starts_on is None:
            return None
        return (self.starts_on - self.requested_on).days


COLUMNS = (
    Column("By"),
    Column("Group"),
    Column("Rounds", Measure.COUNT),
    Column("Awarded", Measure.COUNT),
    Column("Median hours to first offer", Measure.TENTHS),
    Column("90th percentile hours to first offer", Measure.TENTHS),
    Column("Median hours to award", Measure.TENTHS),
    Column("90th percentile hours to award", Measure.TENTHS),
    Column("Median days to start", Measure.TENTHS),
    Column("90th percentile days to start", Measure.TENTHS),
)
GROUPINGS: tuple[tuple[str, Callable[[RoundTiming], str]], ...] = (
    ("Zone", lambda r: r.zone),
    ("Service", lambda r: r.service),
    ("Stage reached", lambda r: r.stage_reached),
)


def time_to_source(
    rounds: Iterable[RoundTiming], *, commissioner: str, since: date, on: date
) -> Table:
    chosen = [r for r in rounds if since <= r.requested_on <= on]
    rows = []
    for heading, key in GROUPINGS:
        groups: dict[str, list[RoundTiming]] = defaultdict(list)
        for timing in chosen:
            groups[key(timing)].append(timing)
        rows.extend(Row((heading, name, *_figures(groups[name]))) for name in sorted(groups))
    return Table(
        title="Time to source",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=COLUMNS,
        rows=tuple(rows),
        totals=Row(("All", "All rounds", *_figures(chosen))),
        notes=(
            "Basis: rounds of sourcing requested in the period; hours are clock hours from"
            " the request, days to start are from the day of the request.",
            PERCENTILE_METHOD,
        ),
    )


def _figures(rounds: list[RoundTiming]) -> tuple[object, ...]:
    first = [h for r in rounds if (h := r.hours_to_first_offer) is not None]
    award = [h for r in rounds if (h := r.hours_to_award) is not None]
    start = [d for r in rounds if (d := r.days_to_start) is not None]
    return (
        len(rounds),
        sum(r.awarded_at is not None for r in rounds),
        median(first),
        percentile(first, 90),
        median(award),
        percentile(award, 90),
        median(start),
        percentile(start, 90),
    )
