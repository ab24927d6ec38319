"""The committee pack page: choose the commissioner and period, then download the pack as a
printable HTML document or a PDF. Declared before the reports' `/reports/{name}`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import DASHBOARD_READERS
from caremarket.services import market
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import allow
from caremarket.web.committee_pack import committee_pack, pack_file
from caremarket.web.deps import UowDep
from caremarket.web.pages.templates import render
from caremarket.web.report_files import REPORTS, VEHICLE_USE, default_since

router = APIRouter(prefix="/reports/pack", include_in_schema=False)
# The dashboard's readers: the pack names every provider's share, as the dashboard does.
READ = [allow(*DASHBOARD_READERS)]
FORMATS = ("html", "pdf")


@router.get("", response_class=HTMLResponse, dependencies=READ)
def show(request: Request, uow: UowDep) -> HTMLResponse:
    """The form; once it is sent (`commissioner` given) and right, the downloads."""
    chosen = _choose(request, uow)
    return render(
        request, "committee_pack/show.html", chosen, status_code=400 if chosen["errors"] else 200
    )


@router.get("/download", dependencies=READ)
def download(request: Request, uow: UowDep, format: str = "html") -> Response:
    if format not in FORMATS:
        raise HTTPException(404, f"There is no {format} pack: choose html or pdf.")
    chosen = _choose(request, uow)
    if chosen["errors"]:
        return render(request, "committee_pack/show.html", chosen, status_code=400)
    zone = request.app.state.settings.zone
    pack = committee_pack(
        uow,
        commissioner=chosen["values"]["commissioner"],
        since=chosen["since"],
        on=chosen["on"],
        produced_at=datetime.now(zone).replace(tzinfo=None),
    )
    made = pack_file(pack, format)
    headers = {"Content-Disposition": f'attachment; filename="{made.filename}"'}
    return Response(made.content, media_type=made.media_type, headers=headers)


def _choose(request: Request, uow: UnitOfWork) -> dict[str, Any]:
    query = request.query_params
    today = datetime.now(request.app.state.settings.zone).date()
    commissioners = market.list_commissioners(uow)
    values = {
        "commissioner": query.get("commissioner")
        or (commissioners[0].code if commissioners else ""),
        **_date_values(query, "from", default_since(today)),
        **_date_values(query, "to", today),
    }
    errors: dict[str, str] = {}
    if values["commissioner"] not in {c.code for c in commissioners}:
        errors["commissioner"] = "Choose a commissioner from the list"
    since = _day(values, "from", errors)
    on = _day(values, "to", errors)
    if since and on and since > on:
        errors["from"] = "The period's first day must be on or before its last"
    sent = "commissioner" in query
    return {
        "title": "Committee pack",
        "commissioners": [(c.code, c.name) for c in commissioners],
        "values": values,
        "errors": errors,
        "since": since,
        "on": on,
        "ready": sent and not errors,
        "council": dict((c.code, c.name) for c in commissioners).get(values["commissioner"]),
        "contents": [r.title for name, r in REPORTS.items() if name != VEHICLE_USE],
        "query": values,
    }


def _date_values(query: Any, prefix: str, default: date) -> dict[str, str]:
    return {
        f"{prefix}_{part}": query.get(f"{prefix}_{part}", str(getattr(default, part))).strip()
        for part in ("day", "month", "year")
    }


def _day(values: dict[str, str], prefix: str, errors: dict[str, str]) -> date | None:
    parts = (values[f"{prefix}_year"], values[f"{prefix}_month"], values[f"{prefix}_day"])
    if not all(parts):
        errors[prefix] = "Enter a day, month and year"
        return None
    try:
        return date(*(int(p) for p in parts))
    except ValueError:
        errors[prefix] = "The date must be a real date, like 1 4 2025"
        return None
