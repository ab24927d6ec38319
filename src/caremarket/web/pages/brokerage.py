"""The brokers' queue: new requests to start sourcing, offers open now, the waiting list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERAGE_READERS, BROKERS
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.changes import ChangeStatus
from caremarket.domain.errors import DomainError, NotFound
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import Phase
from caremarket.services import brokerage, changes, market, sourcing_views
from caremarket.services.accounts import Principal
from caremarket.services.ports import PackageFilter, SourcingRound, UnitOfWork
from caremarket.services.sourcing_views import RoundView
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.packages import render_package
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/brokerage", include_in_schema=False)
SHOWN = 25  # new requests listed; the rest are a link away
QUEUE = "new-requests"  # the section a refusal to start sourcing links to
CHANGES = "changes"  # the section of changes, on the queue and on a package's page
DECISIONS = {"approve": "Approve", "reject": "Reject"}
LARGEST_ID = 2**31 - 1  # a row id, as both databases keep it


@router.get("", response_class=HTMLResponse, dependencies=[allow(*BROKERAGE_READERS)])
def queue(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return render(request, "brokerage/queue.html", _queue(request, uow, by))


@router.post(
    "/{reference}/sourcing",
    response_class=HTMLResponse,
    dependencies=[allow(*BROKERS), csrf_protected()],
)
def start_sourcing(
    request: Request, uow: UowDep, week: WeekDep, by: PrincipalDep, reference: str
) -> Response:
    """Start sourcing a requested package; a refusal is shown above the queue."""
    sourcing, refusal, status = begin_sourcing(uow, week, by, reference)
    if sourcing is None:
        return _refused(request, uow, by, refusal, status=status)
    return redirect_with(request, "/brokerage", f"Sourcing started for {reference}", told(sourcing))


@router.post(
    "/changes/{change_id}/decision",
    response_class=HTMLResponse,
    dependencies=[allow(*BROKERS), csrf_protected()],
)
def decide_change(
    request: Request, uow: UowDep, by: PrincipalDep, change_id: str, values: FormDep
) -> Response:
    """Approve or reject a proposed change, from the queue or from the package's page; a
    refusal is shown on the page the decision came from."""
    if not (change_id.isascii() and change_id.isdigit() and int(change_id) <= LARGEST_ID):
        raise NotFound(f"there is no proposed change {change_id}")
    errors: dict[str, str] = {}
    decision = forms.choice_field(
        values, "decision", DECISIONS, errors, message="Choose to approve or reject the change"
    )
    note = forms.note_field(values, "note", errors, what="the note", length=forms.LONG_NOTE_LENGTH)
    errors = {_decision_field(field, change_id): message for field, message in errors.items()}
    if decision is None or errors:
        return _decision_refused(request, uow, by, change_id, values, errors, status=400)
    change, status = forms.attempt(
        errors,
        CHANGES,  # not the decision's own fields: its form has gone
        lambda: changes.decide(
            uow,
            int(change_id),
            approve=decision == "approve",
            note=note,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        refused="The change was not decided",
    )
    if change is None:
        return _decision_refused(request, uow, by, change_id, values, errors, status=status)
    url = f"/packages/{change.reference}" if _from_package(values) else "/brokerage"
    approved = change.status == ChangeStatus.APPROVED.value
    return redirect_with(
        request,
        url,
        f"Change {change.status}: care package {change.reference}",
        (f"Its visits are now {change.visits_after}. " if approved else "")
        + f"{change.provider} has been told.",
    )


def render_queue(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """The queue, with the values and errors of a form on it that was refused."""
    context = _queue(request, uow, by) | {"values": values or {}, "errors": errors or {}}
    return render(request, "brokerage/queue.html", context, status_code=status)


def _refused(
    request: Request, uow: UnitOfWork, by: Principal, message: str, *, status: int
) -> HTMLResponse:
    return render_queue(request, uow, by, errors={QUEUE: message}, status=status)


def _decision_refused(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    change_id: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int,
) -> HTMLResponse:
    shown = values | {"change": change_id}
    if _from_package(values):
        reference = values["reference"]
        return render_package(request, uow, by, reference, shown, errors, status=status)
    return render_queue(request, uow, by, shown, errors, status=status)


def _from_package(values: dict[str, str]) -> bool:
    return values.get("return_to") == "package" and bool(values.get("reference"))


def _decision_field(field: str, change_id: str) -> str:
    """The id on the page of a decision's field: its note's, else its card's."""
    return f"note-{change_id}" if field == "note" else f"change-{change_id}"


def _queue(request: Request, uow: UnitOfWork, by: Principal) -> dict[str, Any]:
    today = datetime.now(request.app.state.settings.zone).date()
    requested, total = market.list_packages(
        uow, PackageFilter(status=PackageStatus.REQUESTED), viewer=by.actor, limit=SHOWN
    )
    return {
        "title": "Brokerage",
        "requested": requested,
        "requested_total": total,
        "may_source": by.actor.role in BROKERS,
        "offers": sourcing_views.open_offers(uow, viewer=by.actor),
        "waiting": sourcing_views.waiting_list(uow, on=today),
        "changes": changes.list_changes(
            uow, viewer=by.actor, status=ChangeStatus.AWAITING_APPROVAL
        ),
        "providers": [p.name for p in market.list_providers(uow)],
        "queue_id": QUEUE,
    }


def begin_sourcing(
    uow: UnitOfWork, week: WorkingWeek, by: Principal, reference: str
) -> tuple[SourcingRound | None, str, int]:
    """Start sourcing a package, from the queue or its own page: the round, "" and 200; or,
    refused, None, why (for the summary above the form) and the status to answer with."""
    try:
        sourcing = brokerage.start_sourcing(
            uow, reference, by=by.actor, now=datetime.now(UTC), week=week
        )
    except NotFound:
        raise
    except brokerage.NoPolicy:
        return None, no_policy(reference), 400
    except DomainError as error:
        return None, f"{reference} was not sourced: {error}", forms.refusal_status(error)
    return sourcing, "", 200


def no_policy(reference: str) -> str:
    """Why a package cannot be sourced yet, and where that is put right."""
    return (
        f"{reference} cannot be sourced yet: its commissioner has no sourcing policy."
        " A commissioner sets one under Market, Sourcing policies"
    )


def told(sourcing: SourcingRound | RoundView) -> str:
    """What became of the package at once: offered, awarded directly, or waiting."""
    shown = sourcing if isinstance(sourcing, RoundView) else sourcing_views.round_view(sourcing)
    if shown.awarded_to:
        return f"It is awarded to {shown.awarded_to} directly."
    if shown.phase == Phase.WAITING.value:
        return "No provider could be asked, so it has joined the waiting list."
    asked = [o.provider for o in shown.offers if o.outcome is None]
    return f"It is offered to {', '.join(asked)}."
