"""Sourcing policies: each commissioner's and its lots' own, the presets, and setting one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import MARKET_READERS, POLICY_SETTERS
from caremarket.domain.errors import DomainError, NotFound
from caremarket.services import brokerage, policy_views
from caremarket.services.accounts import Principal
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/market", include_in_schema=False)
PATH = "/market/policies"


@router.get("/policies", response_class=HTMLResponse, dependencies=[allow(*MARKET_READERS)])
def policies(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return render(request, "market/policies.html", _context(uow, by))


@router.post(
    "/policies",
    response_class=HTMLResponse,
    dependencies=[allow(*POLICY_SETTERS), csrf_protected()],
)
def set_policy(request: Request, uow: UowDep, by: PrincipalDep, values: FormDep) -> Response:
    """Set a commissioner's policy (for every lot without its own) from a preset."""
    context = _context(uow, by)
    errors: dict[str, str] = {}
    owners = {c.code: c.name for c in context["commissioners"]}
    presets = {p.code: p.name for p in context["presets"]}
    owner = forms.choice_field(
        values, "commissioner", owners, errors, message="Select a commissioner"
    )
    preset = forms.choice_field(
        values, "preset", presets, errors, message="Select the policy to source packages by"
    )
    if owner is not None and preset is not None:
        try:
            chosen = brokerage.set_policy(uow, owner, preset, by=by.actor, now=datetime.now(UTC))
        except NotFound:
            raise
        except DomainError as error:
            errors["preset"] = str(error)
        else:
            return redirect_with(
                request,
                PATH,
                f"{owners[owner]} now sources packages by the {chosen.code} policy",
                "Packages being sourced already keep the policy they started with.",
            )
    context |= {"errors": errors, "values": values}
    return render(request, "market/policies.html", context, status_code=400)


def _context(uow: UnitOfWork, by: Principal) -> dict[str, Any]:
    commissioners = policy_views.list_policies(uow)
    return {
        "title": "Sourcing policies",
        "commissioners": commissioners,
        "owner_choices": [(c.code, c.name) for c in commissioners],
        "presets": policy_views.list_presets(),
        "may_set": by.actor.role in POLICY_SETTERS,
        "values": {},
    }
