"""The commissioner's dashboard: the market-intelligence figures for a period, at a glance.

Concentration is on the period's last day; the others are over the period. Each figure is
the same report the reports pages, API and CLI give, so a figure on the dashboard and its
report always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caremarket.reports import concentration as concentrated
from caremarket.reports.concentration import ProviderShare
from caremarket.reports.cost_of_care import ZoneGap
from caremarket.reports.tables import Table
from caremarket.services import cost_of_care, intelligence
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class Dashboard:
    commissioner: str  # code
    name: str
    since: date
    on: date
    concentration: Table
    top_providers: list[ProviderShare]  # the commissioner's own ten largest, by weekly hours
    waiting: Table
    time_to_source: Table
    delays: Table
    hand_backs: Table
    responses: Table
    cost_gaps: list[ZoneGap]  # the cost-of-care model beside the commissioned rate, by zone
    spend: Table  # approved payment runs, by funder
    delivery: Table  # delivered versus planned hours, from the ECM records


def dashboard(uow: UnitOfWork, *, commissioner: str, since: date, on: date) -> Dashboard:
    with uow:  # one session for every figure (each service's `with uow:` joins it)
        owner = uow.commissioners.get(commissioner)
        code, name = owner.code, owner.name
        scopes = intelligence.concentration_scopes(uow, owner, on)
        return _figures(uow, code, name, scopes, since, on)


def _figures(
    uow: UnitOfWork,
    code: str,
    name: str,
    scopes: dict[str, list[tuple[str, int]]],
    since: date,
    on: date,
) -> Dashboard:
    period = {"commissioner": code, "since": since, "on": on}
    return Dashboard(
        commissioner=code,
        name=name,
        since=since,
        on=on,
        concentration=concentrated.concentration(scopes, commissioner=name, on=on),
        top_providers=concentrated.shares(scopes[name])[: concentrated.TOP],
        waiting=intelligence.waiting_list(uow, **period),
        time_to_source=intelligence.time_to_source(uow, **period),
        delays=intelligence.delayed_discharges(uow, **period),
        hand_backs=intelligence.hand_backs(uow, **period),
        responses=intelligence.response_times(uow, **period),
        cost_gaps=cost_of_care.gap_by_zone(uow, code, on),
        spend=intelligence.spend_by_funder(uow, **period),
        delivery=intelligence.delivered_hours(uow, **period),
    )
