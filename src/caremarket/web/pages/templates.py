"""The one Jinja environment for every page."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.templating import Jinja2Templates


@cache
def templates() -> Jinja2Templates:
    environment = Environment(
        loader=PackageLoader("caremarket.web.pages", "templates"),
        autoescape=select_autoescape(default=True),
    )
    return Jinja2Templates(env=environment)
