"""Reports on the market, read from the database: nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from caremarket.domain.market import ServiceType
from caremarket.domain.packages import CarePackage
from caremarket.domain.rates import RateCard
from caremarket.reports import market_share as share
from caremarket.reports import vehicle_use as use
from caremarket.reports import zone_demand as demand
from caremarket.reports.costing import card_in_force
from caremarket.reports.tables import Table
from caremarket.services.ports import UnitOfWork


def zone_demand(uow: UnitOfWork, *, commissioner: str, on: date) -> Table:
    """Clients, weekly and annual hours and indicative annual cost, by pathway and zone or lot."""
    with uow:
        market = _market_on(uow, commissioner, on)
        return demand.zone_demand(
            market.packages,
            card=market.card,
            services=market.services,
            commissioner=market.name,
            on=on,
        )


def market_share(uow: UnitOfWork, *, commissioner: str, on: date, by: str = "tier") -> Table:
    """People, hours and value a week and a year, by provider tier ("tier") or "provider"."""
    with uow:
        market = _market_on(uow, commissioner, on)
        return share.market_share(
            market.packages,
            card=market.card,
            services=market.services,
            commissioner=market.name,
            on=on,
            by=by,
        )


def vehicle_use(uow: UnitOfWork, *, vehicle: str, on: date) -> Table:
    """Each commissioner's call-offs from a shared vehicle: packages, people, hours, value at
    its own rates, providers used and share of the vehicle's hours."""
    with uow:
        found = uow.vehicles.get(vehicle)
        packages = [
            package
            for owner in found.commissioners
            for package in uow.packages.active_on(on, commissioner_code=owner.code)
        ]
        users = {p.commissioner.code: p.commissioner for p in packages}
        return use.vehicle_use(
            packages,
            vehicle=found,
            cards={
                code: card_in_force(uow.rate_cards.list(commissioner=owner), on)
                for code, owner in users.items()
            },
            services={s.code: s for s in uow.services.list()},
            on=on,
        )


@dataclass(frozen=True)
class _Market:
    name: str
    packages: Sequence[CarePackage]
    card: RateCard
    services: dict[str, ServiceType]


def _market_on(uow: UnitOfWork, commissioner: str, on: date) -> _Market:
    """A commissioner's packages active on a date, and the rate card in force that day."""
    owner = uow.commissioners.get(commissioner)
    return _Market(
        name=owner.name,
        packages=uow.packages.active_on(on, commissioner_code=owner.code),
        card=card_in_force(uow.rate_cards.list(commissioner=owner), on),
        services={s.code: s for s in uow.services.list()},
    )
