"""The market: commissioners, zones, providers, vehicles and their lots, rate cards."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from caremarket.domain.access import MARKET_READERS
from caremarket.services import market, structure
from caremarket.web.access import allow
from caremarket.web.deps import UowDep
from caremarket.web.pages import provider_status
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/market", include_in_schema=False)
READ = [allow(*MARKET_READERS)]


@router.get("", response_class=HTMLResponse, dependencies=READ)
def commissioners(request: Request, uow: UowDep) -> HTMLResponse:
    """Who commissions, and what the market holds, with a link to each part."""
    vehicles = structure.list_vehicles(uow)
    context = {
        "title": "The market",
        "commissioners": market.list_commissioners(uow),
        "counts": {
            "zones": len(market.list_zones(uow)),
            "providers": len(market.list_providers(uow)),
            "vehicles": len(vehicles),
            "lots": sum(len(v.lots) for v in vehicles),
            "rate_cards": len(structure.list_rate_cards(uow)),
        },
    }
    return render(request, "market/commissioners.html", context)


@router.get("/zones", response_class=HTMLResponse, dependencies=READ)
def zones(request: Request, uow: UowDep) -> HTMLResponse:
    context = {"zones": market.list_zones(uow), "title": "Zones"}
    return render(request, "market/zones.html", context)


@router.get("/providers", response_class=HTMLResponse, dependencies=READ)
def providers(request: Request, uow: UowDep) -> HTMLResponse:
    context = {
        "providers": market.list_providers(uow),
        "placements": structure.provider_placements(uow),
        "status_readers": provider_status.READERS,  # who may follow a name to its status
        "title": "Providers",
    }
    return render(request, "market/providers.html", context)


@router.get("/vehicles", response_class=HTMLResponse, dependencies=READ)
def vehicles(request: Request, uow: UowDep) -> HTMLResponse:
    context = {"vehicles": structure.list_vehicles(uow), "title": "Vehicles and lots"}
    return render(request, "market/vehicles.html", context)


@router.get("/rate-cards", response_class=HTMLResponse, dependencies=READ)
def rate_cards(request: Request, uow: UowDep) -> HTMLResponse:
    context = {"cards": structure.list_rate_cards(uow), "title": "Rate cards"}
    return render(request, "market/rate_cards.html", context)
