"""Market share: who delivers the managed care, by provider tier or by provider.

Leicestershire's table (mid-August 2018): lead and supplementary providers' people served,
hours a week, value a week and a year, and share of the people. A package's tier is its
provider's membership in the package's lot (``Lot.membership_of``); a provider outside the
lot counts as "Not in the lot". Packages with no provider yet are not part of the market
share and are left out. Values are the exact weekly costs at the rates in force on the day
(a year is 52 weeks), rounded once when shown; people are counted once in each row and once
in the total even if they have several packages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from caremarket.domain.market import ServiceType, Tier
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.packages import CarePackage
from caremarket.domain.rates import RateCard
from caremarket.reports.costing import package_weekly_cost
from caremarket.reports.tables import Column, Measure, Row, Table

NOT_IN_LOT = "Not in the lot"
TIER_LABELS = {tier: f"{tier.value.capitalize()} provider" for tier in Tier}
GROUPINGS = ("tier", "provider")


def market_share(
    packages: Iterable[CarePackage],
    *,
    card: RateCard,
    services: Mapping[str, ServiceType],
    commissioner: str,
    on: date,
    by: str = "tier",
) -> Table:
    """The market share table of the packages active on a date with a provider.

    ``by`` is "tier" (a row per tier: "Lead provider", "Supplementary provider") or
    "provider" (a row per provider, by name).
    """
    if by not in GROUPINGS:
        raise ValueError(f"market share is by {' or '.join(GROUPINGS)}, not {by!r}")
    label: Callable[[CarePackage], str] = tier_of if by == "tier" else _provider_name
    tallies: dict[str, _Tally] = {}
    total = _Tally()
    rates = card.rates_on(on)
    for package in packages:
        if package.provider is None or not package.active_on(on):
            continue
        cost = package_weekly_cost(package, rates=rates, services=services)
        tallies.setdefault(label(package), _Tally()).add(package, cost)
        total.add(package, cost)
    order = _tier_order if by == "tier" else str
    rows = tuple(
        Row((name, *tallies[name].figures(len(total.people))))
        for name in sorted(tallies, key=order)
    )
    return Table(
        title=f"Market share by {by}",
        commissioner=commissioner,
        on=on,
        columns=(
            Column("Tier" if by == "tier" else "Provider"),
            Column("People served", Measure.COUNT),
            Column("Hours a week", Measure.HOURS),
            Column("Value a week", Measure.POUNDS),
            Column("Value a year", Measure.MILLIONS),
            Column("Share of people", Measure.PERCENT),
        ),
        rows=rows,
        totals=Row(("Total", *total.figures(len(total.people)))),
        notes=("Managed packages active on the day, with their provider; a year is 52 weeks.",),
    )


def tier_of(package: CarePackage) -> str:
    membership = package.lot.membership_of(package.provider) if package.lot else None
    return TIER_LABELS[membership.tier] if membership else NOT_IN_LOT


def _provider_name(package: CarePackage) -> str:
    assert package.provider is not None
    return package.provider.name


def _tier_order(name: str) -> tuple[int, str]:
    labels = list(TIER_LABELS.values())
    return (labels.index(name) if name in labels else len(labels), name)


@dataclass
class _Tally:
    people: set[str] = field(default_factory=set)
    minutes: int = 0
    weekly_value: Decimal = Decimal(0)

    def add(self, package: CarePackage, cost: Decimal) -> None:
        self.people.add(package.person.reference)
        self.minutes += package.weekly_minutes
        self.weekly_value += cost

    def figures(self, everyone: int) -> tuple[int, Decimal, Decimal, Decimal, Decimal]:
        share = Decimal(len(self.people) * 100) / everyone if everyone else Decimal(0)
        return (
            len(self.people),
            Decimal(self.minutes) / 60,
            self.weekly_value,
            self.weekly_value * WEEKS_PER_YEAR,
            share,
        )
