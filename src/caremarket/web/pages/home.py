"""The index: what is in this caremarket, and where its API lives."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from caremarket.domain.access import EVERYONE
from caremarket.services import market
from caremarket.web.access import allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.templates import render

router = APIRouter()


@router.get(
    "/", response_class=HTMLResponse, include_in_schema=False, dependencies=[allow(*EVERYONE)]
)
def index(request: Request, uow: UowDep) -> HTMLResponse:
    return render(
        request,
        "index.html",
        {
            "commissioners": market.list_commissioners(uow),
            "zones": market.list_zones(uow),
            "providers": market.list_providers(uow),
        },
    )
