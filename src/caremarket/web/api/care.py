"""Around sourcing: requests for care, bridging, hand-backs, trusted-assessor changes, direct
payments, spare capacity and subcontractors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from caremarket.domain.access import BROKERS, EVERYONE, PROVIDERS, Role
from caremarket.domain.changes import ChangeStatus
from caremarket.domain.hand_backs import DEFAULT_NOTICE_DAYS, HandBackReason
from caremarket.domain.package_suspensions import SuspensionReason
from caremarket.domain.priority import Risk
from caremarket.services import brokerage, changes, discharges, hand_backs, requests, schedules
from caremarket.services.accounts import Principal
from caremarket.services.changes import ChangeSummary
from caremarket.services.schedules import SuspensionView
from caremarket.web.access import allow
from caremarket.web.deps import UowDep, WeekDep

router = APIRouter(tags=["brokerage"])
Broker = Annotated[Principal, allow(*BROKERS)]
ProviderStaff = Annotated[Principal, allow(*PROVIDERS)]
Suspender = Annotated[Principal, allow(*(BROKERS | PROVIDERS))]  # a provider: its own packages


class Request(BaseModel):
    commissioner: str
    person: str = Field(description="The person's pseudonymised reference: never a name.")
    postcode: str
    service: str = Field(description="A service type's code, e.g. PC.")
    visits: str = Field(description="Visit pattern, e.g. '4x30 daily; 1x45x2 Mon-Fri'.")
    start_on: date
    risk: Risk = Risk.LOW
    carer_breakdown: bool = False
    fit_for_discharge_on: date | None = None
    reference: str | None = None
    source: bool = Field(True, description="Begin sourcing at once under the policy.")


class Requested(BaseModel):
    reference: str


class Bridge(BaseModel):
    service: str = Field(description="The bridging service, e.g. 'Discharge Response Team'.")
    starts_on: date
    working_days: int = Field(ge=1, le=3)


class BridgePlaced(BaseModel):
    planned_end_on: date


class BridgeEnded(BaseModel):
    on: date


class HandingBack(BaseModel):
    reason: HandBackReason
    notice_days: int = Field(DEFAULT_NOTICE_DAYS, ge=0, le=90)
    note: str = Field("", max_length=1000)


class Proposal(BaseModel):
    visits: str
    effective_on: date
    reason: str = Field(min_length=1, max_length=1000)


class Decision(BaseModel):
    approve: bool
    note: str = Field("", max_length=1000)


class Suspension(BaseModel):
    from_on: date = Field(description="The first day without visits.")
    to_on: date | None = Field(None, description="The last day without visits; none: open.")
    reason: SuspensionReason
    note: str = Field("", max_length=1000)


class SuspensionEnd(BaseModel):
    last_day: date = Field(description="The suspension's last day: visits resume the day after.")


class DirectPayment(BaseModel):
    reason: str = Field("", max_length=1000)


class SpareCapacity(BaseModel):
    provider: str | None = Field(None, description="Staff name the provider; a provider: itself.")
    hours: Decimal = Field(gt=0, max_digits=7, decimal_places=2)


class Offered(BaseModel):
    offered: list[str]


class Subcontracting(BaseModel):
    subcontractor: str


@router.post("/requests", status_code=201)
def request_care(uow: UowDep, week: WeekDep, by: Broker, body: Request) -> Requested:
    """Record a request for care; unless `source` is false, begin sourcing it at once."""
    request = requests.CareRequest(**body.model_dump(exclude={"source"}))
    reference = requests.request_care(
        uow, request, by=by.actor, now=datetime.now(UTC), week=week, source=body.source
    )
    return Requested(reference=reference)


@router.post("/packages/{reference}/bridging", status_code=201)
def place_bridging(
    uow: UowDep, week: WeekDep, by: Broker, reference: str, body: Bridge
) -> BridgePlaced:
    """Bridging care for 1 to 3 working days while sourcing goes on."""
    end = discharges.place_bridging(
        uow,
        reference,
        service=body.service,
        starts_on=body.starts_on,
        working_days=body.working_days,
        by=by.actor,
        now=datetime.now(UTC),
        week=week,
    )
    return BridgePlaced(planned_end_on=end)


@router.post("/packages/{reference}/bridging/end")
def end_bridging(uow: UowDep, by: Broker, reference: str, body: BridgeEnded) -> BridgeEnded:
    discharges.end_bridging(uow, reference, on=body.on, by=by.actor, now=datetime.now(UTC))
    return body


@router.post("/packages/{reference}/hand-back", status_code=202)
def hand_back(
    uow: UowDep, week: WeekDep, by: ProviderStaff, reference: str, body: HandingBack
) -> HandingBack:
    """Hand a package back with notice; it is sourced again at once, without you."""
    hand_backs.hand_back_package(
        uow,
        reference,
        reason=body.reason,
        notice_days=body.notice_days,
        note=body.note,
        by=by.actor,
        now=datetime.now(UTC),
        week=week,
    )
    return body


@router.post("/packages/{reference}/changes", status_code=201)
def propose_change(uow: UowDep, by: ProviderStaff, reference: str, body: Proposal) -> ChangeSummary:
    """A trusted assessor's change: a reduction within the policy's limit applies at once."""
    return changes.propose(
        uow,
        reference,
        visits=body.visits,
        effective_on=body.effective_on,
        reason=body.reason,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.get("/changes")
def list_changes(
    uow: UowDep, by: Annotated[Principal, allow(*EVERYONE)], status: ChangeStatus | None = None
) -> list[ChangeSummary]:
    """Proposed changes, newest first; a provider sees its own."""
    return changes.list_changes(uow, viewer=by.actor, status=status)


@router.post("/changes/{change_id}/decision")
def decide_change(uow: UowDep, by: Broker, change_id: int, body: Decision) -> ChangeSummary:
    return changes.decide(
        uow, change_id, approve=body.approve, note=body.note, by=by.actor, now=datetime.now(UTC)
    )


@router.get("/packages/{reference}/suspensions")
def list_suspensions(
    uow: UowDep, by: Annotated[Principal, allow(*EVERYONE)], reference: str
) -> list[SuspensionView]:
    """The package's suspensions, latest first; a provider sees its own packages' only."""
    return schedules.list_suspensions(uow, reference, viewer=by.actor)


@router.post("/packages/{reference}/suspensions", status_code=201)
def suspend(uow: UowDep, by: Suspender, reference: str, body: Suspension) -> SuspensionView:
    """No visits are planned from `from_on` to `to_on` (a hospital stay, respite): a visit
    delivered then has no planned counterpart and is held by the checks."""
    return schedules.record_suspension(
        uow,
        reference,
        from_on=body.from_on,
        to_on=body.to_on,
        reason=body.reason,
        note=body.note,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post("/packages/{reference}/suspensions/{suspension_id}/end")
def end_suspension(
    uow: UowDep, by: Suspender, reference: str, suspension_id: int, body: SuspensionEnd
) -> SuspensionView:
    """End an open suspension on its last day."""
    return schedules.end_suspension(
        uow, reference, suspension_id, last_day=body.last_day, by=by.actor, now=datetime.now(UTC)
    )


@router.post("/packages/{reference}/direct-payment")
def direct_payment(uow: UowDep, by: Broker, reference: str, body: DirectPayment) -> DirectPayment:
    """The person buys their own care instead: the package leaves sourcing."""
    brokerage.choose_direct_payment(
        uow, reference, by=by.actor, now=datetime.now(UTC), reason=body.reason
    )
    return body


@router.post("/capacity")
def spare_capacity(
    uow: UowDep,
    week: WeekDep,
    by: Annotated[Principal, allow(*(BROKERS | PROVIDERS))],
    body: SpareCapacity,
) -> Offered:
    """Spare hours a week: the neediest waiting packages that fit are offered to the provider."""
    provider = by.provider_name if by.actor.role is Role.PROVIDER else body.provider
    if not provider:
        raise brokerage.InvalidCapacity("say which provider has the spare capacity")
    offered = brokerage.offer_spare_capacity(
        uow, provider=provider, hours=body.hours, by=by.actor, now=datetime.now(UTC), week=week
    )
    return Offered(offered=offered)


@router.post("/packages/{reference}/subcontractor")
def subcontract(
    uow: UowDep, by: ProviderStaff, reference: str, body: Subcontracting
) -> Subcontracting:
    """A single or lead provider places its package with a named subcontractor of its lot."""
    brokerage.place_with_subcontractor(
        uow, reference, subcontractor=body.subcontractor, by=by.actor, now=datetime.now(UTC)
    )
    return body
