"""Demand forecast: next year's weekly hours and indicative annual cost, by pathway and zone
(or complex lot), laid out like Herefordshire's "forecast actual hours" table.

Two methods, both from the care active on dated points (a package counts on a day when it
started on or before it and had not ended; care since ended counts on the days it ran):

* ``level``: next year's weekly hours = weekly hours on the day x (1 + growth).
* ``trend``: a least-squares line through the weekly hours on 14 points four weeks apart over
  the year to the day (52 weeks back to the day itself), read 52 weeks ahead (never below
  nothing), then x (1 + growth). The line already carries the past year's change, so the
  service applies no population growth on top unless one is given.

Annual hours are forecast weekly hours x 52; the indicative annual cost is those hours at the
group's cost an hour on the day (its weekly cost at the rate card in force over its weekly
hours), rounded once where shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from caremarket.domain.market import ServiceType
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.packages import CarePackage, PackageStatus, classify
from caremarket.domain.rates import RateCard
from caremarket.reports.costing import package_weekly_cost
from caremarket.reports.tables import Column, Measure, Row, Table
from caremarket.reports.zone_demand import group_of

METHODS = ("level", "trend")
POINTS = 14  # dated points four weeks apart: the day and 13 before it, 52 weeks back
RAN = (PackageStatus.ACTIVE, PackageStatus.ENDED)

COLUMNS = (
    Column("Pathway"),
    Column("Zone"),
    Column("Clients", Measure.COUNT),
    Column("Weekly hours now", Measure.HOURS),
    Column("Forecast weekly hours", Measure.HOURS),
    Column("Forecast annual hours", Measure.HOURS),
    Column("Indicative annual cost", Measure.POUNDS),
)


def points(on: date) -> list[date]:
    """The dated points of the trend, oldest first: 52, 48 ... 4 weeks before the day, the day."""
    return [on - timedelta(weeks=4 * k) for k in range(POINTS - 1, -1, -1)]


def ran_on(package: CarePackage, day: date) -> bool:
    """Was the package's care running on the day (active then, whether or not it has ended)?"""
    return (
        package.status in RAN
        and package.start_on <= day
        and (package.end_on is None or day <= package.end_on)
    )


def least_squares(xs: list[Decimal], ys: list[Decimal]) -> tuple[Decimal, Decimal]:
    """Intercept and slope of the least-squares line through the points."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if not spread:
        return mean_y, Decimal(0)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y - slope * mean_x, slope


def forecast(
    packages: Iterable[CarePackage],
    *,
    card: RateCard,
    services: Mapping[str, ServiceType],
    commissioner: str,
    on: date,
    growth_percent: Decimal,
    method: str = "level",
    growth_source: str = "",
    years: int = 1,
) -> Table:
    """The forecast table from the packages (those not running on a point are left out),
    `years` ahead of the day: a trend is read 52 weeks a year ahead; `growth_percent` is the
    growth over all those years."""
    if method not in METHODS:
        raise ValueError(f"there is no forecast method {method!r}: choose level or trend")
    rates = card.rates_on(on)
    dated = points(on) if method == "trend" else [on]
    groups: dict[str, dict[str, _Group]] = {}
    for package in packages:
        days = [i for i, day in enumerate(dated) if ran_on(package, day)]
        if not days:
            continue
        pathway = package.pathway or classify(package, services) or "-"
        group = groups.setdefault(pathway, {}).setdefault(group_of(package), _Group(len(dated)))
        for i in days:
            group.minutes[i] += package.weekly_minutes
        if days[-1] == len(dated) - 1:
            group.people.add(package.person.reference)
            group.weekly_cost += package_weekly_cost(package, rates=rates, services=services)
    growth = 1 + growth_percent / 100
    rows: list[Row] = []
    everything = _Totals()
    for pathway in sorted(groups):
        subtotal = _Totals()
        for name in sorted(groups[pathway]):
            group = groups[pathway][name]
            figures = group.figures(method, growth, years)
            rows.append(Row((pathway, name, *figures)))
            subtotal.add(figures, group.people)
        rows.append(Row((pathway, f"Total {pathway} pathway", *subtotal.cells()), subtotal=True))
        everything.merge(subtotal)
    how = (
        "the weekly hours on the day"
        if method == "level"
        else "a least-squares trend through the weekly hours on 14 points four weeks apart"
        f" over the past year, read {52 * years} weeks ahead"
    )
    return Table(
        title="Demand forecast",
        commissioner=commissioner,
        on=on,
        columns=COLUMNS,
        rows=tuple(rows),
        totals=Row(("All", "Total", *everything.cells())),
        notes=(
            f"Forecast weekly hours for {on.year + years}: {how}, x (1 + growth of"
            f" {growth_percent:.2f}%)" + (f" ({growth_source})." if growth_source else "."),
            "Annual hours are forecast weekly hours x 52; the indicative annual cost is those"
            " hours at the group's cost an hour under the rates in force on the day.",
        ),
    )


@dataclass
class _Group:
    size: int
    minutes: list[int] = field(init=False)
    people: set[str] = field(default_factory=set)
    weekly_cost: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        self.minutes = [0] * self.size

    def figures(
        self, method: str, growth: Decimal, years: int = 1
    ) -> tuple[int, Decimal, Decimal, Decimal, Decimal]:
        hours = [Decimal(m) / 60 for m in self.minutes]
        now = hours[-1]
        if method == "trend":
            weeks = [Decimal(4 * (i - (self.size - 1))) for i in range(self.size)]
            intercept, slope = least_squares(weeks, hours)
            ahead = max(Decimal(0), intercept + slope * WEEKS_PER_YEAR * years)
        else:
            ahead = now
        weekly = ahead * growth
        rate = self.weekly_cost / now if now else Decimal(0)
        annual = weekly * WEEKS_PER_YEAR
        return len(self.people), now, weekly, annual, annual * rate


@dataclass
class _Totals:
    people: set[str] = field(default_factory=set)  # a person counted once, as zone demand does
    now: Decimal = Decimal(0)
    weekly: Decimal = Decimal(0)
    annual: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)

    def add(
        self, figures: tuple[int, Decimal, Decimal, Decimal, Decimal], people: set[str]
    ) -> None:
        _, now, weekly, annual, cost = figures
        self.people |= people
        self.now += now
        self.weekly += weekly
        self.annual += annual
        self.cost += cost

    def merge(self, other: _Totals) -> None:
        self.add(other.cells(), other.people)

    def cells(self) -> tuple[int, Decimal, Decimal, Decimal, Decimal]:
        return len(self.people), self.now, self.weekly, self.annual, self.cost
