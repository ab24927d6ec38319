"""Rate cards: what a commissioner pays for each service, from which date, in which zone.

Herefordshire 2017/18: a fixed £15.80 an hour, pro rata for shorter visits, and £12.80 an
hour for all 24-hour packages and sleep-in nights. Both are ``PER_HOUR`` lines. A sleep-in paid
as one sum a night, or live-in care paid by the day, is a ``FLAT`` line: one amount for each
call (night, day) and each carer.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from caremarket.domain.errors import DomainError, NoRate
from caremarket.domain.market import Commissioner, ServiceType, Zone
from caremarket.domain.money import to_pennies
from caremarket.domain.patterns import VisitLine


class RateCardConflict(DomainError):
    pass


class RateBasis(enum.StrEnum):
    PER_HOUR = "per-hour"  # pro rata by the minute
    FLAT = "flat"  # one amount for each call (a night, a day) and carer


@dataclass(eq=False)
class RateLine:
    service: ServiceType
    amount: Decimal
    effective_from: date
    basis: RateBasis = RateBasis.PER_HOUR
    zone: Zone | None = None  # None: every zone
    id: int | None = None


@dataclass(eq=False)
class RateCard:
    commissioner: Commissioner
    name: str
    lines: list[RateLine] = field(default_factory=list)
    id: int | None = None

    def rate_for(self, service: ServiceType, zone: Zone | None, on: date) -> RateLine:
        """The line in force on a date: a zone's own rate before the card's general rate."""
        return self.rates_on(on).rate_for(service, zone)

    def rates_on(self, on: date) -> Rates:
        """Every line in force on a date, indexed by service and zone for quick look-up."""
        in_force: dict[tuple[int, int | None], RateLine] = {}
        for line in sorted(self.lines, key=lambda ln: ln.effective_from):
            if line.effective_from <= on:
                in_force[(id(line.service), id(line.zone) if line.zone else None)] = line
        return Rates(self.name, on, in_force)

    def uplift(self, percent: Decimal, effective_from: date) -> list[RateLine]:
        """An annual uplift: each rate in force the day before, raised and rounded to the penny."""
        if any(line.effective_from == effective_from for line in self.lines):
            raise RateCardConflict(
                f"{self.name} already has rates from {effective_from:%d %B %Y}: change those"
                " rather than adding an uplift on the same day"
            )
        current = {
            (line.service, line.zone): line
            for line in sorted(self.lines, key=lambda ln: ln.effective_from)
            if line.effective_from < effective_from
        }
        added = [
            RateLine(
                service=line.service,
                amount=to_pennies(line.amount * (1 + percent / 100)),
                effective_from=effective_from,
                basis=line.basis,
                zone=line.zone,
            )
            for line in current.values()
        ]
        self.lines.extend(added)
        return added


@dataclass(frozen=True)
class Rates:
    """A rate card's lines in force on one day."""

    card_name: str
    on: date
    lines: dict[tuple[int, int | None], RateLine]

    def rate_for(self, service: ServiceType, zone: Zone | None) -> RateLine:
        line = self.lines.get((id(service), id(zone) if zone else None)) or self.lines.get(
            (id(service), None)
        )
        if line is None:
            raise NoRate(f"{self.card_name} has no rate for {service.name} on {self.on:%d %B %Y}")
        return line


def line_weekly_cost(line: VisitLine, rate: RateLine) -> Decimal:
    """Exact weekly cost of one visit line (not rounded: the figure shown is rounded once)."""
    if rate.basis is RateBasis.PER_HOUR:
        return rate.amount * line.weekly_minutes / 60
    return rate.amount * line.calls_per_week * line.carers


def weekly_cost(
    pattern: Iterable[VisitLine],
    *,
    rates: Rates,
    service: ServiceType,
    services: Mapping[str, ServiceType],
    zone: Zone | None,
) -> Decimal:
    """Exact weekly cost of a visit pattern at the rates in force."""
    total = Decimal(0)
    for line in pattern:
        line_service = services.get(line.service) if line.service else service
        if line_service is None:
            raise NoRate(f"{rates.card_name} has no rate for the unknown service {line.service}")
        total += line_weekly_cost(line, rates.rate_for(line_service, zone))
    return total
