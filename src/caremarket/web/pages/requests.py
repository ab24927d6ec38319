"""A new request for care, recorded by a broker: from a social worker, a trusted assessor or a
hospital discharge team. Sourced at once unless the broker says not yet."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERS
from caremarket.domain.errors import (
    DomainError,
    InvalidPostcode,
    InvalidVisitPattern,
    NotFound,
    UnknownPostcode,
)
from caremarket.domain.priority import Risk
from caremarket.services import market, requests, sourcing_views, structure
from caremarket.services.accounts import Principal
from caremarket.services.brokerage import NoPolicy
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import forms
from caremarket.web.pages.brokerage import told
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/brokerage/requests", include_in_schema=False)
PATH = "/new"
PERSON_LENGTH = 64  # as the database keeps a person's reference
REQUEST = "request"  # the page's heading, which a refusal of the whole request links to
RISKS = {
    Risk.HIGH.value: "High",
    Risk.MEDIUM.value: "Medium",
    Risk.LOW.value: "Low",
}
RISK_HINTS = {
    Risk.HIGH.value: "The person is not safe at home without care",
    Risk.MEDIUM.value: "The person manages for now, with support from family or friends",
    Risk.LOW.value: "The person is safe while care is found",
}
FIELDS = {  # where each refusal of the service belongs on the form
    InvalidPostcode: "postcode",
    UnknownPostcode: "postcode",
    InvalidVisitPattern: "visits",
}


@router.get(PATH, response_class=HTMLResponse, dependencies=[allow(*BROKERS)])
def new_request(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return _page(request, uow)


@router.post(PATH, response_class=HTMLResponse, dependencies=[allow(*BROKERS), csrf_protected()])
def record_request(
    request: Request, uow: UowDep, week: WeekDep, by: PrincipalDep, values: FormDep
) -> Response:
    context = _context(request, uow)
    errors: dict[str, str] = {}
    commissioner = forms.choice_field(
        values,
        "commissioner",
        dict(context["commissioners"]),
        errors,
        message="Select the commissioner who pays for the care",
    )
    person = forms.text_field(
        values, "person", errors, what="the person's reference", length=PERSON_LENGTH
    )
    postcode = forms.text_field(values, "postcode", errors, what="the postcode", length=10)
    service = forms.choice_field(
        values, "service", dict(context["services"]), errors, message="Select the service"
    )
    visits = forms.text_field(values, "visits", errors, what="the visits", length=200)
    start_on = forms.date_field(values, "start_on", errors, what="the date care should start")
    if start_on is not None and start_on < context["today"]:
        errors["start_on-day"] = "The date care should start must be today or in the future"
    risk = forms.choice_field(
        values, "risk", RISKS, errors, message="Select the risk to the person at home"
    )
    fit_on = forms.date_field(
        values,
        "fit_for_discharge_on",
        errors,
        what="the date the person was medically fit for discharge",
        required=False,
    )
    if errors or commissioner is None or person is None or postcode is None:
        return _page(request, uow, values, errors, status=400)
    if service is None or visits is None or start_on is None or risk is None:
        return _page(request, uow, values, errors, status=400)
    care = requests.CareRequest(
        commissioner=commissioner,
        person=person,
        postcode=postcode,
        service=service,
        visits=visits,
        start_on=start_on,
        risk=Risk(risk),
        carer_breakdown=forms.checked(values, "carer_breakdown"),
        fit_for_discharge_on=fit_on,
    )
    source = forms.checked(values, "source")
    try:
        reference = requests.request_care(
            uow, care, by=by.actor, now=datetime.now(UTC), week=week, source=source
        )
    except NotFound:
        raise
    except NoPolicy:
        errors["source"] = (
            "Care cannot be sourced yet: the commissioner has no sourcing policy. A commissioner"
            " sets one under Market, Sourcing policies; or untick sourcing to record the"
            " request now"
        )
        return _page(request, uow, values, errors, status=400)
    except DomainError as error:
        field = next((f for kind, f in FIELDS.items() if isinstance(error, kind)), REQUEST)
        errors[field] = forms.sentence(str(error))
        return _page(request, uow, values, errors, status=400)
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"Care requested: care package {reference}",
        _told(uow, reference, by) if source else "Start sourcing it when you are ready.",
    )


def _told(uow: UnitOfWork, reference: str, by: Principal) -> str:
    rounds = sourcing_views.sourcing_history(uow, reference, viewer=by.actor)
    return told(rounds[-1]) if rounds else ""


def _page(
    request: Request,
    uow: UnitOfWork,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    context = _context(request, uow) | {"values": values or {}, "errors": errors or {}}
    return render(request, "brokerage/new_request.html", context, status_code=status)


def _context(request: Request, uow: UnitOfWork) -> dict[str, Any]:
    commissioners = [(c.code, c.name) for c in market.list_commissioners(uow)]
    return {
        "title": "New request for care",
        "commissioners": commissioners,
        "services": [(s.code, s.name) for s in structure.list_services(uow)],
        "risks": RISKS,
        "risk_hints": RISK_HINTS,
        "today": datetime.now(request.app.state.settings.zone).date(),
        "request_id": REQUEST,
    }
