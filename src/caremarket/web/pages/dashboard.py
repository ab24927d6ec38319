"""The commissioner's dashboard: the market-intelligence figures at a glance, charts drawn
on the server as SVG (each with its figures in a table beside it), and each figure linked to
the packages or the report behind it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from caremarket.domain.access import DASHBOARD_READERS
from caremarket.reports import charts
from caremarket.reports.render import text_of
from caremarket.reports.tables import Measure, Table
from caremarket.services.dashboard import Dashboard, dashboard
from caremarket.web.access import allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.periods import choose_period
from caremarket.web.pages.templates import render

router = APIRouter(include_in_schema=False)
READ = [allow(*DASHBOARD_READERS)]


@router.get("/dashboard", response_class=HTMLResponse, dependencies=READ)
def show(request: Request, uow: UowDep) -> HTMLResponse:
    """A commissioner (the first, by default) over a period (the 13 weeks to today)."""
    chosen = choose_period(request, uow)
    values, errors, since, on = chosen.values, chosen.errors, chosen.since, chosen.on
    context: dict[str, Any] = {
        "title": "Dashboard",
        "commissioners": chosen.commissioners,
        "values": values,
        "errors": errors,
        "board": None,
    }
    if not errors and since and on:
        context |= _figures(dashboard(uow, commissioner=values["commissioner"], since=since, on=on))
    return render(request, "dashboard/show.html", context, status_code=400 if errors else 200)


def _figures(board: Dashboard) -> dict[str, Any]:
    """What the page shows: key figures, and each chart with its table and links."""
    who = board.commissioner
    on_day = {
        "commissioner": who,
        "day": board.on.day,
        "month": board.on.month,
        "year": board.on.year,
    }
    period = on_day | {
        "from_day": board.since.day,
        "from_month": board.since.month,
        "from_year": board.since.year,
    }
    own = board.concentration.rows[0].cells
    waiting = board.waiting.rows
    all_rounds = board.time_to_source.totals.cells if board.time_to_source.totals else ()
    delays = board.delays.totals.cells if board.delays.totals else ()
    given = board.hand_backs.totals.cells if board.hand_backs.totals else ()
    answered = board.responses.totals.cells if board.responses.totals else ()
    key = [
        _key("Top 10 providers' share of hours", own[4], Measure.PERCENT,
             _link("/reports/concentration", on_day), "concentration"),
        _key("Herfindahl–Hirschman index", own[5], Measure.INDEX,
             _link("/reports/concentration", on_day), "concentration"),
        _key("People waiting at the last snapshot", waiting[-1].cells[1] if waiting else None,
             Measure.COUNT, _link("/packages", {"commissioner": who, "status": "waiting"}),
             "the waiting packages"),
        _key("Median hours from request to award", all_rounds[6] if all_rounds else None,
             Measure.TENTHS, _link("/reports/time-to-source", period), "time to source"),
        _key("Delay days awaiting a package of care", delays[2] if delays else None,
             Measure.COUNT, _link("/reports/delayed-discharges", period), "delayed discharges"),
        _key("Hand-backs", given[1] if given else None, Measure.COUNT,
             _link("/reports/hand-backs", period), "hand-backs and exits"),
        _key("Offers answered within the contract's target",
             answered[-1] if answered else None, Measure.PERCENT,
             _link("/reports/response-times", period), "response times"),
        _key("Paid for the period's visits (approved runs)",
             board.spend.totals.cells[-1] if board.spend.totals and board.spend.rows else None,
             Measure.POUNDS, _link("/reports/spend-by-funder", period), "spend by funder"),
        _key("Planned hours delivered",
             board.delivery.totals.cells[-1] if board.delivery.totals else None,
             Measure.PERCENT, _link("/reports/delivered-hours", period),
             "delivered and planned hours"),
    ]  # fmt: skip
    return {
        "board": board,
        "period": period,
        "key": key,
        "charts": [
            _providers_chart(board),
            _waiting_chart(board),
            _delays_chart(board, period),
            _sourcing_chart(board),
            _cost_gap_chart(board),
            _spend_chart(board, period),
            _delivery_chart(board, period),
        ],
    }


def _providers_chart(board: Dashboard) -> dict[str, Any]:
    points = [
        charts.Point(s.provider, s.share, text_of(s.share, Measure.PERCENT))
        for s in board.top_providers
    ]
    drill = {"commissioner": board.commissioner, "status": "active"}
    rows = [
        [
            {"html": _anchor(s.provider, "/packages", {**drill, "provider": s.provider})},
            {"text": text_of(Decimal(s.minutes) / 60, Measure.HOURS), "format": "numeric"},
            {"text": text_of(s.share, Measure.PERCENT), "format": "numeric"},
        ]
        for s in board.top_providers
    ]  # fmt: skip
    title = f"The largest providers' share of weekly hours on {_long(board.on)}"
    return {
        "id": "providers",
        "title": title,
        "svg": Markup(charts.bar_chart(title, points, chart_id="chart-providers")),
        "head": [{"text": "Provider"}, {"text": "Hours a week", "format": "numeric"},
                 {"text": "Share", "format": "numeric"}],
        "rows": rows,
        "note": board.concentration.notes[0],
    }  # fmt: skip


def _waiting_chart(board: Dashboard) -> dict[str, Any]:
    table = board.waiting
    points = [charts.Point(r.cells[0], _number(r.cells[1]), text_of(r.cells[1], Measure.COUNT))
              for r in table.rows]  # fmt: skip
    title = "People waiting at each weekly snapshot"
    return {
        "id": "waiting",
        "title": title,
        "svg": Markup(charts.line_chart(title, points, chart_id="chart-waiting")),
        **_table_of(table),
        "note": " ".join(table.notes[1:]) or table.notes[0],
    }


def _delays_chart(board: Dashboard, period: dict[str, object]) -> dict[str, Any]:
    """Delay days by week; each week opens the report narrowed to it, with the packages."""
    table = board.delays
    points = [
        charts.Point(f"Week of {r.cells[0]}", _number(r.cells[2]), f"{r.cells[2]} days")
        for r in table.rows
    ]
    title = "Delay days awaiting a package of care, by week"
    return {
        "id": "delays",
        "title": title,
        "svg": Markup(charts.bar_chart(title, points, chart_id="chart-delays")),
        **_table_of(table),
        "rows": [
            [
                {
                    "html": _anchor(
                        str(r.cells[0]),
                        "/reports/delayed-discharges",
                        period | {"week": r.cells[0]},
                    )
                },
                *(_cell(v, c.measure) for v, c in zip(r.cells[1:], table.columns[1:], strict=True)),
            ]
            for r in table.rows
        ],  # fmt: skip
        "note": table.notes[0],
    }


def _sourcing_chart(board: Dashboard) -> dict[str, Any]:
    rows = [r for r in board.time_to_source.rows if r.cells[0] == "Zone"]
    points = [
        charts.Point(f"Zone {r.cells[1]}", _number(r.cells[6]), text_of(r.cells[6], Measure.TENTHS)
                     + " hours")
        for r in rows
        if r.cells[6] is not None
    ]  # fmt: skip
    columns = board.time_to_source.columns
    picked = (1, 2, 3, 6, 7)
    title = "Median hours from request to award, by zone"
    return {
        "id": "sourcing",
        "title": title,
        "svg": Markup(charts.bar_chart(title, points, chart_id="chart-sourcing")),
        "head": [_heading(columns[i].heading, columns[i].measure) for i in picked],
        "rows": [
            [
                {"html": _anchor(f"Zone {r.cells[1]}", "/packages",
                                 {"commissioner": board.commissioner, "zone": r.cells[1]})},
                *(_cell(r.cells[i], columns[i].measure) for i in picked[1:]),
            ]
            for r in rows
        ],
        "note": board.time_to_source.notes[1],
    }  # fmt: skip


def _cost_gap_chart(board: Dashboard) -> dict[str, Any]:
    """The gap an hour between the commissioned rate and the cost-of-care model's, by zone:
    a bar's length is the gap's size, its figure signed (a minus is a shortfall)."""
    active = [g for g in board.cost_gaps if g.gap_per_hour is not None]
    points = [
        charts.Point(f"Zone {g.code}", abs(g.gap_per_hour), _signed_pounds(g.gap_per_hour))
        for g in active
        if g.gap_per_hour is not None
    ]
    title = "The gap an hour between the commissioned rate and the cost of care, by zone"
    query = {"commissioner": board.commissioner, "status": "active"}
    return {
        "id": "cost-of-care",
        "title": title,
        "svg": Markup(charts.bar_chart(title, points, chart_id="chart-cost-of-care")),
        "head": [
            {"text": "Zone"},
            *(_heading(h, Measure.PENCE) for h in ("Hours a week", "Cost of care an hour",
                                                     "Commissioned an hour", "Gap an hour",
                                                     "Gap a year")),
        ],
        "rows": [
            [
                {"html": _anchor(f"Zone {g.code}", "/packages", query | {"zone": g.code})},
                _cell(g.weekly_hours, Measure.HOURS),
                _cell(g.model_rate, Measure.PENCE),
                _cell(g.commissioned_rate, Measure.PENCE),
                {"text": _signed_pounds(g.gap_per_hour), "format": "numeric"},
                {"text": _signed_pounds(g.annual_gap, pence=False), "format": "numeric"},
            ]
            for g in active
        ],
        "note": "The cost-of-care scenario in force on the day (or the model's defaults), beside"
        " the rate card's rates for the care active in each zone; a minus is a shortfall. "
        + _anchor("The cost-of-care report", "/reports/cost-of-care",
                  {"commissioner": board.commissioner, "day": board.on.day,
                   "month": board.on.month, "year": board.on.year}),
    }  # fmt: skip


def _spend_chart(board: Dashboard, period: dict[str, object]) -> dict[str, Any]:
    """What the approved runs paid for the period's visits, a bar per funder."""
    table = board.spend
    funders = table.columns[2:-1]
    totals = table.totals.cells[2:-1] if table.totals else ()
    points = [
        charts.Point(c.heading, _number(v), text_of(v, Measure.PENCE))
        for c, v in zip(funders, totals, strict=True)
    ]
    title = "Paid for the period's visits by funder (approved payment runs)"
    return {
        "id": "spend",
        "title": title,
        "svg": Markup(charts.bar_chart(title, points, chart_id="chart-spend")),
        "head": [{"text": "Funder"}, _heading("Paid", Measure.PENCE)],
        "rows": [
            [{"text": c.heading}, _cell(v, Measure.PENCE)]
            for c, v in zip(funders, totals, strict=True)
        ],
        "note": " ".join(table.notes[1:3])
        + " "
        + _anchor("Spend by provider, zone, week and run", "/reports/spend-by-funder", period),
    }


def _delivery_chart(board: Dashboard, period: dict[str, object]) -> dict[str, Any]:
    """Delivered hours as a share of planned, a bar per provider, each provider linked to
    its active packages."""
    table = board.delivery
    rows = [r for r in table.rows if r.cells[0] == "Provider"]
    points = [
        charts.Point(str(r.cells[1]), _number(r.cells[-1]), text_of(r.cells[-1], Measure.PERCENT))
        for r in rows
        if r.cells[-1] is not None
    ]
    picked = (3, 4, 5, 7, 9)
    columns = table.columns
    drill = {"commissioner": board.commissioner, "status": "active"}
    title = "Planned hours delivered, by provider"
    return {
        "id": "delivery",
        "title": title,
        "svg": Markup(charts.bar_chart(title, points, chart_id="chart-delivery")),
        "head": [{"text": "Provider"}, *(_heading(columns[i].heading, columns[i].measure)
                                         for i in picked)],
        "rows": [
            [
                {"html": _anchor(str(r.cells[1]), "/packages", drill | {"provider": r.cells[1]})},
                *(_cell(r.cells[i], columns[i].measure) for i in picked),
            ]
            for r in rows
        ],
        "note": table.notes[0] + " "
        + _anchor("By provider, zone and week", "/reports/delivered-hours", period),
    }  # fmt: skip


def _signed_pounds(amount: Decimal | None, *, pence: bool = True) -> str:
    if amount is None:
        return ""
    shown = text_of(abs(amount), Measure.PENCE if pence else Measure.POUNDS)
    return ("−" if amount < 0 else "") + shown


def _table_of(table: Table) -> dict[str, Any]:
    return {
        "head": [_heading(c.heading, c.measure) for c in table.columns],
        "rows": [
            [_cell(cell, c.measure) for cell, c in zip(r.cells, table.columns, strict=True)]
            for r in table.rows
        ],
    }


def _heading(text: str, measure: Measure) -> dict[str, str]:
    return {"text": text} | ({} if measure is Measure.LABEL else {"format": "numeric"})


def _cell(value: object, measure: Measure) -> dict[str, str]:
    shown = "" if value is None else text_of(value, measure)  # type: ignore[arg-type]
    return {"text": shown} | ({} if measure is Measure.LABEL else {"format": "numeric"})


def _key(label: str, value: object, measure: Measure, href: str, behind: str) -> dict[str, str]:
    shown = "None yet" if value is None else text_of(value, measure)  # type: ignore[arg-type]
    return {"label": label, "value": shown, "href": href, "behind": behind}


def _link(path: str, query: dict[str, object]) -> str:
    return f"{path}?{urlencode(query)}"


def _anchor(text: str, path: str, query: dict[str, object]) -> Markup:
    return Markup('<a class="govuk-link" href="{}">{}</a>').format(_link(path, query), text)


def _number(value: object) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)  # type: ignore[arg-type]


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
