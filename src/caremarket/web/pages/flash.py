"""A message for the next page: after a form succeeds, a redirect (303) to a page that shows
it once in a GOV.UK notification banner. Kept in the signed session cookie."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

KEY = "flash"


def redirect_with(request: Request, url: str, heading: str, text: str = "") -> RedirectResponse:
    request.session[KEY] = {"heading": heading, "text": text}
    return RedirectResponse(url, status_code=303)


def take(request: Request) -> dict[str, str] | None:
    """The message left for this page, if any; it is shown once."""
    if "session" not in request.scope:
        return None
    return request.session.pop(KEY, None)
