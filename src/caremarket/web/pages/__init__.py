"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import (
    applications,
    audit,
    brokerage,
    capacity,
    committee_pack,
    contracts,
    cost_of_care,
    dashboard,
    delivering,
    ecm,
    funding,
    home,
    market,
    offers,
    packages,
    payments,
    placing,
    policies,
    provider_status,
    reports,
    requests,
    sign_in,
    simulation,
    suspensions,
    tenders,
    vehicles,
    zones,
)

router = APIRouter()
AREAS = (
    sign_in,
    home,
    dashboard,
    market,
    policies,
    contracts,
    packages,
    placing,
    delivering,
    suspensions,
    funding,
    brokerage,
    requests,
    capacity,
    offers,
    cost_of_care,
    committee_pack,  # /reports/pack, before the reports' /reports/{name}
    reports,
    audit,
    vehicles,
    applications,
    provider_status,
    tenders,
    payments,
    ecm,
    zones,
    simulation,
)
for area in AREAS:
    router.include_router(area.router)
