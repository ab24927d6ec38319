"""The one Jinja environment for every page: ours first, then GOV.UK Frontend's macros."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape
from starlette.templating import Jinja2Templates

from caremarket.web.access import find_principal
from caremarket.web.csrf import csrf_token


@cache
def templates() -> Jinja2Templates:
    environment = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("caremarket.web.pages", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True),
    )
    return Jinja2Templates(env=environment)


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """A page, with what every page needs: the signed-in person and the form token."""
    base = {
        "principal": find_principal(request),
        "csrf_token": csrf_token(request),
        "settings": request.app.state.settings,
    }
    return templates().TemplateResponse(request, name, base | context, status_code=status_code)
