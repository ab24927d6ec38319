"""Vehicle use: each commissioner's call-offs from a shared vehicle (a regional framework).

A row per commissioner on the vehicle, by name, whether it has used it yet or
not: its packages active on the day in the vehicle's lots, the people they serve, their
weekly hours, their value a week and a year at the commissioner's own rates in force that
day, the providers holding them, and its share of the vehicle's hours. A total row adds
the commissioners up: its people and providers are counted once each (a provider serving
three councils is one provider on the vehicle). Values are exact, rounded once when shown;
a year is 52 weeks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from caremarket.domain.errors import NoRate
from caremarket.domain.market import ServiceType, Vehicle
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.packages import CarePackage
from caremarket.domain.rates import RateCard
from caremarket.reports.costing import package_weekly_cost
from caremarket.reports.tables import Column, Measure, Row, Table

COLUMNS = (
    Column("Commissioner"),
    Column("Packages", Measure.COUNT),
    Column("People", Measure.COUNT),
    Column("Hours a week", Measure.HOURS),
    Column("Value a week", Measure.POUNDS),
    Column("Value a year", Measure.POUNDS),
    Column("Providers used", Measure.COUNT),
    Column("Share of hours", Measure.PERCENT),
)


def vehicle_use(
    packages: Iterable[CarePackage],
    *,
    vehicle: Vehicle,
    cards: Mapping[str, RateCard],
    services: Mapping[str, ServiceType],
    on: date,
) -> Table:
    """The vehicle-use table of the packages active on a date in the vehicle's lots (others
    are left out). ``cards``: each commissioner's rate card in force on the day, by code;
    NoRate if a commissioner with packages on the vehicle has none."""
    lots = {id(lot) for lot in vehicle.lots}
    owners = sorted(vehicle.commissioners, key=lambda c: c.name)
    tallies: dict[str, _Tally] = {c.code: _Tally(c.name) for c in owners}
    for package in packages:
        if package.lot is None or id(package.lot) not in lots or not package.active_on(on):
            continue
        owner = package.commissioner
        card = cards.get(owner.code)
        if card is None:
            raise NoRate(f"{owner.name} has no rate card in force on {on:%d %B %Y}")
        cost = package_weekly_cost(package, rates=card.rates_on(on), services=services)
        tallies.setdefault(owner.code, _Tally(owner.name)).add(package, cost)
    total = _Tally("Total")
    for tally in tallies.values():
        total.merge(tally)
    return Table(
        title=f"Use of {vehicle.code} by commissioner",
        commissioner=vehicle.name,
        on=on,
        columns=COLUMNS,
        rows=tuple(Row(tally.figures(total.minutes)) for tally in tallies.values()),
        totals=Row(total.figures(total.minutes)),
        notes=(
            "Packages active on the day in the vehicle's lots, each at its own"
            " commissioner's rates in force on the day; a year is 52 weeks. The total counts"
            " each person and each provider once.",
        ),
    )


@dataclass
class _Tally:
    name: str
    packages: int = 0
    people: set[tuple[str, str]] = field(default_factory=set)
    minutes: int = 0
    weekly_value: Decimal = Decimal(0)
    providers: set[str] = field(default_factory=set)

    def add(self, package: CarePackage, cost: Decimal) -> None:
        self.packages += 1
        self.people.add((package.commissioner.code, package.person.reference))
        self.minutes += package.weekly_minutes
        self.weekly_value += cost
        if package.provider is not None:
            self.providers.add(package.provider.name)

    def merge(self, other: _Tally) -> None:
        self.packages += other.packages
        self.people |= other.people
        self.minutes += other.minutes
        self.weekly_value += other.weekly_value
        self.providers |= other.providers

    def figures(
        self, all_minutes: int
    ) -> tuple[str, int, int, Decimal, Decimal, Decimal, int, Decimal]:
        share = Decimal(self.minutes * 100) / all_minutes if all_minutes else Decimal(0)
        return (
            self.name,
            self.packages,
            len(self.people),
            Decimal(self.minutes) / 60,
            self.weekly_value,
            self.weekly_value * WEEKS_PER_YEAR,
            len(self.providers),
            share,
        )
