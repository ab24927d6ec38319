"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import (
    audit,
    brokerage,
    home,
    market,
    offers,
    packages,
    policies,
    reports,
    sign_in,
)

router = APIRouter()
for area in (sign_in, home, market, policies, packages, brokerage, offers, reports, audit):
    router.include_router(area.router)
