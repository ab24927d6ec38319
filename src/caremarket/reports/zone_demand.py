"""Zone demand: clients, weekly and annual hours and indicative annual cost, by pathway.

Herefordshire's 2017/18 tables, one per pathway: the O pathway by zone (A–E) and the D
pathway by its complex lots ("Complex A & B", "Complex C,D,E"). How a package is grouped:

* its pathway is the one stored on the package, else its commissioner's rules classify it;
* a package whose lot spans several zones is counted under the lot's name (the D pathway's
  north and south lots); any other package under its zone's code (the O pathway's zones).

Annual hours are weekly hours x 52; the indicative annual cost is the sum of the packages'
exact weekly costs under the rate card in force on the day, x 52, rounded once when shown.
Clients are the distinct people with an active package in the group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from caremarket.domain.market import ServiceType
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.packages import CarePackage, classify
from caremarket.domain.rates import RateCard
from caremarket.reports.costing import package_weekly_cost
from caremarket.reports.tables import Column, Measure, Row, Table

COLUMNS = (
    Column("Pathway"),
    Column("Zone"),
    Column("Clients", Measure.COUNT),
    Column("Weekly hours", Measure.HOURS),
    Column("Annual hours", Measure.HOURS),
    Column("Indicative annual cost", Measure.POUNDS),
)


def zone_demand(
    packages: Iterable[CarePackage],
    *,
    card: RateCard,
    services: Mapping[str, ServiceType],
    commissioner: str,
    on: date,
) -> Table:
    """The zone demand table of the packages active on a date (others are left out)."""
    groups: dict[str, dict[str, _Tally]] = {}
    rates = card.rates_on(on)
    for package in packages:
        if not package.active_on(on):
            continue
        pathway = package.pathway or classify(package, services) or "-"
        cost = package_weekly_cost(package, rates=rates, services=services)
        groups.setdefault(pathway, {}).setdefault(group_of(package), _Tally()).add(package, cost)
    rows: list[Row] = []
    everything = _Tally()
    for pathway in sorted(groups):
        pathway_total = _Tally()
        for name in sorted(groups[pathway]):
            tally = groups[pathway][name]
            rows.append(Row((pathway, name, *tally.figures())))
            pathway_total.merge(tally)
        rows.append(
            Row((pathway, f"Total {pathway} pathway", *pathway_total.figures()), subtotal=True)
        )
        everything.merge(pathway_total)
    return Table(
        title="Zone demand",
        commissioner=commissioner,
        on=on,
        columns=COLUMNS,
        rows=tuple(rows),
        totals=Row(("All", "Total", *everything.figures())),
        notes=(
            "Packages active on the day. Annual hours are weekly hours x 52; the indicative"
            " annual cost is the weekly cost at the rates in force on the day x 52.",
        ),
    )


def group_of(package: CarePackage) -> str:
    """The lot's name if the package's lot spans several zones, else the zone's code."""
    lot = package.lot
    if lot is not None and len(lot.zones) > 1:
        return lot.name
    return package.zone.code


@dataclass
class _Tally:
    people: set[str] = field(default_factory=set)
    minutes: int = 0
    weekly_cost: Decimal = Decimal(0)

    def add(self, package: CarePackage, cost: Decimal) -> None:
        self.people.add(package.person.reference)
        self.minutes += package.weekly_minutes
        self.weekly_cost += cost

    def merge(self, other: _Tally) -> None:
        self.people |= other.people
        self.minutes += other.minutes
        self.weekly_cost += other.weekly_cost

    def figures(self) -> tuple[int, Decimal, Decimal, Decimal]:
        weekly_hours = Decimal(self.minutes) / 60
        return (
            len(self.people),
            weekly_hours,
            weekly_hours * WEEKS_PER_YEAR,
            self.weekly_cost * WEEKS_PER_YEAR,
        )
