"""A provider's offer of a package, and its answers: accept, decline, or bid.

A refusal because someone else got there first or the window has closed (409) is shown in the
error summary above the offer as it now stands; a wrong field (400) beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import PROVIDERS
from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.sourcing import BidAboveCap, DeclineReason
from caremarket.services import brokerage, sourcing_views
from caremarket.services.accounts import Principal
from caremarket.services.ports import SourcingRound, UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import formats, forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/offers", include_in_schema=False)
ANSWER = [allow(*PROVIDERS), csrf_protected()]
OFFER = "offer"  # the page's section a refusal links to
REASONS = {
    DeclineReason.NO_CAPACITY.value: "We have no care workers free at the times needed",
    DeclineReason.ZONE.value: "We do not work where the person lives",
    DeclineReason.SKILLS.value: "Our care workers do not have the skills this care needs",
    DeclineReason.OTHER.value: "Another reason",
}
Answer = Callable[[], SourcingRound]


@router.get("/{reference}", response_class=HTMLResponse, dependencies=[allow(*PROVIDERS)])
def offer(request: Request, uow: UowDep, by: PrincipalDep, reference: str) -> HTMLResponse:
    """The provider's open offer of a package, with its answers; or what became of it."""
    return _page(request, uow, by, reference)


@router.post("/{reference}/acceptance", response_class=HTMLResponse, dependencies=ANSWER)
def accept(
    request: Request,
    uow: UowDep,
    week: WeekDep,
    by: PrincipalDep,
    reference: str,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    start_on = forms.date_field(values, "start_on", errors, what="the date you can start")
    if start_on is None:
        return _page(request, uow, by, reference, values, errors, status=400)

    def answer() -> SourcingRound:
        return brokerage.accept_offer(
            uow, reference, by=by.actor, start_on=start_on, now=datetime.now(UTC), week=week
        )

    return _answer(
        request,
        uow,
        by,
        reference,
        values,
        answer,
        fields={brokerage.InvalidStartDate: "start_on-day"},
        done=lambda _: redirect_with(
            request,
            f"/packages/{reference}",
            f"Care package {reference} is yours",
            f"You accepted it, starting {formats.day(start_on)}.",
        ),
    )


@router.post("/{reference}/declining", response_class=HTMLResponse, dependencies=ANSWER)
def decline(
    request: Request,
    uow: UowDep,
    week: WeekDep,
    by: PrincipalDep,
    reference: str,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    reason = forms.choice_field(
        values, "reason", REASONS, errors, message="Select why you are declining the offer"
    )
    note = forms.note_field(values, "decline_note", errors, what="what you add")
    if reason is None or errors:
        return _page(request, uow, by, reference, values, errors, status=400)

    def answer() -> SourcingRound:
        return brokerage.decline_offer(
            uow,
            reference,
            by=by.actor,
            reason=DeclineReason(reason),
            note=note,
            now=datetime.now(UTC),
            week=week,
        )

    return _answer(
        request,
        uow,
        by,
        reference,
        values,
        answer,
        done=lambda _: redirect_with(
            request, "/", f"You declined care package {reference}", "Thank you for saying why."
        ),
    )


@router.post("/{reference}/bids", response_class=HTMLResponse, dependencies=ANSWER)
def bid(
    request: Request,
    uow: UowDep,
    week: WeekDep,
    by: PrincipalDep,
    reference: str,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    rate = forms.money_field(values, "hourly_rate", errors, what="your hourly rate")
    earliest = forms.date_field(
        values, "earliest_start", errors, what="the earliest date you can start"
    )
    note = forms.note_field(values, "bid_note", errors, what="your note on continuity of care")
    if rate is None or earliest is None or errors:
        return _page(request, uow, by, reference, values, errors, status=400)

    def answer() -> SourcingRound:
        return brokerage.place_bid(
            uow,
            reference,
            by=by.actor,
            hourly_rate=rate,
            earliest_start=earliest,
            note=note,
            now=datetime.now(UTC),
            week=week,
        )

    def done(sourcing: SourcingRound) -> Response:
        closes = formats.when(sourcing.state.stage_ends_at, request.app.state.settings.zone)
        return redirect_with(
            request,
            "/",
            f"Your bid for care package {reference} is in",
            f"Bids are compared when the mini-competition closes, on {closes}.",
        )

    return _answer(
        request,
        uow,
        by,
        reference,
        values,
        answer,
        fields={BidAboveCap: "hourly_rate", brokerage.InvalidStartDate: "earliest_start-day"},
        done=done,
    )


def _answer(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str],
    answer: Answer,
    *,
    done: Callable[[SourcingRound], Response],
    fields: dict[type[DomainError], str] | None = None,
) -> Response:
    """Send the answer; a refusal is shown on the offer's page, beside a field if it is one's."""
    errors: dict[str, str] = {}
    try:
        sourcing = answer()
    except NotFound:
        raise
    except Conflict as error:
        errors[OFFER] = f"Your answer was not taken: {error}"
        return _page(request, uow, by, reference, values, errors, status=409)
    except DomainError as error:
        field = next((f for kind, f in (fields or {}).items() if isinstance(error, kind)), OFFER)
        errors[field] = forms.sentence(str(error))
        return _page(request, uow, by, reference, values, errors, status=400)
    return done(sourcing)


def _page(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": f"Offer of care package {reference}",
        "reference": reference,
        "offer": sourcing_views.find_open_offer(uow, reference, viewer=by.actor),
        "values": values or {},
        "errors": errors or {},
        "reasons": REASONS,
        "offer_id": OFFER,
    }
    if context["offer"] is not None:
        today = datetime.now(request.app.state.settings.zone).date()
        context["suggested"] = max(context["offer"].requested_start_on, today)
    else:
        # Not open (any more): what became of it; NotFound if it was never offered to them.
        rounds = sourcing_views.sourcing_history(uow, reference, viewer=by.actor)
        context["mine"] = [o for r in rounds for o in r.offers]
    return render(request, "offers/offer.html", context, status_code=status)
