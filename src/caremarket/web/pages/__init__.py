"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import home

router = APIRouter()
router.include_router(home.router)
