"""A vehicle's page: its kind, commissioners, admission rules (open today or when next), each
lot with its members, and the applications waiting on it; the forms that set its admission and
the zones each lot covers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import MARKET_READERS, POLICY_SETTERS, STAFF, Role
from caremarket.domain.procurement import (
    Admission,
    AdmissionMode,
    AdmissionRules,
    AdmissionWindow,
    InvalidAdmission,
)
from caremarket.services import admission_views, applications, contracts, lot_zones, structure
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/market/vehicles", include_in_schema=False)
MODES = {
    AdmissionMode.ALWAYS_OPEN.value: "Always open (a dynamic market)",
    AdmissionMode.WINDOWS.value: "Open in set windows (for example, quarterly)",
    AdmissionMode.CLOSED.value: "Closed (a closed framework)",
}
_WINDOW = re.compile(r"^\s*(\S+)\s+(?:to|-|–)\s+(\S+)\s*$")
LIST_LENGTH = 2000  # the windows or the documents, a line each


@router.get("/{code}", response_class=HTMLResponse, dependencies=[allow(*MARKET_READERS)])
def vehicle(request: Request, uow: UowDep, by: PrincipalDep, code: str) -> HTMLResponse:
    page = admission_views.vehicle_page(uow, code, viewer=by.actor, today=_today(request))
    context = {
        "title": f"{page.vehicle.name} ({page.vehicle.code})",
        "page": page,
        "term": contracts.term_of(uow, code),
        "may_set": by.actor.role in POLICY_SETTERS,
        "staff": by.actor.role in STAFF,
        "may_apply": by.actor.role is Role.PROVIDER,
        "modes": MODES,
    }
    return render(request, "market/vehicle.html", context)


@router.get("/{code}/admission", response_class=HTMLResponse, dependencies=[allow(*POLICY_SETTERS)])
def admission_form(request: Request, uow: UowDep, code: str) -> HTMLResponse:
    shown = admission_views.admission_view(uow, code, today=_today(request))
    values = {
        "mode": shown.mode.value,
        "windows": "\n".join(
            f"{_short(w.opens_on)} to {_short(w.closes_on)}" for w in shown.windows
        ),
        "inadequate_allowed": "yes" if shown.inadequate_allowed else "",
        "required_documents": "\n".join(shown.required_documents),
    }
    if shown.insured_until:
        values |= _date_values("insured_until", shown.insured_until)
    return _form(request, uow, code, values, {})


@router.post(
    "/{code}/admission",
    response_class=HTMLResponse,
    dependencies=[allow(*POLICY_SETTERS), csrf_protected()],
)
def set_admission(
    request: Request, uow: UowDep, by: PrincipalDep, code: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    mode = forms.choice_field(
        values, "mode", MODES, errors, message="Select when providers may apply"
    )
    windows = _windows(values, errors) if mode == AdmissionMode.WINDOWS.value else ()
    documents = forms.note_field(
        values, "required_documents", errors, what="the documents", length=LIST_LENGTH
    )
    insured_until = forms.date_field(
        values, "insured_until", errors, what="the day insurance must cover", required=False
    )
    if mode is not None and not errors:
        try:
            rules = AdmissionRules(
                Admission(AdmissionMode(mode), windows),
                inadequate_allowed=forms.checked(values, "inadequate_allowed"),
                required_documents=frozenset(_lines(documents)),
                insured_until=insured_until,
            )
        except InvalidAdmission as error:
            errors["windows" if "window" in str(error) else "mode"] = forms.sentence(str(error))
        else:
            applications.set_admission(uow, code, rules, by=by.actor, now=datetime.now(UTC))
            shown = admission_views.admission_view(uow, code, today=_today(request))
            return redirect_with(
                request,
                f"/market/vehicles/{code}",
                f"The admission rules of {code} are set",
                f"Today it is {shown.description}.",
            )
    return _form(request, uow, code, values, errors, status=400)


@router.get(
    "/{code}/lots/{lot}/zones", response_class=HTMLResponse, dependencies=[allow(*POLICY_SETTERS)]
)
def zones_form(request: Request, uow: UowDep, code: str, lot: str) -> HTMLResponse:
    shown = lot_zones.lot_zones(uow, code, lot)
    values = {f"zone-{key}": "yes" for key in shown.chosen}
    return _zones_form(request, shown, values, {})


@router.post(
    "/{code}/lots/{lot}/zones",
    response_class=HTMLResponse,
    dependencies=[allow(*POLICY_SETTERS), csrf_protected()],
)
def set_zones(
    request: Request, uow: UowDep, by: PrincipalDep, code: str, lot: str, values: FormDep
) -> Response:
    """Re-point the lot: the zones ticked, at least one."""
    errors: dict[str, str] = {}
    chosen = [name[len("zone-") :] for name, value in values.items() if name.startswith("zone-")]
    if not chosen:
        errors["zones"] = "Select at least one zone for the lot to cover"
    else:
        done, _ = forms.attempt(
            errors,
            "zones",
            lambda: lot_zones.set_lot_zones(
                uow, code, lot, chosen, by=by.actor, now=datetime.now(UTC)
            ),
        )
        if done is not None:
            return redirect_with(
                request,
                f"/market/vehicles/{code}",
                f"Lot {done.lot} covers zone{'s' if len(done.chosen) > 1 else ''}"
                f" {', '.join(done.chosen)}",
                "Packages in these zones are offered in the lot from now on; offers already"
                " made and packages already placed are kept.",
            )
    shown = lot_zones.lot_zones(uow, code, lot)
    return _zones_form(request, shown, values, errors, status=400)


def _zones_form(
    request: Request,
    shown: lot_zones.LotZones,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "title": f"Zones of lot {shown.lot}",
        "shown": shown,
        "values": values,
        "errors": errors,
    }
    return render(request, "market/lot_zones.html", context, status_code=status)


def _form(
    request: Request,
    uow: UnitOfWork,
    code: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": f"Admission to {code}",
        "vehicle": structure.get_vehicle(uow, code),
        "modes": MODES,
        "values": values,
        "errors": errors,
    }
    return render(request, "market/admission.html", context, status_code=status)


def _windows(values: dict[str, str], errors: dict[str, str]) -> tuple[AdmissionWindow, ...]:
    text = forms.note_field(values, "windows", errors, what="the windows", length=LIST_LENGTH)
    windows = []
    for line in _lines(text):
        match = _WINDOW.match(line)
        days = [_day(match.group(1)), _day(match.group(2))] if match else [None]
        if None in days:
            errors["windows"] = (
                f"Write each window as its first and last day, like 1/4/2027 to 14/4/2027"
                f" (not {line!r})"
            )
            return ()
        try:
            windows.append(AdmissionWindow(days[0], days[1]))  # type: ignore[arg-type]
        except InvalidAdmission as error:
            errors["windows"] = forms.sentence(str(error))
            return ()
    return tuple(windows)


def _day(text: str) -> date | None:
    try:
        if "/" in text:
            day, month, year = (int(p) for p in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _short(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _date_values(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def _today(request: Request) -> date:
    return datetime.now(request.app.state.settings.zone).date()
