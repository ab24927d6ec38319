"""The JSON API, mounted under /api."""

from fastapi import APIRouter

from caremarket.web.api import (
    audit,
    brokerage,
    care,
    contracts,
    cost_of_care,
    ecm,
    market,
    payments,
    procurement,
    reports,
    simulation,
    tenders,
)

router = APIRouter()
router.include_router(market.router)
router.include_router(audit.router)
router.include_router(cost_of_care.router)
router.include_router(reports.router)
router.include_router(brokerage.router)
router.include_router(care.router)
router.include_router(procurement.router)
router.include_router(contracts.router)
router.include_router(tenders.router)
router.include_router(payments.router)
router.include_router(ecm.router)
router.include_router(simulation.router)
