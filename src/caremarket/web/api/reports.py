"""Reports as data (exact figures), CSV or Excel, for a commissioner on a day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel

from caremarket.domain.access import DASHBOARD_READERS, REPORT_READERS
from caremarket.reports.tables import Row, Table
from caremarket.services import reports
from caremarket.web import committee_pack, report_files
from caremarket.web.access import allow
from caremarket.web.deps import SettingsDep, UowDep

router = APIRouter(tags=["reports"])


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


class Grouping(StrEnum):
    TIER = "tier"
    PROVIDER = "provider"


class ReportColumn(BaseModel):
    heading: str
    measure: str


class ReportRow(BaseModel):
    cells: list[str | int | Decimal | None]
    subtotal: bool


class ReportData(BaseModel):
    """Exact figures (amounts as decimal strings): round where you show them."""

    title: str
    commissioner: str
    on: date
    since: date | None = None  # over a period: its first day (`on` is its last)
    columns: list[ReportColumn]
    rows: list[ReportRow]
    totals: ReportRow | None
    notes: list[str]


@router.get("/reports/vehicle-use", dependencies=[allow(*REPORT_READERS)], response_model=None)
def vehicle_use(
    uow: UowDep,
    settings: SettingsDep,
    vehicle: str,
    on: date | None = None,
    format: ReportFormat = ReportFormat.JSON,
) -> ReportData | Response:
    """Each commissioner's use of a shared `vehicle` (its code) on a day (today): packages,
    people, hours, value at its own rates, providers used, share of the vehicle's hours.
    Declared before `/reports/{name}`, which would otherwise take it."""
    day = on or datetime.now(settings.zone).date()
    table = reports.vehicle_use(uow, vehicle=vehicle, on=day)
    if format is ReportFormat.JSON:
        return _data(table)
    return report_files.download(
        table, name="vehicle-use", commissioner=vehicle, file_format=format.value
    )


class PackFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


@router.get(
    "/reports/pack",
    dependencies=[allow(*DASHBOARD_READERS)],
    response_class=Response,
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
def pack(
    uow: UowDep,
    settings: SettingsDep,
    commissioner: str,
    since: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    format: PackFormat = PackFormat.HTML,
) -> Response:
    """The committee pack: every report's table and chart for the commissioner `from` a day
    `to` a day (today; `from`: the 13 weeks to it), as printable HTML or a PDF. For the
    dashboard's readers (it names every provider's share). Declared before `/reports/{name}`."""
    now = datetime.now(settings.zone)
    day = to or now.date()
    first = since or report_files.default_since(day)
    if first > day:
        raise HTTPException(422, "The period's first day (from) is after its last (to).")
    made = committee_pack.pack_file(
        committee_pack.committee_pack(
            uow,
            commissioner=commissioner,
            since=first,
            on=day,
            produced_at=now.replace(tzinfo=None),
        ),
        format.value,
    )
    headers = {"Content-Disposition": f'attachment; filename="{made.filename}"'}
    return Response(made.content, media_type=made.media_type, headers=headers)


@router.get("/reports/{name}", dependencies=[allow(*REPORT_READERS)], response_model=None)
def report(
    uow: UowDep,
    settings: SettingsDep,
    name: str,
    commissioner: str,
    on: date | None = None,
    by: Grouping = Grouping.TIER,
    format: ReportFormat = ReportFormat.JSON,
    since: Annotated[date | None, Query(alias="from")] = None,
    to: date | None = None,
    drafts: bool = False,
    zone: str | None = None,
    provider: str | None = None,
    reason: str | None = None,
    week: date | None = None,
    packages: bool = False,
) -> ReportData | Response:
    """`zone-demand` or `market-share` (grouped `by` tier or provider), `concentration` on a
    day (today); `waiting-list`, `waiting-list-by-zone`, `time-to-source`,
    `delayed-discharges`, `hand-backs` or `response-times` over a period `from` a day `to`
    a day (`on`, today; `from`: the 13 weeks to it); `spend-by-funder` (approved payment
    runs only, or with `drafts` too) and `delivered-hours` over a period likewise.

    `delayed-discharges` (by `zone`, `provider`, `week`) and `hand-backs` (and `reason`)
    drill down: narrowed to those, and with `packages` the packages behind the figure."""
    chosen = report_files.REPORTS.get(name)
    if chosen is None:
        raise HTTPException(
            404, f"There is no report {name}: choose {', '.join(report_files.REPORTS)}."
        )
    day = to or on or datetime.now(settings.zone).date()
    if chosen.over is not None:
        first = since or report_files.default_since(day)
        if first > day:
            raise HTTPException(422, "The period's first day (from) is after its last (to).")
        options: dict[str, object] = (
            {"drafts": True} if drafts and "drafts" in chosen.options else {}
        )
        asked = {"zone": zone, "provider": provider, "reason": reason, "week": week}
        for key, value in asked.items():
            if value is not None and key not in chosen.filters:
                raise HTTPException(422, f"The report {name} cannot be narrowed by {key}.")
            if value is not None:
                options[key] = value
        if packages and not chosen.filters:
            raise HTTPException(422, f"The report {name} has no packages behind its figures.")
        if packages:
            options["packages"] = True
        table = chosen.over(uow, commissioner, first, day, **options)
    else:
        table = chosen.run(uow, commissioner, day, by.value)
    if format is ReportFormat.JSON:
        return _data(table)
    return report_files.download(
        table, name=name, commissioner=commissioner, file_format=format.value
    )


def _data(table: Table) -> ReportData:
    return ReportData(
        title=table.title,
        commissioner=table.commissioner,
        on=table.on,
        since=table.since,
        columns=[ReportColumn(heading=c.heading, measure=c.measure.value) for c in table.columns],
        rows=[_row(r) for r in table.rows],
        totals=_row(table.totals) if table.totals else None,
        notes=list(table.notes),
    )


def _row(row: Row) -> ReportRow:
    return ReportRow(cells=list(row.cells), subtotal=row.subtotal)
