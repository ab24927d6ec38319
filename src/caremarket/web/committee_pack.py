"""The committee pack: every report in the registry (``report_files.REPORTS``) for one
commissioner and period, each with its chart, as one HTML document and a PDF.

Shared by the command line, the page and the API. A report joins the pack by its entry in
``REPORTS``: a report on a day is run for the period's last day, one over a period for the
period, a grouped one (market share) once per grouping, and vehicle use once per shared
vehicle the commissioner is on. Its chart is the one named for it in ``CHARTS``; a report
without one gets a bar chart of its first hours (or else first figure) column. A report that
cannot be run (a rule refuses it, e.g. no rate card in force) is a section that says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.errors import DomainError
from caremarket.reports import charts
from caremarket.reports.pack import Pack, Section, as_html, as_pdf
from caremarket.reports.render import text_of
from caremarket.reports.tables import Measure, Row, Table
from caremarket.services import structure
from caremarket.services.ports import UnitOfWork
from caremarket.web.report_files import REPORTS, VEHICLE_USE, Report

GROUPINGS = {"tier": "by provider tier", "provider": "by provider"}
MOST_BARS = 40  # a longer table is charted by its first 40 rows (the table has them all)


@dataclass(frozen=True)
class Chart:
    """A chart of one column of a report's rows (not its subtotals or totals)."""

    column: str  # the heading of the figure drawn
    title: str
    kind: str = "bar"  # or "line": in order, over time
    only: tuple[str, str] | None = None  # (heading, value): only the rows with that label


CHARTS: dict[str, Chart] = {
    "zone-demand": Chart("Weekly hours", "Weekly hours by pathway and zone"),
    "market-share": Chart("Hours a week", "Hours a week"),
    "concentration": Chart("Top-10 share", "The top 10 providers' share of weekly hours"),
    "waiting-list": Chart("People waiting", "People waiting at each snapshot", kind="line"),
    "waiting-list-by-zone": Chart("People waiting", "People waiting by zone and service"),
    "time-to-source": Chart(
        "Median hours to award", "Median hours from request to award, by zone", only=("By", "Zone")
    ),
    "delayed-discharges": Chart("Delay days", "Delay days by week beginning"),
    "hand-backs": Chart("Hand-backs", "Hand-backs by provider"),
    "response-times": Chart("Share within target", "Offers answered within target, by provider"),
    VEHICLE_USE: Chart("Share of hours", "Each commissioner's share of the vehicle's hours"),
    "cost-of-care": Chart(
        "Gap an hour", "The gap an hour by zone (a minus is a shortfall)", only=("By", "Zone")
    ),
    "forecast": Chart("Forecast weekly hours", "Forecast weekly hours by pathway and zone"),
    "spend-by-funder": Chart("Total", "Spend by provider", only=("By", "Provider")),
    "delivered-hours": Chart(
        "Delivery %", "Delivered hours as a share of planned, by provider", only=("By", "Provider")
    ),
}


@dataclass(frozen=True)
class PackFile:
    content: bytes
    media_type: str
    filename: str


def committee_pack(
    uow: UnitOfWork, *, commissioner: str, since: date, on: date, produced_at: datetime
) -> Pack:
    """Every report in the registry for the commissioner: on `on`, or from `since` to `on`."""
    with uow:  # one session for every report: the packages active on `on` are read once
        owner = uow.commissioners.get(commissioner)
        code, council = owner.code, owner.name
        sections = _sections(uow, commissioner, since, on)
    return Pack(
        commissioner=code,
        council=council,
        since=since,
        on=on,
        produced_at=produced_at,
        sections=sections,
    )


def _sections(uow: UnitOfWork, commissioner: str, since: date, on: date) -> list[Section]:
    sections: list[Section] = []
    for name, report in REPORTS.items():
        if name == VEHICLE_USE:
            for vehicle in structure.list_vehicles(uow):
                if commissioner in vehicle.commissioners and len(vehicle.commissioners) > 1:
                    sections.append(
                        _section(
                            name,
                            report,
                            lambda r=report, v=vehicle.code: r.run(uow, v, on, ""),
                            title=f"{report.title}: {vehicle.code} {vehicle.name}",
                            filters=f"the vehicle {vehicle.code}, every commissioner on it",
                            anchor=f"{name}-{vehicle.code}",
                        )
                    )
        elif report.grouped:
            for by, words in GROUPINGS.items():
                sections.append(
                    _section(
                        name,
                        report,
                        lambda r=report, b=by: r.run(uow, commissioner, on, b),
                        title=f"{report.title} {words}",
                        filters=f"grouped {words}",
                        anchor=f"{name}-{by}",
                    )
                )
        elif report.over is not None:
            over = report.over
            sections.append(_section(name, report, lambda o=over: o(uow, commissioner, since, on)))
        else:
            sections.append(
                _section(name, report, lambda r=report: r.run(uow, commissioner, on, ""))
            )
    return sections


def pack_file(pack: Pack, file_format: str) -> PackFile:
    """The pack as `html` or `pdf`: `committee-pack-HFD-2017-01-01-to-2017-04-01.pdf`."""
    html = as_html(pack)
    stem = f"committee-pack-{pack.commissioner}-{pack.since.isoformat()}-to-{pack.on.isoformat()}"
    if file_format == "pdf":
        return PackFile(as_pdf(html), "application/pdf", f"{stem}.pdf")
    return PackFile(html.encode(), "text/html; charset=utf-8", f"{stem}.html")


def chart_of(name: str, table: Table, *, chart_id: str) -> str | None:
    """The report's chart (from ``CHARTS``, or a bar chart of its first hours or figure
    column), or None when it has no figure to draw."""
    chart = CHARTS.get(name) or _default_chart(table)
    if chart is None:
        return None
    index = _column(table, chart.column)
    if index is None:
        return None
    measure = table.columns[index].measure
    rows = [row for row in table.rows if not row.subtotal and _kept(table, row, chart)]
    points = [
        charts.Point(
            _label(table, row, chart),
            _drawn(row.cells[index], chart),
            text_of(row.cells[index], measure) if row.cells[index] is not None else "none",
        )
        for row in rows[:MOST_BARS]
        if not isinstance(row.cells[index], str)
    ]
    draw = charts.line_chart if chart.kind == "line" else charts.bar_chart
    return draw(f"{chart.title}: {table.commissioner}", points, chart_id=chart_id)


def _section(
    name: str,
    report: Report,
    run: Callable[[], Table],
    *,
    title: str = "",
    filters: str = "",
    anchor: str = "",
) -> Section:
    anchor = anchor or name
    try:
        table = run()
    except DomainError as error:
        return Section(anchor, title or report.title, report.description, None, problem=str(error))
    return Section(
        anchor,
        title or report.title,
        report.description,
        table,
        chart=chart_of(name, table, chart_id=f"chart-{anchor}"),
        filters=filters,
    )


def _drawn(value: object, chart: Chart) -> Decimal:
    """A bar's length is the figure's size (its label keeps the sign: a gap's minus)."""
    figure = Decimal(value or 0)  # type: ignore[arg-type]
    return abs(figure) if chart.kind == "bar" else figure


def _default_chart(table: Table) -> Chart | None:
    figures = [c for c in table.columns if c.measure is not Measure.LABEL]
    hours = [c for c in figures if c.measure is Measure.HOURS]
    chosen = (hours or figures or [None])[0]
    return Chart(chosen.heading, chosen.heading) if chosen else None


def _column(table: Table, heading: str) -> int | None:
    return next((i for i, c in enumerate(table.columns) if c.heading == heading), None)


def _kept(table: Table, row: Row, chart: Chart) -> bool:
    if chart.only is None:
        return True
    index = _column(table, chart.only[0])
    return index is not None and row.cells[index] == chart.only[1]


def _label(table: Table, row: Row, chart: Chart) -> str:
    skip = _column(table, chart.only[0]) if chart.only else None
    return " ".join(
        str(cell)
        for i, (cell, column) in enumerate(zip(row.cells, table.columns, strict=True))
        if column.measure is Measure.LABEL and cell not in (None, "") and i != skip
    )
