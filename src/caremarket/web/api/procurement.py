"""Procurement: a vehicle's admission rules, the zones each of its lots covers, providers'
applications and the decisions on them, and suspending or removing a provider (its effect shown
before it is confirmed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from caremarket.domain.access import BROKERS, EVERYONE, MARKET_READERS, POLICY_SETTERS, Role
from caremarket.domain.market import CqcRating, Tier
from caremarket.domain.procurement import (
    Admission,
    AdmissionMode,
    AdmissionRules,
    AdmissionWindow,
    ApplicationStatus,
)
from caremarket.domain.suspensions import ProviderAction
from caremarket.services import admission_views, applications, lot_zones
from caremarket.services.accounts import Principal
from caremarket.services.applications import (
    ApplicationForm,
    ApplicationSummary,
    EffectSummary,
)
from caremarket.web.access import allow
from caremarket.web.deps import UowDep, WeekDep

router = APIRouter(tags=["procurement"])
Commissioner = Annotated[Principal, allow(*POLICY_SETTERS)]
Applicant = Annotated[Principal, allow(*(BROKERS | {Role.PROVIDER}))]


class Window(BaseModel):
    opens_on: date
    closes_on: date = Field(description="The last day applications are taken.")


class AdmissionBody(BaseModel):
    mode: AdmissionMode
    windows: list[Window] = []
    inadequate_allowed: bool = False
    required_documents: list[str] = []
    insured_until: date | None = None


class ApplicationBody(BaseModel):
    provider: str | None = Field(None, description="Staff name the provider; a provider: itself.")
    cqc_location_ids: list[str]
    cqc_rating: CqcRating
    insurance_expires_on: date
    capacity: dict[str, Decimal] = Field(
        default_factory=dict, description="Hours a week the provider can take, by zone code."
    )
    documents: list[str] = []
    lots: list[str]


class DecisionBody(BaseModel):
    approve: bool
    tier: Tier = Tier.APPROVED
    reasons: list[str] = []
    lots: list[str] | None = Field(
        None, description="Approve for these lots only (default: every lot applied for)."
    )
    declined: dict[str, str] = Field(
        default_factory=dict, description="Why each lot applied for but not approved is declined."
    )


class LotZonesBody(BaseModel):
    zones: list[str] = Field(
        description="The zones the lot covers from now on: each by its code, or by"
        " 'COMMISSIONER:CODE' where two of the vehicle's commissioners have a zone of that code."
    )


class LotZonesData(LotZonesBody):
    vehicle: str
    lot: str


class StatusChangeBody(BaseModel):
    action: Literal["suspend", "remove", "reinstate"]
    on: date
    reason: str = Field(min_length=1, max_length=1000)


@router.put("/vehicles/{code}/admission")
def set_admission(uow: UowDep, by: Commissioner, code: str, body: AdmissionBody) -> AdmissionBody:
    """Who may apply to the vehicle and when: always open, in windows, or closed."""
    rules = AdmissionRules(
        Admission(body.mode, tuple(AdmissionWindow(w.opens_on, w.closes_on) for w in body.windows)),
        inadequate_allowed=body.inadequate_allowed,
        required_documents=frozenset(d.strip() for d in body.required_documents if d.strip()),
        insured_until=body.insured_until,
    )
    applications.set_admission(uow, code, rules, by=by.actor, now=datetime.now(UTC))
    return body


@router.get("/vehicles/{code}/lots/{lot}/zones", dependencies=[allow(*MARKET_READERS)])
def covered_zones(uow: UowDep, code: str, lot: str) -> LotZonesData:
    """The zones the lot covers."""
    found = lot_zones.lot_zones(uow, code, lot)
    return LotZonesData(vehicle=found.vehicle, lot=found.lot, zones=list(found.chosen))


@router.put("/vehicles/{code}/lots/{lot}/zones")
def set_covered_zones(
    uow: UowDep, by: Commissioner, code: str, lot: str, body: LotZonesBody
) -> LotZonesData:
    """Re-point the lot: the zones it covers from now on (at least one; 422 naming any that is
    not a zone of the vehicle's commissioners). Offers made and packages awarded are kept."""
    found = lot_zones.set_lot_zones(uow, code, lot, body.zones, by=by.actor, now=datetime.now(UTC))
    return LotZonesData(vehicle=found.vehicle, lot=found.lot, zones=list(found.chosen))


@router.post("/vehicles/{code}/applications", status_code=201)
def apply(uow: UowDep, by: Applicant, code: str, body: ApplicationBody) -> ApplicationSummary:
    """A provider applies for itself; staff apply on a provider's behalf. Refused with every
    problem found (422), or recorded to await a decision."""
    own = by.provider_name if by.actor.role is Role.PROVIDER else None
    form = ApplicationForm(
        provider=body.provider or own or "",
        cqc_location_ids=tuple(body.cqc_location_ids),
        cqc_rating=body.cqc_rating,
        insurance_expires_on=body.insurance_expires_on,
        capacity=body.capacity,
        documents=frozenset(body.documents),
        lots=tuple(body.lots),
    )
    return applications.apply(uow, code, form, by=by.actor, now=datetime.now(UTC))


@router.get("/applications")
def list_applications(
    uow: UowDep,
    by: Annotated[Principal, allow(*EVERYONE)],
    status: ApplicationStatus | None = None,
) -> list[ApplicationSummary]:
    """Applications, newest first; a provider sees its own."""
    return applications.list_applications(uow, viewer=by.actor, status=status)


@router.get("/applications/{application_id}")
def application(
    uow: UowDep, by: Annotated[Principal, allow(*EVERYONE)], application_id: int
) -> ApplicationSummary:
    """One application, with its decision; another provider's is not found for a provider."""
    return admission_views.get_application(uow, application_id, viewer=by.actor)


@router.post("/applications/{application_id}/decision")
def decide(
    uow: UowDep, by: Commissioner, application_id: int, body: DecisionBody
) -> ApplicationSummary:
    """Approve (to every lot applied for, or to `lots` declining the others, at `tier`) or
    reject with reasons; 409 if decided."""
    now = datetime.now(UTC)
    if body.approve:
        return applications.approve(
            uow,
            application_id,
            tier=body.tier,
            reasons=body.reasons,
            lots=body.lots,
            declined=body.declined,
            by=by.actor,
            now=now,
        )
    return applications.reject(uow, application_id, reasons=body.reasons, by=by.actor, now=now)


@router.get("/providers/{provider}/suspension")
def suspension_effect(
    uow: UowDep,
    by: Annotated[Principal, allow(*(POLICY_SETTERS | {Role.AUDITOR}))],
    provider: str,
    action: Literal["suspend", "remove", "reinstate"] = "suspend",
    on: date | None = None,
) -> EffectSummary:
    """What suspending, removing or reinstating the provider would do to its active
    packages."""
    day = on or datetime.now(UTC).date()
    return applications.suspension_effect(uow, provider, ProviderAction(action), on=day)


@router.post("/providers/{provider}/status")
def change_status(
    uow: UowDep, week: WeekDep, by: Commissioner, provider: str, body: StatusChangeBody
) -> EffectSummary:
    """Confirm a suspension, removal or reinstatement whose effect was shown; a removal
    sources the provider's active packages again."""
    return applications.confirm_status_change(
        uow,
        provider,
        ProviderAction(body.action),
        on=body.on,
        reason=body.reason,
        by=by.actor,
        now=datetime.now(UTC),
        week=week,
    )
