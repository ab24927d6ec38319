"""Signing in and out."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from caremarket.services import accounts
from caremarket.web.access import SESSION_KEY, public
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages.templates import render

router = APIRouter()


@router.get("/sign-in", response_class=HTMLResponse, dependencies=[public()])
def sign_in_form(request: Request, next: str = "/") -> Response:
    return render(request, "sign_in.html", {"next": safe_next(next), "errors": {}, "email": ""})


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[public(), csrf_protected()])
def sign_in(
    request: Request,
    uow: UowDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    errors = {}
    if not email.strip():
        errors["email"] = "Enter your e-mail address"
    if not password:
        errors["password"] = "Enter your password"
    if not errors:
        try:
            principal = accounts.sign_in(uow, email=email, password=password, now=datetime.now(UTC))
        except (accounts.SignInFailed, accounts.AccountLocked) as error:
            errors["email"] = str(error)
        else:
            request.session.clear()  # a new session on sign-in: no fixation
            request.session[SESSION_KEY] = principal.email
            return RedirectResponse(safe_next(next), status_code=303)
    context = {"next": safe_next(next), "errors": errors, "email": email}
    return render(request, "sign_in.html", context, status_code=400)


@router.post("/sign-out", dependencies=[public(), csrf_protected()])
def sign_out(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/sign-in", status_code=303)


def safe_next(target: str) -> str:
    """Only ever go back to a page of this site after signing in (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
