"""Procurement as the pages read it: a vehicle with its admission rules and the applications
waiting on it, the application queue, one application, and a provider's standing (its
places in lots, the packages it holds, what may be done to it).

A provider sees only its own applications; another's does not exist for it (NotFound).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.errors import NotFound
from caremarket.domain.market import ProviderStatus
from caremarket.domain.procurement import (
    AdmissionMode,
    AdmissionRules,
    AdmissionWindow,
    ApplicationStatus,
)
from caremarket.domain.suspensions import ProviderAction, allowed_actions
from caremarket.services import applications, structure
from caremarket.services.applications import NOT_SET, ApplicationSummary
from caremarket.services.brokerage import acting_provider
from caremarket.services.ports import UnitOfWork
from caremarket.services.structure import VehicleSummary


@dataclass(frozen=True)
class AdmissionView:
    """A vehicle's admission rules, and whether it takes applications on the day."""

    mode: AdmissionMode
    windows: tuple[AdmissionWindow, ...]
    inadequate_allowed: bool
    required_documents: tuple[str, ...]
    insured_until: date | None
    is_set: bool  # False: never set, so closed
    open_today: bool
    description: str  # "open", "closed until the next window, 1 April 2027 to ..."
    next_window: AdmissionWindow | None


@dataclass(frozen=True)
class VehiclePage:
    vehicle: VehicleSummary
    admission: AdmissionView
    waiting: tuple[ApplicationSummary, ...]  # awaiting a decision (a provider: its own)


@dataclass(frozen=True)
class PlaceView:
    vehicle: str
    lot: str
    tier: str
    lead: str | None
    joined_on: date | None


@dataclass(frozen=True)
class HeldPackage:
    reference: str
    zone: str
    lot: str | None
    weekly_hours: Decimal


@dataclass(frozen=True)
class ProviderPage:
    name: str
    cqc_rating: str
    cqc_location_ids: tuple[str, ...]
    status: ProviderStatus
    places: tuple[PlaceView, ...]
    held: tuple[HeldPackage, ...]  # active on the day
    actions: tuple[ProviderAction, ...]  # what may be done to it now

    @property
    def weekly_hours(self) -> Decimal:
        return sum((p.weekly_hours for p in self.held), Decimal(0))


def admission_view(uow: UnitOfWork, vehicle: str, *, today: date) -> AdmissionView:
    with uow:
        found = uow.admissions.find(uow.vehicles.get(vehicle))
    return _admission(found or NOT_SET, is_set=found is not None, today=today)


def vehicle_page(uow: UnitOfWork, code: str, *, viewer: Actor, today: date) -> VehiclePage:
    vehicle = structure.get_vehicle(uow, code)
    waiting = applications.list_applications(uow, viewer=viewer, status=ApplicationStatus.SUBMITTED)
    return VehiclePage(
        vehicle,
        admission_view(uow, code, today=today),
        tuple(sorted((a for a in waiting if a.vehicle == code), key=_oldest_first)),
    )


def vehicles_to_apply_to(
    uow: UnitOfWork, *, today: date
) -> list[tuple[VehicleSummary, AdmissionView]]:
    """Every vehicle, with whether it takes applications today."""
    return [(v, admission_view(uow, v.code, today=today)) for v in structure.list_vehicles(uow)]


def application_queue(
    uow: UnitOfWork,
    *,
    viewer: Actor,
    status: ApplicationStatus | None = None,
    vehicle: str | None = None,
    provider: str | None = None,
) -> list[ApplicationSummary]:
    """Those awaiting a decision first, the longest waiting first; then those decided, the
    latest decided first. A provider sees its own."""
    found = [
        a
        for a in applications.list_applications(uow, viewer=viewer, status=status)
        if (vehicle is None or a.vehicle == vehicle)
        and (provider is None or provider.casefold() in a.provider.casefold())
    ]
    waiting = sorted(
        (a for a in found if a.status is ApplicationStatus.SUBMITTED), key=_oldest_first
    )
    decided = sorted(
        (a for a in found if a.status is not ApplicationStatus.SUBMITTED),
        key=lambda a: (a.decided_on or date.min, a.id),
        reverse=True,
    )
    return waiting + decided


def get_application(uow: UnitOfWork, application_id: int, *, viewer: Actor) -> ApplicationSummary:
    """One application; another provider's is not found for a provider."""
    with uow:
        application = uow.applications.get(application_id)
        if (
            viewer.role is Role.PROVIDER
            and application.provider_name != acting_provider(uow, viewer).name
        ):
            raise NotFound(f"there is no application {application_id}")
        return applications.summary_of(application)


def provider_page(uow: UnitOfWork, name: str, *, on: date) -> ProviderPage:
    with uow:
        provider = uow.providers.get(name)
        places = [
            PlaceView(
                vehicle.code,
                lot.code,
                membership.tier.value,
                membership.lead.name if membership.lead else None,
                membership.joined_on,
            )
            for vehicle in sorted(uow.vehicles.list(), key=lambda v: v.code)
            for lot in vehicle.lots
            for membership in lot.members
            if membership.provider is provider
        ]
        held = [
            HeldPackage(p.reference, p.zone.code, p.lot.code if p.lot else None, p.weekly_hours)
            for p in sorted(uow.packages.list(provider=provider), key=lambda p: p.reference)
            if p.active_on(on)
        ]
        return ProviderPage(
            provider.name,
            provider.cqc_rating.value,
            tuple(provider.cqc_location_ids),
            provider.status,
            tuple(places),
            tuple(held),
            allowed_actions(provider),
        )


def _admission(rules: AdmissionRules, *, is_set: bool, today: date) -> AdmissionView:
    admission = rules.admission
    return AdmissionView(
        mode=admission.mode,
        windows=admission.windows,
        inadequate_allowed=rules.inadequate_allowed,
        required_documents=tuple(sorted(rules.required_documents)),
        insured_until=rules.insured_until,
        is_set=is_set,
        open_today=admission.is_open(today),
        description=admission.describe(today),
        next_window=admission.next_window(today),
    )


def _oldest_first(application: ApplicationSummary) -> tuple[date, int]:
    return application.applied_on, application.id
