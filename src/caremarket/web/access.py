"""Who may use a route. Every route declares a rule; a test reads them all from the app.

    @router.get("/packages", dependencies=[allow(*STAFF)])      # signed-in staff
    def packages(principal: PrincipalDep): ...                   # the rule's principal

A request is signed in by a session cookie (people) or an ``Authorization: Bearer`` token
(systems). Not signed in: 401 for the API, a redirect to the sign-in page for pages. Signed
in without the role: 403. Whether a provider may see one particular object is for the
services to say, and they say 404 (another provider's package does not exist for you).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.params import Depends as DependsParam

from caremarket.domain.access import Role
from caremarket.services import accounts
from caremarket.services.accounts import Principal
from caremarket.web.deps import get_uow

SESSION_KEY = "email"


class SignInRequired(Exception):
    """Raised for pages: the handler redirects to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


def find_principal(request: Request) -> Principal | None:
    """The person or system behind a request, looked up once per request."""
    if hasattr(request.state, "principal"):
        return request.state.principal
    principal = None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        principal = accounts.authenticate_token(get_uow(request), header[7:].strip())
    elif email := request.session.get(SESSION_KEY):
        principal = accounts.principal_for(get_uow(request), email)
        if principal is None:
            request.session.clear()
    request.state.principal = principal
    return principal


def allow(*roles: Role) -> DependsParam:
    """A route rule: signed in, with one of these roles."""
    allowed = frozenset(roles)

    def rule(request: Request) -> Principal:
        principal = find_principal(request)
        if principal is None:
            if request.url.path.startswith("/api"):
                raise HTTPException(
                    401, "Sign in, or send an API token as `Authorization: Bearer`."
                )
            raise SignInRequired(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
        if principal.actor.role not in allowed:
            raise HTTPException(403, "Your role does not allow this.")
        return principal

    rule.allowed_roles = allowed  # type: ignore[attr-defined]
    return Depends(rule)


def public() -> DependsParam:
    """A route rule: anyone, signed in or not (sign-in page, health, static files)."""

    def rule(request: Request) -> Principal | None:
        return find_principal(request)

    rule.allowed_roles = None  # type: ignore[attr-defined]
    return Depends(rule)


def route_rule(dependencies: Iterable[Any]) -> frozenset[Role] | None | bool:
    """The roles a route's rule allows (None: public); False when it declares no rule."""
    for dependency in dependencies:
        call: Callable[..., Any] | None = getattr(dependency, "call", None) or getattr(
            dependency, "dependency", None
        )
        if call is not None and hasattr(call, "allowed_roles"):
            return call.allowed_roles
    return False


def sign_in_url(next_url: str) -> str:
    return f"/sign-in?next={quote(next_url, safe='/')}"


def principal_of(request: Request) -> Principal:
    """The principal a route's rule has already found."""
    principal = find_principal(request)
    assert principal is not None, "principal_of() on a route without an allow() rule"
    return principal


PrincipalDep = Annotated[Principal, Depends(principal_of)]
