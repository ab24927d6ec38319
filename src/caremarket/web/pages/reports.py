"""Reports: zone demand, market share and concentration for a commissioner on a day, the
market-intelligence reports over a period, and vehicle use for a vehicle, as pages, CSV and
Excel."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from caremarket.domain.access import REPORT_READERS
from caremarket.domain.errors import DomainError
from caremarket.domain.hand_backs import HandBackReason
from caremarket.reports import forecast as forecast_report
from caremarket.reports import render as formats
from caremarket.reports.delayed_discharges import NOT_ARRANGED
from caremarket.reports.tables import Measure, Table
from caremarket.services import forecasts, market, structure
from caremarket.services.ports import UnitOfWork
from caremarket.web import report_files
from caremarket.web.access import allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.periods import date_values, query_day
from caremarket.web.pages.templates import render
from caremarket.web.report_files import REPORTS, VEHICLE_USE, default_since

router = APIRouter(prefix="/reports", include_in_schema=False)
READ = [allow(*REPORT_READERS)]
FORECAST = "forecast"
GROUPINGS = {"tier": "Provider tier (lead, supplementary ...)", "provider": "Provider"}


@router.get("", response_class=HTMLResponse, dependencies=READ)
def index(request: Request) -> HTMLResponse:
    return render(request, "reports/index.html", {"title": "Reports", "reports": REPORTS})


@router.get("/vehicle-use", response_class=HTMLResponse, dependencies=READ)
def vehicle_use(request: Request, uow: UowDep) -> HTMLResponse:
    """Each commissioner's use of a shared vehicle (by default the first with several
    commissioners, today). Declared before `/{name}`, which would otherwise take it."""
    chosen = _choose_vehicle(request, uow)
    status = 400 if chosen["errors"] else 200
    return render(request, "reports/vehicle_use.html", chosen, status_code=status)


@router.get("/vehicle-use/download", dependencies=READ)
def vehicle_use_download(request: Request, uow: UowDep, format: str = "csv") -> Response:
    if format not in report_files.FILE_FORMATS:
        raise HTTPException(404, f"There is no {format} download: choose csv or xlsx.")
    chosen = _choose_vehicle(request, uow)
    if chosen["errors"]:
        return render(request, "reports/vehicle_use.html", chosen, status_code=400)
    return report_files.download(
        chosen["table"],
        name=VEHICLE_USE,
        commissioner=chosen["values"]["vehicle"],
        file_format=format,
    )


@router.get("/{name}", response_class=HTMLResponse, dependencies=READ)
def report(request: Request, uow: UowDep, name: str) -> HTMLResponse:
    """The report chosen in the form (by default the first commissioner, today)."""
    chosen = _choose(request, uow, name)
    status = 400 if chosen["errors"] else 200
    return render(request, "reports/report.html", chosen, status_code=status)


@router.get("/{name}/download", dependencies=READ)
def download(request: Request, uow: UowDep, name: str, format: str = "csv") -> Response:
    """The same report as a CSV file or an Excel workbook, to save."""
    if format not in report_files.FILE_FORMATS:
        raise HTTPException(404, f"There is no {format} download: choose csv or xlsx.")
    chosen = _choose(request, uow, name)
    if chosen["errors"]:
        return render(request, "reports/report.html", chosen, status_code=400)
    packages = request.query_params.get("packages") == "yes" and chosen["behind"] is not None
    return report_files.download(
        chosen["behind"] if packages else chosen["table"],
        name=f"{name}-packages" if packages else name,
        commissioner=chosen["values"]["commissioner"],
        file_format=format,
    )


def _choose(request: Request, uow: UnitOfWork, name: str) -> dict[str, Any]:
    """Read the form (commissioner, day, month, year, grouping), check it, run the report."""
    chosen = REPORTS.get(name)
    if chosen is None:
        raise HTTPException(404, f"There is no report {name}.")
    query = request.query_params
    today = datetime.now(request.app.state.settings.zone).date()
    commissioners = market.list_commissioners(uow)
    values = {
        "commissioner": query.get("commissioner")
        or (commissioners[0].code if commissioners else ""),
        **date_values(query, "", today),
        "by": query.get("by", "tier"),
    }
    if "drafts" in chosen.options:
        values["drafts"] = "yes" if query.get("drafts") == "yes" else ""
    errors: dict[str, str] = {}
    if values["commissioner"] not in {c.code for c in commissioners}:
        errors["commissioner"] = "Choose a commissioner from the list"
    on = _day(values, errors)
    since = None
    if chosen.over is not None:  # over a period: from a day to `on`
        first = default_since(on or today)
        values |= date_values(query, "from_", first)
        since = _day(values, errors, prefix="from_", field="from")
        if since and on and since > on:
            errors["from"] = "The period's first day must be on or before its last"
    if values["by"] not in GROUPINGS:
        errors["by"] = "Choose to group by provider tier or by provider"
    drill = _drill_down(uow, chosen.filters, query, values, errors, since, on)
    tuned = _forecast_inputs(query, values, errors, on) if name == FORECAST else None
    table = behind = None
    if not errors and on is not None:
        try:
            if chosen.over is not None and since is not None:
                options = {o: True for o in chosen.options if values.get(o) == "yes"}
                options |= drill["chosen"]
                table = chosen.over(uow, values["commissioner"], since, on, **options)
                if chosen.filters:
                    behind = chosen.over(
                        uow, values["commissioner"], since, on, **options, packages=True
                    )
            elif tuned is not None:
                table = forecasts.demand_forecast(
                    uow, commissioner=values["commissioner"], on=on, **tuned
                )
            else:
                table = chosen.run(uow, values["commissioner"], on, values["by"])
        except DomainError as error:
            errors["commissioner"] = f"The report cannot be run: {error}"
    return {
        "title": chosen.title,
        "name": name,
        "report": chosen,
        "commissioners": [(c.code, c.name) for c in commissioners],
        "groupings": GROUPINGS,
        "values": values,
        "errors": errors,
        "table": table,
        "head": _head(table) if table else None,
        "rows": _rows(table) if table else None,
        "query": {k: v for k, v in values.items() if chosen.grouped or k != "by"},
        "filters": drill["fields"],
        "behind": behind,
        "behind_head": _head(behind) if behind else None,
        "behind_rows": _package_rows(behind) if behind else None,
    }


def _forecast_inputs(
    query: Any, values: dict[str, str], errors: dict[str, str], on: date | None
) -> dict[str, Any]:
    """The forecast's growth (blank: the ONS 65+ projection, with the level method), method
    and year ahead, checked; the day is the base the forecast starts from."""
    values["growth"] = query.get("growth", "").strip().removesuffix("%").strip()
    values["method"] = query.get("method", "level")
    values["ahead"] = query.get("ahead", str(on.year + 1) if on else "").strip()
    tuned: dict[str, Any] = {"method": values["method"], "growth": None}
    if values["method"] not in forecast_report.METHODS:
        errors["method"] = "Choose to forecast from the level on the day or the past year's trend"
    if values["growth"]:
        try:
            tuned["growth"] = Decimal(values["growth"])
        except InvalidOperation:
            errors["growth"] = "Enter the growth as a percentage a year, like 2.5"
        else:
            if not tuned["growth"].is_finite() or not -50 <= tuned["growth"] <= 50:
                errors["growth"] = "The growth must be between -50% and 50% a year"
    if not values["ahead"].isdigit():
        errors["ahead"] = "Enter the year ahead as a year, like 2027"
    elif on is not None:
        tuned["ahead"] = int(values["ahead"])
        if not 1 <= tuned["ahead"] - on.year <= forecasts.MOST_YEARS_AHEAD:
            errors["ahead"] = (
                f"The year ahead must be 1 to {forecasts.MOST_YEARS_AHEAD} years after the"
                f" base day's year, {on.year}"
            )
    return tuned


def _drill_down(
    uow: UnitOfWork,
    filters: tuple[str, ...],
    query: Any,
    values: dict[str, str],
    errors: dict[str, str],
    since: date | None,
    on: date | None,
) -> dict[str, Any]:
    """The report's drill-down (zone, provider, reason, week) as select fields, each checked
    against its choices; `chosen`: what to narrow the report to."""
    options: dict[str, list[tuple[str, str]]] = {}
    if "zone" in filters:
        known = {c.code for c in market.list_commissioners(uow)}
        zones = (
            market.list_zones(uow, commissioner=values["commissioner"])
            if values["commissioner"] in known
            else []
        )
        options["zone"] = [(z.code, f"{z.code}: {z.name}") for z in zones]
    if "provider" in filters:
        options["provider"] = [(p.name, p.name) for p in market.list_providers(uow)]
        options["provider"].append((NOT_ARRANGED, NOT_ARRANGED))
    if "reason" in filters:
        options["reason"] = [(r.value, r.value.capitalize()) for r in HandBackReason]
    if "week" in filters:
        options["week"] = [(w.isoformat(), f"Week beginning {w.day} {w:%B %Y}")
                           for w in _mondays(since, on)]  # fmt: skip
    labels = {"zone": "Zone", "provider": "Provider", "reason": "Reason", "week": "Week"}
    fields, chosen = [], {}
    for name, choices in options.items():
        values[name] = query.get(name, "").strip()
        if values[name] and values[name] not in {v for v, _ in choices}:
            errors[name] = f"Choose a {labels[name].lower()} from the list"
        elif values[name]:
            chosen[name] = date.fromisoformat(values[name]) if name == "week" else values[name]
        fields.append({"name": name, "label": labels[name], "choices": choices})
    return {"fields": fields, "chosen": chosen}


def _mondays(since: date | None, on: date | None) -> list[date]:
    if since is None or on is None or since > on:
        return []
    monday = since - timedelta(days=since.weekday())
    return [monday + timedelta(days=7 * n) for n in range((on - monday).days // 7 + 1)]


def _package_rows(table: Table) -> list[list[dict[str, Any]]]:
    """The packages behind a figure, each linked to its page (where a provider sees only its
    own), the totals in bold."""
    rows = _rows(table)
    for row, shown in zip(table.rows, rows, strict=False):
        reference = str(row.cells[0])
        shown[0] = {"html": Markup('<a class="govuk-link" href="/packages/{}">{}</a>').format(
            reference, reference)}  # fmt: skip
    return rows


def _choose_vehicle(request: Request, uow: UnitOfWork) -> dict[str, Any]:
    """Read the form (vehicle, day, month, year), check it, run the vehicle-use report."""
    query = request.query_params
    today = datetime.now(request.app.state.settings.zone).date()
    vehicles = structure.list_vehicles(uow)
    shared = [v for v in vehicles if len(v.commissioners) > 1] or vehicles
    values = {
        "vehicle": query.get("vehicle") or (shared[0].code if shared else ""),
        **date_values(query, "", today),
    }
    errors: dict[str, str] = {}
    if values["vehicle"] not in {v.code for v in vehicles}:
        errors["vehicle"] = "Choose a vehicle from the list"
    on = _day(values, errors)
    table = None
    if not errors and on is not None:
        try:
            table = REPORTS[VEHICLE_USE].run(uow, values["vehicle"], on, "")
        except DomainError as error:
            errors["vehicle"] = f"The report cannot be run: {error}"
    return {
        "title": REPORTS[VEHICLE_USE].title,
        "name": VEHICLE_USE,
        "report": REPORTS[VEHICLE_USE],
        "vehicles": [(v.code, f"{v.code}: {v.name}") for v in vehicles],
        "values": values,
        "errors": errors,
        "table": table,
        "head": _head(table) if table else None,
        "rows": _rows(table) if table else None,
        "query": values,
    }


def _day(
    values: dict[str, str], errors: dict[str, str], *, prefix: str = "", field: str = "day"
) -> date | None:
    return query_day(
        values,
        errors,
        prefix=prefix,
        field=field,
        missing="Enter the date the report is for, with a day, month and year",
    )


def _head(table: Table) -> list[dict[str, str]]:
    return [
        {"text": c.heading} | ({} if c.measure is Measure.LABEL else {"format": "numeric"})
        for c in table.columns
    ]


def _rows(table: Table) -> list[list[dict[str, Any]]]:
    """govukTable rows: figures as the text report shows them, totals in bold."""
    rows = []
    for row in table.all_rows:
        bold = row.subtotal or row is table.totals
        cells = []
        for cell, column in zip(row.cells, table.columns, strict=True):
            shown: dict[str, Any] = {
                "text": "" if cell is None else formats.text_of(cell, column.measure)
            }
            if column.measure is not Measure.LABEL:
                shown["format"] = "numeric"
            if bold:
                shown["classes"] = "govuk-!-font-weight-bold"
            cells.append(shown)
        rows.append(cells)
    return rows
