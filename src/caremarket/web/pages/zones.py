"""Zone map: a commissioner's zones drawn over the ward boundaries, with each zone's figures
(clients, hours, cost, travel, viable providers, the cost-of-care rate) in a table beside it;
the same map as an SVG image for reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import REPORT_READERS
from caremarket.reports.zone_map import COLOURS, zone_map_svg
from caremarket.reports.zone_options import zones_table
from caremarket.services import market, zone_design
from caremarket.web.access import allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.cost_of_care import _today
from caremarket.web.pages.reports import _head, _rows
from caremarket.web.pages.templates import render

router = APIRouter(include_in_schema=False)
READ = [allow(*REPORT_READERS)]
PATH = "/zones/map"


@router.get(PATH, response_class=HTMLResponse, dependencies=READ)
def zone_map(request: Request, uow: UowDep) -> HTMLResponse:
    """The chosen commissioner's zones over the wards, and their figures."""
    context = _chosen(request, uow)
    if context["found"] is not None:
        found: zone_design.CurrentMap = context["found"]
        table = zones_table(found.option, area=found.commissioner, on=context["on"])
        zones = found.option.design.zones
        context |= {
            "svg": zone_map_svg(found.study.wards, zones, title=_title(found)),
            "head": _head(table),
            "rows": _rows(table),
            "notes": table.notes,
            "key": [
                (z, COLOURS[n % len(COLOURS)], len(w)) for n, (z, w) in enumerate(zones.items())
            ],
            "contiguous": found.option.contiguous,
            "viable": found.option.viable,
        }
    return render(request, "zones/map.html", context)


@router.get(f"{PATH}.svg", dependencies=READ)
def zone_map_image(request: Request, uow: UowDep) -> Response:
    """The same map as an SVG image (for reports)."""
    context = _chosen(request, uow)
    found = context["found"]
    if found is None:  # an image still, saying so, for a report that embeds it
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 40" role="img">'
            "<title>No zone map</title>"
            '<text x="8" y="24" font-family="Arial, sans-serif" font-size="14">'
            "No zone map for this commissioner</text></svg>"
        )
    else:
        svg = zone_map_svg(found.study.wards, found.option.design.zones, title=_title(found))
    return Response(svg, media_type="image/svg+xml")


def _title(found: zone_design.CurrentMap) -> str:
    return f"{found.commissioner}: {len(found.option.zones)} zones over the wards"


def _chosen(request: Request, uow: UowDep) -> dict[str, Any]:
    commissioners = market.list_commissioners(uow)
    codes = [c.code for c in commissioners]
    wanted = request.query_params.get("commissioner", "")
    code = wanted if wanted in codes else (codes[0] if codes else "")
    on: date = _today(request)
    found = zone_design.current_map(uow, commissioner=code, on=on) if code else None
    scheduled = zone_design.scheduled_designs(uow, commissioner=code) if code else []
    return {
        "title": "Zone map",
        "commissioner": code,
        "commissioners": [(c.code, c.name) for c in commissioners],
        "on": on,
        "found": found,
        "scheduled": [
            {
                "name": design.name,
                "day": design.effective_from,
                "zones": len(design.sectors),
                "decisions": [
                    f"{d.lot}: {d.why}" if d.lot else d.why[:1].upper() + d.why[1:]
                    for d in decisions
                ],
            }
            for design, decisions in scheduled
        ],
    }
