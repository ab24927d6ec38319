"""The reports the web offers, and a report as a file to download: shared by pages and API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fastapi.responses import Response

from caremarket.reports import render
from caremarket.reports.tables import Table
from caremarket.services import cost_of_care, forecasts, reports
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
}


def download(table: Table, *, name: str, commissioner: str, file_format: str) -> Response:
    """The report as an attachment: `market-share-HFD-2017-08-01.csv` (or .xlsx)."""
    filename = f"{name}-{commissioner}-{table.on.isoformat()}.{file_format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if file_format == "csv":
        return Response(render.as_csv(table), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(render.as_xlsx(table), media_type=XLSX, headers=headers)
