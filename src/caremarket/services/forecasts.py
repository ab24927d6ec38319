"""The demand forecast for a commissioner, read from the database: nothing is written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from caremarket.domain.errors import DomainError
from caremarket.population import growth_65_plus_to
from caremarket.reports import forecast as report
from caremarket.reports.costing import card_in_force
from caremarket.reports.tables import Table
from caremarket.services.ports import UnitOfWork


def demand_forecast(
    uow: UnitOfWork,
    *,
    commissioner: str,
    on: date,
    growth: Decimal | None = None,
    method: str = "level",
    ahead: int | None = None,
) -> Table:
    """The weekly hours and indicative annual cost by pathway and zone in the year `ahead`
    (by default the next; up to five years after the day's). ``growth`` (% a year, compound
    over the years ahead): by default, with the ``level`` method, the projected growth of the
    council's people aged 65+ from the day's year to the year ahead (ONS 2016-based); with
    ``trend``, none."""
    target = ahead or on.year + 1
    years = target - on.year
    if not 1 <= years <= MOST_YEARS_AHEAD:
        raise ForecastTooFar(
            f"the year ahead must be 1 to {MOST_YEARS_AHEAD} years after {on.year}, not {target}"
        )
    source = "given"
    if growth is not None and years > 1:
        source = f"{growth}% a year for {years} years, compound"
        growth = ((1 + growth / 100) ** years - 1) * 100
    if growth is None and method == "level":
        growth = growth_65_plus_to(commissioner, on.year, target)
        source = (
            f"ONS 2016-based projection of people aged 65+, {on.year} to {target}"
            if growth is not None
            else "no population projection is held for this commissioner: none applied"
        )
    elif growth is None:
        source = "none on top of the trend"
    with uow:
        owner = uow.commissioners.get(commissioner)
        packages = (
            uow.packages.active_on(on, commissioner_code=owner.code)
            if method == "level"
            else uow.packages.list(commissioner=owner)
        )
        return report.forecast(
            packages,
            card=card_in_force(uow.rate_cards.list(commissioner=owner), on),
            services={s.code: s for s in uow.services.list()},
            commissioner=owner.name,
            on=on,
            growth_percent=growth or Decimal(0),
            method=method,
            growth_source=source,
            years=years,
        )


MOST_YEARS_AHEAD = 5


class ForecastTooFar(DomainError):
    pass
