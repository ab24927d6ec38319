"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import audit, home, market, packages, reports, sign_in

router = APIRouter()
for area in (sign_in, home, market, packages, reports, audit):
    router.include_router(area.router)
