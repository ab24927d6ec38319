"""The JSON API, mounted under /api."""

from fastapi import APIRouter

from caremarket.web.api import market

router = APIRouter()
router.include_router(market.router)
