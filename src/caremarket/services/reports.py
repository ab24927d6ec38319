"""Reports on the market, read from the database: nothing is written."""

from __future__ import annotations

from datetime import date

from caremarket.reports import market_share as share
from caremarket.reports import zone_demand as demand
from caremarket.reports.costing import card_in_force
from caremarket.reports.tables import Table
from caremarket.services.ports import UnitOfWork


def zone_demand(uow: UnitOfWork, *, commissioner: str, on: date) -> Table:
    """Clients, weekly and annual hours and indicative annual cost, by pathway and zone or lot."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return demand.zone_demand(
            uow.packages.active_on(on, commissioner_code=owner.code),
            card=card_in_force(uow.rate_cards.list(commissioner=owner), on),
            services={s.code: s for s in uow.services.list()},
            commissioner=owner.name,
            on=on,
        )


def market_share(uow: UnitOfWork, *, commissioner: str, on: date, by: str = "tier") -> Table:
    """People, hours and value a week and a year, by provider tier ("tier") or "provider"."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return share.market_share(
            uow.packages.active_on(on, commissioner_code=owner.code),
            card=card_in_force(uow.rate_cards.list(commissioner=owner), on),
            services={s.code: s for s in uow.services.list()},
            commissioner=owner.name,
            on=on,
            by=by,
        )
