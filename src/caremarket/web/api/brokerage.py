"""Brokerage: sourcing packages, providers' offers and responses, the waiting list, policies.

A provider's response that comes too late (another provider accepted first, the window
closed) is refused with 409 and a reason; a provider never offered a package is told it
does not exist (404).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from caremarket.domain.access import (
    BROKERS,
    EVERYONE,
    POLICY_SETTERS,
    PROVIDERS,
    WAITING_LIST_READERS,
)
from caremarket.domain.policies import PRESETS, policy_from_data, policy_to_data
from caremarket.domain.sourcing import DeclineReason
from caremarket.services import brokerage, sourcing_views
from caremarket.services.accounts import Principal
from caremarket.services.sourcing_views import OpenOffer, RoundView, WaitingEntry
from caremarket.web.access import allow
from caremarket.web.deps import UowDep, WeekDep

router = APIRouter(tags=["brokerage"])
Broker = Annotated[Principal, allow(*BROKERS)]
ProviderStaff = Annotated[Principal, allow(*PROVIDERS)]
Anyone = Annotated[Principal, allow(*EVERYONE)]


class Acceptance(BaseModel):
    start_on: date = Field(description="The day the provider can start the care.")


class Declining(BaseModel):
    reason: DeclineReason
    note: str = Field("", max_length=500)


class Bidding(BaseModel):
    hourly_rate: Decimal = Field(gt=0, max_digits=8, decimal_places=2)
    earliest_start: date
    note: str = Field("", max_length=500, description="Continuity of care, for example.")


class PolicyChoice(BaseModel):
    preset: str | None = Field(None, description=f"One of {', '.join(sorted(PRESETS))}.")
    policy: dict[str, Any] | None = Field(None, description="A whole policy, as data.")
    vehicle: str | None = None
    lot: str | None = None


@router.get("/offers")
def offers(uow: UowDep, by: Anyone) -> list[OpenOffer]:
    """Open offers, soonest to close first: a provider sees its own."""
    return sourcing_views.open_offers(uow, viewer=by.actor)


@router.post("/packages/{reference}/sourcing", status_code=201)
def start_sourcing(uow: UowDep, week: WeekDep, by: Broker, reference: str) -> RoundView:
    """Begin sourcing a requested package under its commissioner's policy."""
    sourcing = brokerage.start_sourcing(
        uow, reference, by=by.actor, now=datetime.now(UTC), week=week
    )
    return sourcing_views.round_view(sourcing)


@router.get("/packages/{reference}/sourcing")
def sourcing_history(uow: UowDep, by: Anyone, reference: str) -> list[RoundView]:
    """Every round of a package's sourcing, with its offers and bids (a provider: its own)."""
    return sourcing_views.sourcing_history(uow, reference, viewer=by.actor)


@router.post("/packages/{reference}/acceptance")
def accept(
    uow: UowDep, week: WeekDep, by: ProviderStaff, reference: str, body: Acceptance
) -> RoundView:
    """Accept the open offer. The first acceptance wins; a later one is refused (409)."""
    sourcing = brokerage.accept_offer(
        uow, reference, by=by.actor, start_on=body.start_on, now=datetime.now(UTC), week=week
    )
    return sourcing_views.round_view(sourcing, only=by.provider_name)


@router.post("/packages/{reference}/declining")
def decline(
    uow: UowDep, week: WeekDep, by: ProviderStaff, reference: str, body: Declining
) -> RoundView:
    sourcing = brokerage.decline_offer(
        uow,
        reference,
        by=by.actor,
        reason=body.reason,
        note=body.note,
        now=datetime.now(UTC),
        week=week,
    )
    return sourcing_views.round_view(sourcing, only=by.provider_name)


@router.post("/packages/{reference}/bids", status_code=201)
def bid(uow: UowDep, week: WeekDep, by: ProviderStaff, reference: str, body: Bidding) -> RoundView:
    """A bid in a mini-competition, capped by the rate card; scored when the window closes."""
    sourcing = brokerage.place_bid(
        uow,
        reference,
        by=by.actor,
        hourly_rate=body.hourly_rate,
        earliest_start=body.earliest_start,
        note=body.note,
        now=datetime.now(UTC),
        week=week,
    )
    return sourcing_views.round_view(sourcing, only=by.provider_name)


@router.get("/waiting-list", dependencies=[allow(*WAITING_LIST_READERS)])
def waiting_list(uow: UowDep, on: date | None = None) -> list[WaitingEntry]:
    """Packages no provider has taken, neediest first, with the reasons providers gave."""
    return sourcing_views.waiting_list(uow, on=on or datetime.now(UTC).date())


@router.get("/policies/presets", dependencies=[allow(*EVERYONE)])
def presets() -> list[dict[str, Any]]:
    """The councils' models, ready to set."""
    return [policy_to_data(policy) for policy in PRESETS.values()]


@router.put("/commissioners/{code}/policy")
def set_policy(
    uow: UowDep,
    by: Annotated[Principal, allow(*POLICY_SETTERS)],
    code: str,
    choice: Annotated[PolicyChoice, Body()],
) -> dict[str, Any]:
    """Set a commissioner's sourcing policy (or one lot's), from a preset or as data."""
    if (choice.preset is None) == (choice.policy is None):
        raise brokerage.NoPolicy("send either a preset's code or a whole policy")
    chosen = choice.preset or policy_from_data(choice.policy or {})
    lot = (choice.vehicle, choice.lot) if choice.vehicle and choice.lot else None
    policy = brokerage.set_policy(uow, code, chosen, lot=lot, by=by.actor, now=datetime.now(UTC))
    return policy_to_data(policy)
