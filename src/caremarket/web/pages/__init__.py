"""HTML pages, rendered by one Jinja environment."""

from fastapi import APIRouter

from caremarket.web.pages import home, sign_in

router = APIRouter()
router.include_router(sign_in.router)
router.include_router(home.router)
