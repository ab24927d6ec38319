"""The market's structure as people read it: services, vehicles and their lots, who is in
which lot at which tier, rate cards, and the active packages each provider holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.market import Lot, Vehicle
from caremarket.domain.rates import RateCard
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class ServiceSummary:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class MemberSummary:
    provider: str
    tier: str
    lead: str | None
    joined_on: date | None


@dataclass(frozen=True)
class LotSummary:
    code: str
    name: str
    zones: tuple[str, ...]
    services: tuple[str, ...]
    pathway: str | None
    min_providers: int
    max_providers: int | None
    members: tuple[MemberSummary, ...]


@dataclass(frozen=True)
class VehicleSummary:
    code: str
    name: str
    kind: str
    commissioners: tuple[str, ...]
    starts_on: date | None
    lots: tuple[LotSummary, ...]


@dataclass(frozen=True)
class Placement:
    """A provider's place in one lot of one vehicle."""

    vehicle: str
    lot: str
    tier: str


@dataclass(frozen=True)
class RateSummary:
    service: str
    zone: str | None  # None: every zone
    basis: str
    amount: Decimal
    effective_from: date


@dataclass(frozen=True)
class RateCardSummary:
    commissioner: str
    name: str
    rates: tuple[RateSummary, ...]  # oldest first, then by service and zone


@dataclass(frozen=True)
class ProviderLoad:
    """The active packages a provider holds on a day."""

    provider: str
    packages: int
    weekly_hours: Decimal


def list_services(uow: UnitOfWork) -> list[ServiceSummary]:
    with uow:
        return [
            ServiceSummary(s.code, s.name, s.kind.value)
            for s in sorted(uow.services.list(), key=lambda s: s.code)
        ]


def list_vehicles(uow: UnitOfWork) -> list[VehicleSummary]:
    with uow:
        return [_vehicle(v) for v in sorted(uow.vehicles.list(), key=lambda v: v.code)]


def get_vehicle(uow: UnitOfWork, code: str) -> VehicleSummary:
    with uow:
        return _vehicle(uow.vehicles.get(code))


def provider_placements(uow: UnitOfWork) -> dict[str, list[Placement]]:
    """Each provider's lots and tiers, by provider name."""
    placements: dict[str, list[Placement]] = defaultdict(list)
    for vehicle in list_vehicles(uow):
        for lot in vehicle.lots:
            for member in lot.members:
                placements[member.provider].append(Placement(vehicle.code, lot.code, member.tier))
    return dict(placements)


def list_rate_cards(uow: UnitOfWork) -> list[RateCardSummary]:
    with uow:
        cards = sorted(uow.rate_cards.list(), key=lambda c: (c.commissioner.code, c.name))
        return [_rate_card(c) for c in cards]


def active_by_provider(uow: UnitOfWork, *, on: date) -> list[ProviderLoad]:
    """Active packages and weekly hours per provider on a day, the largest first."""
    counts: dict[str, int] = defaultdict(int)
    hours: dict[str, Decimal] = defaultdict(Decimal)
    with uow:
        for package in uow.packages.active_on(on):
            name = package.provider.name if package.provider else "No provider"
            counts[name] += 1
            hours[name] += package.weekly_hours
    loads = [ProviderLoad(name, counts[name], hours[name]) for name in counts]
    return sorted(loads, key=lambda load: (-load.weekly_hours, load.provider))


def _vehicle(v: Vehicle) -> VehicleSummary:
    return VehicleSummary(
        code=v.code,
        name=v.name,
        kind=v.kind.value,
        commissioners=tuple(c.code for c in v.commissioners),
        starts_on=v.starts_on,
        lots=tuple(_lot(lot) for lot in sorted(v.lots, key=lambda lot: lot.code)),
    )


def _lot(lot: Lot) -> LotSummary:
    return LotSummary(
        code=lot.code,
        name=lot.name,
        zones=tuple(z.code for z in lot.zones),
        services=tuple(s.code for s in lot.services),
        pathway=lot.pathway,
        min_providers=lot.min_providers,
        max_providers=lot.max_providers,
        members=tuple(
            MemberSummary(
                m.provider.name, m.tier.value, m.lead.name if m.lead else None, m.joined_on
            )
            for m in lot.members
        ),
    )


def _rate_card(card: RateCard) -> RateCardSummary:
    lines = sorted(
        card.lines,
        key=lambda ln: (ln.effective_from, ln.service.code, ln.zone.code if ln.zone else ""),
    )
    return RateCardSummary(
        commissioner=card.commissioner.code,
        name=card.name,
        rates=tuple(
            RateSummary(
                ln.service.name,
                ln.zone.code if ln.zone else None,
                ln.basis.value,
                ln.amount,
                ln.effective_from,
            )
            for ln in lines
        ),
    )
