"""What one package costs a week under the rate card in force: shared by the reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from caremarket.domain.errors import NoRate
from caremarket.domain.market import ServiceType
from caremarket.domain.packages import CarePackage
from caremarket.domain.rates import RateCard, Rates, weekly_cost


def package_weekly_cost(
    package: CarePackage, *, rates: Rates, services: Mapping[str, ServiceType]
) -> Decimal:
    """Exact (unrounded) weekly cost of the package's pattern in its zone at these rates."""
    return weekly_cost(
        package.pattern, rates=rates, service=package.service, services=services, zone=package.zone
    )


def card_in_force(cards: Iterable[RateCard], on: date) -> RateCard:
    """The commissioner's card with the latest line in force on the date."""
    dated = [
        (max(line.effective_from for line in card.lines if line.effective_from <= on), card)
        for card in cards
        if any(line.effective_from <= on for line in card.lines)
    ]
    if not dated:
        raise NoRate(f"no rate card is in force on {on:%d %B %Y}")
    return max(dated, key=lambda pair: pair[0])[1]
