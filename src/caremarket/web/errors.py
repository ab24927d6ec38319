"""Errors in one stable shape: {"error": code, "detail": text, "fields": {...}}."""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from caremarket.domain.cost_of_care import InvalidCostInputs
from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.procurement import ApplicationNotAdmissible
from caremarket.domain.simulation_runs import InvalidSavedScenario
from caremarket.web.access import SignInRequired, sign_in_url
from caremarket.web.pages.templates import render


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(SignInRequired, _sign_in_required)


def error_body(code: str, detail: str, fields: dict[str, str] | None = None) -> dict:
    return {"error": code, "detail": detail, "fields": fields or {}}


def error_code(error: Exception) -> str:
    """'UnknownPostcode' -> 'unknown_postcode'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


async def _domain_error(request: Request, error: Exception) -> Response:
    status = 404 if isinstance(error, NotFound) else 409 if isinstance(error, Conflict) else 422
    if _is_page(request):
        return _error_page(request, status, str(error))
    return JSONResponse(
        error_body(error_code(error), str(error), _fields_of(error)), status_code=status
    )


def _fields_of(error: Exception) -> dict[str, str]:
    """Every problem of a refused application, by the rule it breaks; of refused cost-of-care
    inputs, by the input."""
    if isinstance(error, InvalidCostInputs | InvalidSavedScenario):
        return dict(error.problems)
    if not isinstance(error, ApplicationNotAdmissible):
        return {}
    fields: dict[str, list[str]] = {}
    for problem in error.problems:
        fields.setdefault(problem.rule, []).append(problem.reason)
    return {rule: "; ".join(reasons) for rule, reasons in fields.items()}


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = {".".join(str(p) for p in e["loc"][1:]) or "body": e["msg"] for e in error.errors()}
    return JSONResponse(
        error_body("invalid_request", "Some of what was sent is not valid.", fields),
        status_code=422,
    )


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if _is_page(request) and error.status_code in PAGES:
        return _error_page(request, error.status_code, str(error.detail))
    code = HTTP_CODES.get(error.status_code, "http_error")
    headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
    return JSONResponse(
        error_body(code, str(error.detail)), status_code=error.status_code, headers=headers
    )


async def _sign_in_required(request: Request, error: Exception) -> RedirectResponse:
    assert isinstance(error, SignInRequired)
    return RedirectResponse(sign_in_url(error.next_url), status_code=303)


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith(("/api", "/assets"))


def _error_page(request: Request, status: int, detail: str) -> Response:
    return render(request, f"errors/{status}.html", {"detail": detail}, status_code=status)


PAGES = (403, 404)  # statuses with a page of their own; others answer as the API does
HTTP_CODES = {
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}
