"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import (
    audit,
    brokerage,
    capacity,
    contracts,
    delivering,
    ecm,
    home,
    market,
    offers,
    packages,
    payments,
    placing,
    policies,
    reports,
    requests,
    sign_in,
    tenders,
)

router = APIRouter()
AREAS = (
    sign_in,
    home,
    market,
    policies,
    contracts,
    packages,
    placing,
    delivering,
    brokerage,
    requests,
    capacity,
    offers,
    reports,
    audit,
    tenders,
    payments,
    ecm,
)
for area in AREAS:
    router.include_router(area.router)
