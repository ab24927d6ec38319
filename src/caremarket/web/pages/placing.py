"""A broker's actions on a package while it is placed: start sourcing it, bridge it with
short-term care, or let the person buy their own care with a direct payment instead.

Started or ended from the package's page, a refusal is shown above it; placing a bridge and a
direct payment have pages of their own, which show their refusals.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERS
from caremarket.domain.discharge import BRIDGE_DAYS
from caremarket.services import brokerage, discharges, market
from caremarket.services.accounts import Principal
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import formats, forms
from caremarket.web.pages.brokerage import begin_sourcing, told
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.packages import ACTIONS, render_package
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/packages", include_in_schema=False)
READ = [allow(*BROKERS)]
ACT = [allow(*BROKERS), csrf_protected()]
PLACING = "placing"  # the section of a form's page that a refusal links to
DAYS = {str(n): f"{n} working day{'s' if n > 1 else ''}" for n in BRIDGE_DAYS}


@router.post("/{reference}/sourcing", response_class=HTMLResponse, dependencies=ACT)
def start_sourcing(
    request: Request, uow: UowDep, week: WeekDep, by: PrincipalDep, reference: str
) -> Response:
    sourcing, refusal, status = begin_sourcing(uow, week, by, reference)
    if sourcing is None:
        errors = {ACTIONS: refusal}
        return render_package(request, uow, by, reference, errors=errors, status=status)
    return redirect_with(
        request, f"/packages/{reference}", f"Sourcing started for {reference}", told(sourcing)
    )


@router.get("/{reference}/bridging", response_class=HTMLResponse, dependencies=READ)
def bridging_form(request: Request, uow: UowDep, by: PrincipalDep, reference: str) -> Response:
    return _bridging(request, uow, by, reference)


@router.post("/{reference}/bridging", response_class=HTMLResponse, dependencies=ACT)
def place_bridging(
    request: Request,
    uow: UowDep,
    week: WeekDep,
    by: PrincipalDep,
    reference: str,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    service = forms.text_field(values, "service", errors, what="the bridging service", length=200)
    starts_on = forms.date_field(values, "starts_on", errors, what="the date bridging starts")
    days = forms.choice_field(
        values, "working_days", DAYS, errors, message="Select how many working days it lasts"
    )
    if service is None or starts_on is None or days is None or errors:
        return _bridging(request, uow, by, reference, values, errors, status=400)
    ends_on, status = forms.attempt(
        errors,
        PLACING,
        lambda: discharges.place_bridging(
            uow,
            reference,
            service=service,
            starts_on=starts_on,
            working_days=int(days),
            by=by.actor,
            now=datetime.now(UTC),
            week=week,
        ),
        refused="Bridging care was not placed",
    )
    if ends_on is None:
        return _bridging(request, uow, by, reference, values, errors, status=status)
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"Bridging care placed for {reference}",
        f"{service} bridges it from {formats.day(starts_on)} to {formats.day(ends_on)},"
        " or until a provider starts. Sourcing goes on.",
    )


@router.post("/{reference}/bridging/end", response_class=HTMLResponse, dependencies=ACT)
def end_bridging(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    on = forms.date_field(values, "ended_on", errors, what="the day bridging care ends")
    if on is None:
        return render_package(request, uow, by, reference, values, errors, status=400)
    _, status = forms.attempt(
        errors,
        ACTIONS,
        lambda: discharges.end_bridging(uow, reference, on=on, by=by.actor, now=datetime.now(UTC)),
        refused="Bridging care was not ended",
    )
    if errors:
        return render_package(request, uow, by, reference, values, errors, status=status)
    heading = f"Bridging care for {reference} ends on {formats.day(on)}"
    return redirect_with(request, f"/packages/{reference}", heading)


@router.get("/{reference}/direct-payment", response_class=HTMLResponse, dependencies=READ)
def direct_payment_form(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str
) -> Response:
    return _direct_payment(request, uow, by, reference)


@router.post("/{reference}/direct-payment", response_class=HTMLResponse, dependencies=ACT)
def direct_payment(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.note_field(
        values, "reason", errors, what="the reason", length=forms.LONG_NOTE_LENGTH
    )
    if errors:
        return _direct_payment(request, uow, by, reference, values, errors, status=400)
    _, status = forms.attempt(
        errors,
        PLACING,
        lambda: brokerage.choose_direct_payment(
            uow, reference, by=by.actor, now=datetime.now(UTC), reason=reason
        ),
        refused="Nothing was changed",
    )
    if errors:
        return _direct_payment(request, uow, by, reference, values, errors, status=status)
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"Care package {reference} will be met by a direct payment",
        "It has left sourcing: any open offers are withdrawn.",
    )


def _bridging(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    context = _form_context(request, uow, by, reference, values, errors)
    context |= {"title": f"Bridging care for {reference}", "days": DAYS}
    return render(request, "packages/bridging.html", context, status_code=status)


def _direct_payment(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    context = _form_context(request, uow, by, reference, values, errors)
    context["title"] = f"Direct payment instead for {reference}"
    return render(request, "packages/direct_payment.html", context, status_code=status)


def _form_context(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str] | None,
    errors: dict[str, str] | None,
) -> dict[str, Any]:
    return {
        "package": market.get_package(uow, reference, viewer=by.actor),
        "today": datetime.now(request.app.state.settings.zone).date(),
        "values": values or {},
        "errors": errors or {},
        "section_id": PLACING,
    }
