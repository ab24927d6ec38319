"""The brokers' queue: new requests to start sourcing, offers open now, the waiting list."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERAGE_READERS, BROKERS
from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import Phase
from caremarket.services import brokerage, market, sourcing_views
from caremarket.services.accounts import Principal
from caremarket.services.ports import PackageFilter, SourcingRound, UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/brokerage", include_in_schema=False)
SHOWN = 25  # new requests listed; the rest are a link away
QUEUE = "new-requests"  # the section a refusal to start sourcing links to


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
    try:
        sourcing = brokerage.start_sourcing(
            uow, reference, by=by.actor, now=datetime.now(UTC), week=week
        )
    except NotFound:
        raise
    except brokerage.NoPolicy:
        message = (
            f"{reference} cannot be sourced yet: its commissioner has no sourcing policy."
            " A commissioner sets one under Market, Sourcing policies"
        )
        return _refused(request, uow, by, message, status=400)
    except DomainError as error:
        status = 409 if isinstance(error, Conflict) else 400
        return _refused(request, uow, by, f"{reference} was not sourced: {error}", status=status)
    return redirect_with(
        request, "/brokerage", f"Sourcing started for {reference}", _told(sourcing)
    )


def _refused(
    request: Request, uow: UnitOfWork, by: Principal, message: str, *, status: int
) -> HTMLResponse:
    context = _queue(request, uow, by) | {"errors": {QUEUE: message}}
    return render(request, "brokerage/queue.html", context, status_code=status)


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
        "queue_id": QUEUE,
    }


def _told(sourcing: SourcingRound) -> str:
    """What became of the package at once: offered, awarded directly, or waiting."""
    shown = sourcing_views.round_view(sourcing)
    if shown.awarded_to:
        return f"It is awarded to {shown.awarded_to} directly."
    if shown.phase == Phase.WAITING.value:
        return "No provider could be asked, so it has joined the waiting list."
    asked = [o.provider for o in shown.offers if o.outcome is None]
    return f"It is offered to {', '.join(asked)}."
