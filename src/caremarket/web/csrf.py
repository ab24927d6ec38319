"""Cross-site request forgery: every form carries the session's own token, checked on POST.

The synchronizer-token pattern (OWASP): a random token kept in the signed session cookie and
written into each form as a hidden field; a POST whose field does not match is refused. API
calls authenticated by a bearer token carry no cookie and need no token.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Depends, Form, HTTPException, Request
from fastapi.params import Depends as DependsParam

SESSION_KEY = "csrf"
FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The session's token, made on first use (templates call this for every form)."""
    token = request.session.get(SESSION_KEY)
    if not token:
        token = request.session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def _check(request: Request, csrf_token: str = Form("", alias=FIELD)) -> None:  # noqa: B008
    expected = request.session.get(SESSION_KEY, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        raise HTTPException(
            403, "This form has expired or did not come from caremarket. Go back and try again."
        )


def csrf_protected() -> DependsParam:
    return Depends(_check)
