"""What the provider holding a package may do with it, each on a page of its own: hand it back
with notice, propose a change to its visits (as the trusted assessor), or place it with one of
its subcontractors. Another provider's package is not found.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import PROVIDERS
from caremarket.domain.changes import ChangeRefused, ChangeStatus
from caremarket.domain.errors import DomainError, InvalidVisitPattern, NotFound
from caremarket.domain.hand_backs import DEFAULT_NOTICE_DAYS, HandBackReason
from caremarket.services import brokerage, care_views, changes, hand_backs, market
from caremarket.services.accounts import Principal
from caremarket.services.care_views import PackageCare
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import formats, forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/packages", include_in_schema=False)
READ = [allow(*PROVIDERS)]
ACT = [allow(*PROVIDERS), csrf_protected()]
DELIVERY = "delivery"  # the section of a form's page that a refusal links to
MOST_NOTICE_DAYS = 90  # as the API allows
REASONS = {
    HandBackReason.STAFFING.value: "Staffing: we do not have enough care workers",
    HandBackReason.COMPLEXITY.value: (
        "Complexity: the person's needs are beyond what we can safely meet"
    ),
    HandBackReason.TRAVEL.value: "Travel: the person lives too far away or is too hard to reach",
    HandBackReason.RELATIONSHIP.value: "Relationship: with the person or their family",
    HandBackReason.OTHER.value: "Another reason",
}
NO_POLICY = (
    "its commissioner has no sourcing policy yet, so it cannot be offered to others."
    " Ask the council's brokers"
)


@router.get("/{reference}/hand-back", response_class=HTMLResponse, dependencies=READ)
def hand_back_form(request: Request, uow: UowDep, by: PrincipalDep, reference: str) -> Response:
    return _page(request, uow, by, reference, "hand_back")


@router.post("/{reference}/hand-back", response_class=HTMLResponse, dependencies=ACT)
def hand_back(
    request: Request,
    uow: UowDep,
    week: WeekDep,
    by: PrincipalDep,
    reference: str,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.choice_field(
        values, "reason", REASONS, errors, message="Select why you are handing the package back"
    )
    notice = forms.whole_number_field(
        values, "notice_days", errors, what="the days of notice", low=0, high=MOST_NOTICE_DAYS
    )
    note = forms.note_field(
        values, "note", errors, what="what you add", length=forms.LONG_NOTE_LENGTH
    )
    care = _holding(uow, by, reference)
    if care.handing_back:
        errors[DELIVERY] = f"You have already handed back care package {reference}"
        return _page(request, uow, by, reference, "hand_back", values, errors, status=409)
    if reason is None or notice is None or errors:
        return _page(request, uow, by, reference, "hand_back", values, errors, status=400)
    try:
        hand_backs.hand_back_package(
            uow,
            reference,
            reason=HandBackReason(reason),
            notice_days=notice,
            note=note,
            by=by.actor,
            now=datetime.now(UTC),
            week=week,
        )
    except NotFound:
        raise
    except DomainError as error:
        errors[DELIVERY] = f"Care package {reference} was not handed back: {_why(error)}"
        status = forms.refusal_status(error)
        return _page(request, uow, by, reference, "hand_back", values, errors, status=status)
    given = care_views.package_care(uow, reference, viewer=by.actor).hand_backs[0]
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"You handed back care package {reference}",
        "It is being offered to other providers now. Keep delivering care until the new"
        f" provider starts, or until your notice ends on {formats.day(given.notice_ends_on)}.",
    )


@router.get("/{reference}/changes/new", response_class=HTMLResponse, dependencies=READ)
def change_form(request: Request, uow: UowDep, by: PrincipalDep, reference: str) -> Response:
    return _page(request, uow, by, reference, "change")


@router.post("/{reference}/changes/new", response_class=HTMLResponse, dependencies=ACT)
def propose_change(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    visits = forms.text_field(values, "visits", errors, what="the new visits", length=200)
    effective_on = forms.date_field(
        values, "effective_on", errors, what="the date the change starts"
    )
    reason = forms.text_field(
        values,
        "reason",
        errors,
        what="why the care should change",
        length=forms.LONG_NOTE_LENGTH,
    )
    if visits is None or effective_on is None or reason is None or errors:
        return _page(request, uow, by, reference, "change", values, errors, status=400)
    try:
        change = changes.propose(
            uow,
            reference,
            visits=visits,
            effective_on=effective_on,
            reason=reason,
            by=by.actor,
            now=datetime.now(UTC),
        )
    except NotFound:
        raise
    except (InvalidVisitPattern, ChangeRefused) as error:
        errors["visits"] = forms.sentence(str(error))
        return _page(request, uow, by, reference, "change", values, errors, status=400)
    except DomainError as error:
        errors[DELIVERY] = f"The change was not proposed: {_why(error)}"
        status = forms.refusal_status(error)
        return _page(request, uow, by, reference, "change", values, errors, status=status)
    percent = f"{'+' if change.change_percent > 0 else ''}{change.change_percent}%"
    starts = formats.day(change.effective_on)
    if change.status == ChangeStatus.APPLIED.value:
        heading = f"Care package {reference} now has the visits {change.visits_after}"
        text = (
            f"The change ({percent} of weekly hours) is a reduction within the trusted"
            f" assessor's limit, so it applies from {starts}. Brokers have been told."
        )
    else:
        heading = f"Your change to care package {reference} is waiting for approval"
        text = (
            f"It changes weekly hours by {percent} from {starts}. A broker will approve or"
            " reject it, and you will be told."
        )
    return redirect_with(request, f"/packages/{reference}", heading, text)


@router.get("/{reference}/subcontractor", response_class=HTMLResponse, dependencies=READ)
def subcontractor_form(request: Request, uow: UowDep, by: PrincipalDep, reference: str) -> Response:
    return _page(request, uow, by, reference, "subcontractor")


@router.post("/{reference}/subcontractor", response_class=HTMLResponse, dependencies=ACT)
def place_with_subcontractor(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    care = _holding(uow, by, reference)
    options = {name: name for name in care.subcontractors}
    chosen = forms.choice_field(
        values, "subcontractor", options, errors, message="Select the subcontractor"
    )
    if chosen is None:
        status = 400 if options else 409
        if not options:
            errors = {DELIVERY: f"You have no subcontractor in care package {reference}'s lot"}
        return _page(request, uow, by, reference, "subcontractor", values, errors, status=status)
    _, status = forms.attempt(
        errors,
        DELIVERY,
        lambda: brokerage.place_with_subcontractor(
            uow, reference, subcontractor=chosen, by=by.actor, now=datetime.now(UTC)
        ),
        refused=f"Care package {reference} was not placed",
    )
    if errors:
        return _page(request, uow, by, reference, "subcontractor", values, errors, status=status)
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"{chosen} now delivers care package {reference} for you",
        "Brokers have been told. You still hold the package.",
    )


TITLES = {
    "hand_back": "Hand back care package {reference}",
    "change": "Propose a change to care package {reference}",
    "subcontractor": "Place care package {reference} with a subcontractor",
}


def _page(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    name: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """One of the holder's form pages, with a refused form's values and errors."""
    care = _holding(uow, by, reference)
    context: dict[str, Any] = {
        "title": TITLES[name].format(reference=reference),
        "package": market.get_package(uow, reference, viewer=by.actor),
        "care": care,
        "values": values or {},
        "errors": errors or {},
        "section_id": DELIVERY,
        "reasons": REASONS,
        "default_notice": DEFAULT_NOTICE_DAYS,
        "today": datetime.now(request.app.state.settings.zone).date(),
    }
    return render(request, f"packages/{name}.html", context, status_code=status)


def _why(refusal: DomainError) -> str:
    """Why a holder's form was refused; a package that would be sourced again under no
    policy says who puts that right."""
    return NO_POLICY if isinstance(refusal, brokerage.NoPolicy) else str(refusal)


def _holding(uow: UnitOfWork, by: Principal, reference: str) -> PackageCare:
    """The package's care as its holder sees it; NotFound for a package it does not hold."""
    care = care_views.package_care(uow, reference, viewer=by.actor)
    if not care.holder:
        raise NotFound(f"there is no care package {reference}")
    return care
