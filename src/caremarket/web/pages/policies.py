"""Sourcing policies: each commissioner's and its lots' own, the presets, and setting one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import MARKET_READERS, POLICY_SETTERS
from caremarket.domain.errors import DomainError, NotFound
from caremarket.services import brokerage, policy_views, structure
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
EVERY_LOT = ""  # the lot field's value for the commissioner's own policy


@router.get("/policies", response_class=HTMLResponse, dependencies=[allow(*MARKET_READERS)])
def policies(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return render(request, "market/policies.html", _context(uow, by))


@router.post(
    "/policies",
    response_class=HTMLResponse,
    dependencies=[allow(*POLICY_SETTERS), csrf_protected()],
)
def set_policy(request: Request, uow: UowDep, by: PrincipalDep, values: FormDep) -> Response:
    """Set a commissioner's policy from a preset: for every lot without its own, or for one
    of its lots."""
    context = _context(uow, by)
    errors: dict[str, str] = {}
    owners = {c.code: c.name for c in context["commissioners"]}
    presets = {p.code: p.name for p in context["presets"]}
    lots: dict[str, Lot] = context["lots"]
    owner = forms.choice_field(
        values, "commissioner", owners, errors, message="Select a commissioner"
    )
    where = forms.choice_field(
        values, "lot", {EVERY_LOT: ""} | lots, errors, message="Select the lots it is for"
    )
    preset = forms.choice_field(
        values, "preset", presets, errors, message="Select the policy to source packages by"
    )
    lot = lots.get(where or EVERY_LOT)
    if owner is not None and lot is not None and owner not in lot.commissioners:
        errors["lot"] = f"Lot {lot.label} is not one {owners[owner]} commissions care through"
    if owner is not None and preset is not None and not errors:
        try:
            chosen = brokerage.set_policy(
                uow,
                owner,
                preset,
                lot=(lot.vehicle, lot.code) if lot else None,
                by=by.actor,
                now=datetime.now(UTC),
            )
        except NotFound:
            raise
        except DomainError as error:
            errors["preset"] = str(error)
        else:
            packages = f"packages in lot {lot.label}" if lot else "packages"
            return redirect_with(
                request,
                PATH,
                f"{owners[owner]} now sources {packages} by the {chosen.code} policy",
                "Packages being sourced already keep the policy they started with.",
            )
    context |= {"errors": errors, "values": values}
    return render(request, "market/policies.html", context, status_code=400)


@dataclass(frozen=True)
class Lot:
    """A lot a policy may be set for, as the form offers it."""

    vehicle: str
    code: str
    name: str
    commissioners: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.vehicle} / {self.code}"


def _context(uow: UnitOfWork, by: Principal) -> dict[str, Any]:
    commissioners = policy_views.list_policies(uow)
    lots = {
        f"{v.code}/{lot.code}": Lot(v.code, lot.code, lot.name, v.commissioners)
        for v in structure.list_vehicles(uow)
        for lot in v.lots
    }
    return {
        "title": "Sourcing policies",
        "commissioners": commissioners,
        "owner_choices": [(c.code, c.name) for c in commissioners],
        "lots": lots,
        "lot_choices": [(EVERY_LOT, "Every lot without a policy of its own")]
        + [(key, f"{lot.label}: {lot.name}") for key, lot in lots.items()],
        "presets": policy_views.list_presets(),
        "may_set": by.actor.role in POLICY_SETTERS,
        "values": {},
    }
