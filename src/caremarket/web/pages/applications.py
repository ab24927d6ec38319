"""Applications to join a vehicle: a provider applies (staff may apply on a provider's
behalf) and sees its own; commissioners work through the queue and approve (some or all of
the lots) or reject each, with reasons.

A refused application comes back with every problem in the error summary, each linked to its
field, and everything typed kept. Another provider's application is not found for a provider.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERS, EVERYONE, POLICY_SETTERS, STAFF, Role
from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.market import CqcRating, Tier
from caremarket.domain.procurement import (
    ApplicationNotAdmissible,
    ApplicationProblem,
    ApplicationStatus,
)
from caremarket.services import admission_views, applications, structure
from caremarket.services.accounts import Principal
from caremarket.services.applications import ApplicationForm, ApplyingForAnotherProvider
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/applications", include_in_schema=False)
APPLICANTS = BROKERS | {Role.PROVIDER}  # as the API: a provider for itself, staff for one
DECIDE = [allow(*POLICY_SETTERS), csrf_protected()]
RATINGS = {r.value: r.value for r in CqcRating}
TIERS = {t.value: t.value.capitalize() for t in Tier if t is not Tier.SUBCONTRACTOR}
STATUSES = [(s.value, s.value.capitalize()) for s in ApplicationStatus]
ADMISSION = "admission"  # the page's section a refusal of the whole application links to
DECISION = "decision"
# Where each kind of problem is shown: the field's id the error summary links to.
PROBLEM_FIELDS = {
    "provider": "provider",
    "cqc-location-id": "cqc_location_ids",
    "cqc-rating": "cqc_rating",
    "documents": "documents",
    "insurance": "insurance_expires_on-day",
    "window": ADMISSION,
    "lots": "lots",
    "capacity": "capacity",
}
REASONS_LENGTH = 2000


@router.get("", response_class=HTMLResponse, dependencies=[allow(*EVERYONE)])
def queue(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    status: str = "",
    vehicle: str = "",
    provider: str = "",
) -> HTMLResponse:
    """Waiting for a decision first (the longest waiting first), then decided."""
    chosen = ApplicationStatus(status) if status in {s.value for s in ApplicationStatus} else None
    found = admission_views.application_queue(
        uow,
        viewer=by.actor,
        status=chosen,
        vehicle=vehicle or None,
        provider=provider.strip() or None,
    )
    context = {
        "title": "Applications" if by.actor.role in STAFF else "Your applications",
        "applications": found,
        "waiting": [a for a in found if a.status is ApplicationStatus.SUBMITTED],
        "decided": [a for a in found if a.status is not ApplicationStatus.SUBMITTED],
        "statuses": STATUSES,
        "vehicles": [v.code for v in structure.list_vehicles(uow)],
        "filters": {"status": status, "vehicle": vehicle, "provider": provider},
        "staff": by.actor.role in STAFF,
        "may_apply": by.actor.role in APPLICANTS,
    }
    return render(request, "applications/queue.html", context)


@router.get("/new", response_class=HTMLResponse, dependencies=[allow(*APPLICANTS)])
def new(request: Request, uow: UowDep, by: PrincipalDep, vehicle: str = "") -> HTMLResponse:
    """Which vehicle to apply to; then, for the vehicle chosen, the application form."""
    return _form(request, uow, by, vehicle, {}, {})


@router.post("", response_class=HTMLResponse, dependencies=[allow(*APPLICANTS), csrf_protected()])
def apply(request: Request, uow: UowDep, by: PrincipalDep, values: FormDep) -> Response:
    code = values.get("vehicle", "")
    errors: dict[str, str] = {}
    own = by.provider_name if by.actor.role is Role.PROVIDER else None
    name = own or forms.text_field(
        values, "provider", errors, what="the provider's name", length=200
    )
    ids = [i.strip() for i in values.get("cqc_location_ids", "").replace(",", "\n").splitlines()]
    rating = forms.choice_field(
        values, "cqc_rating", RATINGS, errors, message="Select the provider's CQC rating"
    )
    insurance = forms.date_field(
        values, "insurance_expires_on", errors, what="the day the insurance expires"
    )
    capacity = _capacity(values, errors)
    documents = {
        value.strip()
        for field, value in values.items()
        if field.startswith("document-") and value.strip()
    }
    documents |= {d.strip() for d in values.get("other_documents", "").splitlines() if d.strip()}
    lots = tuple(
        name_[len("lot-") :]
        for name_, value in values.items()
        if name_.startswith("lot-") and value == "yes"
    )
    if errors or name is None or rating is None or insurance is None:
        return _form(request, uow, by, code, values, errors, status=400)
    form = ApplicationForm(
        provider=name,
        cqc_location_ids=tuple(i for i in ids if i),
        cqc_rating=CqcRating(rating),
        insurance_expires_on=insurance,
        capacity=capacity,
        documents=frozenset(documents),
        lots=lots,
    )
    try:
        made = applications.apply(uow, code, form, by=by.actor, now=datetime.now(UTC))
    except NotFound:
        raise
    except ApplicationNotAdmissible as refused:
        return _form(request, uow, by, code, values, _problem_errors(refused.problems), status=400)
    except ApplyingForAnotherProvider as error:
        errors["provider"] = forms.sentence(str(error))
        return _form(request, uow, by, code, values, errors, status=400)
    except DomainError as error:
        errors[ADMISSION] = forms.sentence(str(error))
        return _form(request, uow, by, code, values, errors, status=forms.refusal_status(error))
    return redirect_with(
        request,
        f"/applications/{made.id}",
        f"Your application to {code} is made" if own else f"The application to {code} is made",
        "It waits for a commissioner's decision.",
    )


@router.get("/{application_id}", response_class=HTMLResponse, dependencies=[allow(*EVERYONE)])
def application(
    request: Request, uow: UowDep, by: PrincipalDep, application_id: int
) -> HTMLResponse:
    return _page(request, uow, by, application_id)


@router.post("/{application_id}/approval", response_class=HTMLResponse, dependencies=DECIDE)
def approve(
    request: Request, uow: UowDep, by: PrincipalDep, application_id: int, values: FormDep
) -> Response:
    shown = admission_views.get_application(uow, application_id, viewer=by.actor)
    errors: dict[str, str] = {}
    tier = forms.choice_field(values, "tier", TIERS, errors, message="Select the tier to join at")
    lots = [code for code in shown.lots if forms.checked(values, f"approve-{code}")]
    if not lots:
        errors["approve-lots"] = "Select at least one lot to approve, or reject the application"
    declined = {}
    for code in shown.lots:
        if code in lots:
            continue
        why = forms.note_field(
            values, f"declined-{code}", errors, what=f"why lot {code} is declined"
        )
        if not why:
            errors[f"declined-{code}"] = f"Say why lot {code} is declined"
        declined[code] = why
    reasons = _lines(
        forms.note_field(
            values, "approve_reasons", errors, what="the reasons", length=REASONS_LENGTH
        )
    )
    if tier is None or errors:
        return _page(request, uow, by, application_id, values, errors, status=400)
    return _decide(
        request,
        uow,
        by,
        application_id,
        values,
        lambda: applications.approve(
            uow,
            application_id,
            tier=Tier(tier),
            lots=lots,
            declined=declined,
            reasons=reasons,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        done=f"{shown.provider} is admitted to lot{'s' if len(lots) > 1 else ''} {', '.join(lots)}",
    )


@router.post("/{application_id}/rejection", response_class=HTMLResponse, dependencies=DECIDE)
def reject(
    request: Request, uow: UowDep, by: PrincipalDep, application_id: int, values: FormDep
) -> Response:
    shown = admission_views.get_application(uow, application_id, viewer=by.actor)
    errors: dict[str, str] = {}
    reasons = _lines(
        forms.note_field(
            values, "reject_reasons", errors, what="the reasons", length=REASONS_LENGTH
        )
    )
    if not reasons and not errors:
        errors["reject_reasons"] = "Enter why the application is rejected"
    if errors:
        return _page(request, uow, by, application_id, values, errors, status=400)
    return _decide(
        request,
        uow,
        by,
        application_id,
        values,
        lambda: applications.reject(
            uow, application_id, reasons=reasons, by=by.actor, now=datetime.now(UTC)
        ),
        done=f"The application from {shown.provider} is rejected",
    )


def _decide(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    application_id: int,
    values: dict[str, str],
    decide: Any,
    *,
    done: str,
) -> Response:
    errors: dict[str, str] = {}
    try:
        decide()
    except NotFound:
        raise
    except Conflict as error:
        errors[DECISION] = f"Your decision was not taken: {error}"
        return _page(request, uow, by, application_id, values, errors, status=409)
    except DomainError as error:
        errors[DECISION] = forms.sentence(str(error))
        return _page(request, uow, by, application_id, values, errors, status=400)
    return redirect_with(
        request, f"/applications/{application_id}", done, "The provider sees the decision."
    )


def _page(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    application_id: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    shown = admission_views.get_application(uow, application_id, viewer=by.actor)
    context = {
        "title": f"Application {application_id} from {shown.provider}",
        "application": shown,
        "may_decide": by.actor.role in POLICY_SETTERS
        and shown.status is ApplicationStatus.SUBMITTED,
        "staff": by.actor.role in STAFF,
        "tiers": TIERS,
        "values": values or {},
        "errors": errors or {},
        "posted": values is not None,
    }
    return render(request, "applications/application.html", context, status_code=status)


def _form(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    code: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    today = datetime.now(request.app.state.settings.zone).date()
    context: dict[str, Any] = {
        "title": "Apply to join a vehicle",
        "values": values,
        "errors": errors,
        "ratings": RATINGS,
        "own": by.provider_name if by.actor.role is Role.PROVIDER else None,
    }
    if not code:
        context["vehicles"] = admission_views.vehicles_to_apply_to(uow, today=today)
        return render(request, "applications/choose.html", context, status_code=status)
    vehicle = structure.get_vehicle(uow, code)
    context |= {
        "title": f"Apply to join {vehicle.code}",
        "vehicle": vehicle,
        "admission": admission_views.admission_view(uow, code, today=today),
        "zones": sorted({z for lot in vehicle.lots for z in lot.zones}),
    }
    return render(request, "applications/new.html", context, status_code=status)


def _capacity(values: dict[str, str], errors: dict[str, str]) -> dict[str, Decimal]:
    """Hours a week by zone; a zone left empty is not offered."""
    capacity = {}
    for name, text in values.items():
        if not name.startswith("capacity-") or not text.strip():
            continue
        zone = name[len("capacity-") :]
        try:
            hours = Decimal(text.strip())
        except InvalidOperation:
            hours = Decimal(-1)
        if (
            not hours.is_finite()
            or hours < 0
            or hours >= forms.MOST_HOURS
            or hours != round(hours, 2)
        ):
            errors.setdefault(
                name, f"Capacity in zone {zone} must be a number of hours a week, like 120 or 37.5"
            )
            continue
        capacity[zone] = hours
    return capacity


def _problem_errors(problems: tuple[ApplicationProblem, ...]) -> dict[str, str]:
    """Every problem, beside its field; several on one field read as one message."""
    errors: dict[str, str] = {}
    for problem in problems:
        field = PROBLEM_FIELDS.get(problem.rule, ADMISSION)
        message = forms.sentence(str(problem))
        errors[field] = f"{errors[field]}; {problem}" if field in errors else message
    return errors


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
