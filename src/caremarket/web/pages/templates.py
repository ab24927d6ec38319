"""The one Jinja environment for every page: ours first, then GOV.UK Frontend's macros."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader, select_autoescape
from starlette.templating import Jinja2Templates

from caremarket.web.access import find_principal
from caremarket.web.csrf import csrf_token
from caremarket.web.pages import flash, formats
from caremarket.web.pages.navigation import navigation
from caremarket.web.pages.tables import choices, link, radios, table


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
    environment.filters.update(formats.FILTERS)
    environment.globals.update(
        table=table,
        link=link,
        choices=choices,
        radios=radios,
        error_list=error_list,
        field_error=field_error,
    )
    return Jinja2Templates(env=environment)


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """A page, with what every page needs: the signed-in person, the form token, the council,
    the navigation for the person's role, times shown in the local zone, and the message a
    form left for it."""
    principal = find_principal(request)
    settings = request.app.state.settings
    now = datetime.now(UTC)
    base = {
        "principal": principal,
        "csrf_token": csrf_token(request),
        "settings": settings,
        "council": request.app.state.council_name,
        "navigation": navigation(principal.actor.role, request.url.path) if principal else [],
        "when": lambda value: formats.when(value, settings.zone),
        "left": lambda ends_at: formats.time_left(ends_at, now),
        "between": formats.duration,
        "flash": flash.take(request),
        "values": {},
        "errors": {},
    }
    return templates().TemplateResponse(request, name, base | context, status_code=status_code)


def error_list(errors: dict[str, str]) -> list[dict[str, str]]:
    """govukErrorSummary's list: each message links to its field (the field's id)."""
    return [{"text": message, "href": f"#{field}"} for field, message in errors.items()]


def field_error(errors: dict[str, str], field: str) -> dict[str, str] | None:
    """A field's errorMessage param for GOV.UK inputs, or None."""
    return {"text": errors[field]} if field in errors else None
