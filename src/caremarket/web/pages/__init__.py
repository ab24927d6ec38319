"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import audit, brokerage, home, market, offers, packages, reports, sign_in

router = APIRouter()
for area in (sign_in, home, market, packages, brokerage, offers, reports, audit):
    router.include_router(area.router)
