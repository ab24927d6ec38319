"""Spare capacity: a provider has hours a week to spare, and the neediest waiting packages that
fit them, in lots it is in, are offered to it. A broker says so for any provider from the
queue; a provider's own people say so for it from their home page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERS, PROVIDERS
from caremarket.domain.errors import DomainError, NotFound
from caremarket.services import brokerage, market
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import formats, forms
from caremarket.web.pages.brokerage import render_queue
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.home import render_home

router = APIRouter(include_in_schema=False)
CAPACITY = "capacity"  # the form's heading, which a refusal links to
WHAT = "the spare hours a week"


@router.post(
    "/brokerage/capacity",
    response_class=HTMLResponse,
    dependencies=[allow(*BROKERS), csrf_protected()],
)
def brokers_capacity(
    request: Request, uow: UowDep, week: WeekDep, by: PrincipalDep, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    providers = {p.name: p.name for p in market.list_providers(uow)}
    provider = forms.choice_field(
        values, "provider", providers, errors, message="Select the provider with spare capacity"
    )
    hours = forms.hours_field(values, "hours", errors, what=WHAT)
    if provider is None or hours is None or errors:
        return render_queue(request, uow, by, values, errors, status=400)
    try:
        offered = brokerage.offer_spare_capacity(
            uow, provider=provider, hours=hours, by=by.actor, now=datetime.now(UTC), week=week
        )
    except NotFound:
        raise
    except DomainError as error:
        errors[CAPACITY] = f"Nothing was offered: {error}"
        return render_queue(request, uow, by, values, errors, status=400)
    heading, text = _told(offered, hours, whom=provider, whose=f"{provider}'s")
    return redirect_with(request, "/brokerage", heading, text)


@router.post(
    "/capacity",
    response_class=HTMLResponse,
    dependencies=[allow(*PROVIDERS), csrf_protected()],
)
def providers_capacity(
    request: Request, uow: UowDep, week: WeekDep, by: PrincipalDep, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    hours = forms.hours_field(values, "hours", errors, what=WHAT)
    if hours is None or by.provider_name is None:
        return render_home(request, uow, by, values, errors, status=400)
    try:
        offered = brokerage.offer_spare_capacity(
            uow,
            provider=by.provider_name,
            hours=hours,
            by=by.actor,
            now=datetime.now(UTC),
            week=week,
        )
    except NotFound:
        raise
    except DomainError as error:
        errors[CAPACITY] = f"Nothing was offered: {error}"
        return render_home(request, uow, by, values, errors, status=400)
    heading, text = _told(offered, hours, whom="you", whose="your")
    return redirect_with(request, "/", heading, text)


def _told(offered: list[str], hours: Decimal, *, whom: str, whose: str) -> tuple[str, str]:
    spare = f"{formats.hours(hours)} hours a week"
    if not offered:
        return (
            f"No waiting package was offered to {whom}",
            f"None of the packages waiting in {whose} lots fits in {spare}.",
        )
    return (
        f"Offered to {whom}: {', '.join(offered)}",
        f"The neediest {formats.count(len(offered), 'waiting package')} that fit in {spare},"
        f" each open for {brokerage.CAPACITY_WINDOW.describe()} to accept or decline.",
    )
