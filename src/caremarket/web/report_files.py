"""The reports the web offers, and a report as a file to download: shared by pages and API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi.responses import Response

from caremarket.reports import render
from caremarket.reports.tables import Table
from caremarket.services import cost_of_care, forecasts, intelligence, reports
from caremarket.services.ports import UnitOfWork

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_FORMATS = ("csv", "xlsx")
VEHICLE_USE = "vehicle-use"  # of a vehicle, not a commissioner: its own routes


@dataclass(frozen=True)
class Report:
    title: str
    description: str
    run: Callable[[UnitOfWork, str, date, str], Table]
    grouped: bool = False  # market share may be by tier or by provider
    # A report over a period: run(uow, commissioner, since, on); `run` takes the default
    # period, the 13 weeks to the day.
    over: Callable[..., Table] | None = None
    # Yes-or-no options the report takes over a period (given to `over` by name when set):
    # spend by funder's `drafts`, to count draft payment runs too.
    options: tuple[str, ...] = ()
    # The drill-down a report over a period takes (zone, provider, reason, week: given to
    # `over` by name when chosen), and with `packages=True` the packages behind its figure.
    filters: tuple[str, ...] = ()


def default_since(on: date) -> date:
    """The first day of the default period: the 13 weeks (91 days) to `on`."""
    return on - timedelta(days=7 * PERIOD_WEEKS - 1)


PERIOD_WEEKS = 13


def _over_period(
    title: str,
    description: str,
    run: Callable[..., Table],
    *,
    options: tuple[str, ...] = (),
    filters: tuple[str, ...] = (),
) -> Report:
    def over(uow: UnitOfWork, who: str, since: date, on: date, **chosen: object) -> Table:
        return run(uow, commissioner=who, since=since, on=on, **chosen)

    return Report(
        title,
        description,
        lambda uow, who, on, by: over(uow, who, default_since(on), on),
        over=over,
        options=options,
        filters=filters,
    )


REPORTS = {
    "zone-demand": Report(
        "Zone demand",
        "Clients, weekly and annual hours and indicative annual cost, by pathway and zone.",
        lambda uow, who, on, by: reports.zone_demand(uow, commissioner=who, on=on),
    ),
    "market-share": Report(
        "Market share",
        "People, hours and value a week and a year, by provider tier or by provider.",
        lambda uow, who, on, by: reports.market_share(uow, commissioner=who, on=on, by=by),
        grouped=True,
    ),
    "cost-of-care": Report(
        "Cost of care: the gap",
        "The cost-of-care model's rate in each zone beside the commissioned rates, and the gap"
        " per zone and per provider, under the scenario in force on the day.",
        lambda uow, who, on, by: cost_of_care.cost_of_care_report(uow, commissioner=who, on=on),
    ),
    "forecast": Report(
        "Demand forecast",
        "Next year's weekly hours and indicative annual cost by pathway and zone: the hours"
        " on the day grown by the projected growth of the people aged 65 and over.",
        lambda uow, who, on, by: forecasts.demand_forecast(uow, commissioner=who, on=on),
    ),
    VEHICLE_USE: Report(
        "Vehicle use",
        "Each commissioner's call-offs from a shared vehicle: packages, people, hours, value at"
        " its own rates, providers used and share of the vehicle's hours.",
        lambda uow, vehicle, on, by: reports.vehicle_use(uow, vehicle=vehicle, on=on),
    ),
    "concentration": Report(
        "Concentration",
        "The top 10 providers' share and the Herfindahl–Hirschman index of weekly hours, for"
        " the commissioner and across each shared vehicle it is on.",
        lambda uow, who, on, by: intelligence.concentration(uow, commissioner=who, on=on),
    ),
    "waiting-list": _over_period(
        "Waiting list over time",
        "People and hours waiting, with median and longest days waiting, at each weekly"
        " snapshot in the period.",
        intelligence.waiting_list,
    ),
    "waiting-list-by-zone": _over_period(
        "Waiting list by zone and service",
        "People and hours waiting by zone and service at the last snapshot in the period.",
        intelligence.waiting_list_by_zone,
    ),
    "time-to-source": _over_period(
        "Time to source",
        "Request to first offer, award and start: medians and 90th percentiles by zone,"
        " service and the policy stage reached.",
        intelligence.time_to_source,
    ),
    "delayed-discharges": _over_period(
        "Delayed discharges",
        "Delay days attributable to awaiting a package of care, by week.",
        intelligence.delayed_discharges,
        filters=("zone", "provider", "week"),
    ),
    "hand-backs": _over_period(
        "Hand-backs and provider exits",
        "Hand-backs by provider and reason, and contracts ended early.",
        intelligence.hand_backs,
        filters=("zone", "provider", "reason", "week"),
    ),
    "response-times": _over_period(
        "Response times",
        "Offers' time to an answer against the contract's accept-within hours, by provider.",
        intelligence.response_times,
    ),
    "spend-by-funder": _over_period(
        "Spend by funder",
        "What the payment runs paid for the period's visits, split between the council, the"
        " NHS and other partners' pooled shares and the person's contributions, by provider,"
        " zone, week and run. Approved runs only, unless draft runs are included.",
        intelligence.spend_by_funder,
        options=("drafts",),
    ),
    "delivered-hours": _over_period(
        "Delivered and planned hours",
        "Planned and delivered hours, missed and cancelled visits and the delivery %, from"
        " the electronic call monitoring records, by provider, zone and week.",
        intelligence.delivered_hours,
    ),
}


def download(table: Table, *, name: str, commissioner: str, file_format: str) -> Response:
    """The report as an attachment: `market-share-HFD-2017-08-01.csv` (or .xlsx)."""
    since = f"{table.since.isoformat()}-to-" if table.since else ""
    filename = f"{name}-{commissioner}-{since}{table.on.isoformat()}.{file_format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if file_format == "csv":
        return Response(render.as_csv(table), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(render.as_xlsx(table), media_type=XLSX, headers=headers)
