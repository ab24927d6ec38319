"""The committee pack page: choose the commissioner and period, then download the pack as a
printable HTML document or a PDF. Declared before the reports' `/reports/{name}`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import DASHBOARD_READERS
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import allow
from caremarket.web.committee_pack import committee_pack, pack_file
from caremarket.web.deps import UowDep
from caremarket.web.pages.periods import choose_period
from caremarket.web.pages.templates import render
from caremarket.web.report_files import REPORTS, VEHICLE_USE

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
    chosen = choose_period(request, uow)
    values, errors, since, on = chosen.values, chosen.errors, chosen.since, chosen.on
    sent = "commissioner" in query
    return {
        "title": "Committee pack",
        "commissioners": chosen.commissioners,
        "values": values,
        "errors": errors,
        "since": since,
        "on": on,
        "ready": sent and not errors,
        "council": dict(chosen.commissioners).get(values["commissioner"]),
        "contents": [r.title for name, r in REPORTS.items() if name != VEHICLE_USE],
        "query": values,
    }
