"""Joining a vehicle: its admission rules, providers' applications and the commissioners'
decisions on them; suspending or removing a provider, its effect shown first.

The domain (`domain/procurement.py`, `domain/suspensions.py`) decides; here each use case
reads what it needs, records the decision in the audit trail and commits once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain import procurement, suspensions
from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.calendar import LONDON, WorkingWeek
from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.market import CqcRating, Provider, Tier, Vehicle
from caremarket.domain.notifications import to_brokers
from caremarket.domain.procurement import (
    Admission,
    AdmissionMode,
    AdmissionRules,
    Application,
    ApplicationNotAdmissible,
    ApplicationProblem,
    ApplicationStatus,
)
from caremarket.domain.suspensions import ActionEffect, ProviderAction
from caremarket.services import contracts
from caremarket.services.brokerage import acting_provider, begin_round, drop_from_rounds
from caremarket.services.ports import UnitOfWork

APPLICATION = "application"
VEHICLE = "vehicle"
PROVIDER = "provider"

# A vehicle whose admission was never set takes no applications.
NOT_SET = AdmissionRules(Admission(AdmissionMode.CLOSED))


class ApplyingForAnotherProvider(DomainError):
    """A provider's account applies only in its own name."""


class ApplicationAlreadyMade(Conflict):
    """The provider's earlier application to the vehicle still awaits a decision."""


class WorkingWeekNeeded(DomainError):
    """A suspension or removal moves rounds of sourcing on, which count business hours."""


@dataclass(frozen=True)
class ApplicationForm:
    """What a provider applies with."""

    provider: str
    cqc_location_ids: tuple[str, ...]
    cqc_rating: CqcRating
    insurance_expires_on: date
    capacity: Mapping[str, Decimal] = field(default_factory=dict)
    documents: frozenset[str] = frozenset()
    lots: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApplicationSummary:
    id: int
    vehicle: str
    provider: str
    cqc_location_ids: tuple[str, ...]
    cqc_rating: CqcRating
    insurance_expires_on: date
    capacity: dict[str, Decimal]
    documents: tuple[str, ...]
    lots: tuple[str, ...]
    applied_on: date
    applied_by: str
    status: ApplicationStatus
    tier: Tier | None
    decided_on: date | None
    decided_by: str | None
    reasons: tuple[str, ...]  # every reason, a declined lot's among them
    admitted_lots: tuple[str, ...] = ()
    declined: dict[str, str] = field(default_factory=dict)  # lot code: why it was declined
    general_reasons: tuple[str, ...] = ()  # the reasons not about one declined lot


@dataclass(frozen=True)
class HeldPackageSummary:
    reference: str
    zone: str
    lot: str | None
    weekly_hours: Decimal
    to_source_again: bool


@dataclass(frozen=True)
class PlaceSummary:
    """A place in a lot that a removal ends."""

    vehicle: str
    lot: str
    provider: str
    tier: str
    lead: str | None
    joined_on: date | None


@dataclass(frozen=True)
class HeldPackagesSummary:
    zone: str
    lot: str | None
    count: int
    weekly_hours: Decimal


@dataclass(frozen=True)
class EffectSummary:
    """What suspending or removing a provider would do (or did), to show before confirming."""

    provider: str
    status: str
    action: ProviderAction
    on: date
    count: int
    weekly_hours: Decimal
    packages: tuple[str, ...]
    to_source_again: tuple[str, ...]
    by_zone_and_lot: tuple[HeldPackagesSummary, ...]
    description: str
    kept: tuple[str, ...] = ()
    held: tuple[HeldPackageSummary, ...] = ()
    places_ended: tuple[PlaceSummary, ...] = ()
    sourced_again: tuple[str, ...] = ()  # once confirmed: the packages a new round began for
    contracts_ended: tuple[str, ...] = ()  # a removal's: contracts in force the day before


def set_admission(
    uow: UnitOfWork, vehicle: str, rules: AdmissionRules, *, by: Actor, now: datetime
) -> None:
    """Set who may apply to the vehicle and when; the rules apply to applications made from
    now on (and to decisions on those still waiting)."""
    with uow:
        found = uow.vehicles.get(vehicle)
        before = uow.admissions.find(found)
        uow.admissions.set(found, rules, at=now, by=by.name)
        uow.audit.record(
            entry(
                by,
                now,
                "admission set",
                (VEHICLE, vehicle),
                {"before": _rules_data(before), "after": _rules_data(rules)},
            )
        )
        uow.commit()


def admission_of(uow: UnitOfWork, vehicle: str) -> AdmissionRules:
    with uow:
        return _rules_of(uow, uow.vehicles.get(vehicle))


def apply(
    uow: UnitOfWork, vehicle: str, form: ApplicationForm, *, by: Actor, now: datetime
) -> ApplicationSummary:
    """Record a provider's application, or refuse it with every problem found
    (ApplicationNotAdmissible) and record nothing. A provider not yet known to caremarket
    is added when its application is approved, not before."""
    if not form.provider.strip():
        raise ApplicationNotAdmissible(
            [ApplicationProblem("provider", "say which provider applies")]
        )
    with uow:
        found = uow.vehicles.get(vehicle)
        if by.role is Role.PROVIDER and acting_provider(uow, by).name != form.provider:
            raise ApplyingForAnotherProvider("a provider's account applies only for itself")
        application = Application(
            provider_name=form.provider.strip(),
            cqc_location_ids=tuple(i.strip() for i in form.cqc_location_ids),
            cqc_rating=form.cqc_rating,
            insurance_expires_on=form.insurance_expires_on,
            capacity=dict(form.capacity),
            documents=frozenset(form.documents),
            lots=tuple(form.lots),
            applied_on=now.astimezone(LONDON).date(),
        )
        problems = procurement.problems(application, found, _rules_of(uow, found))
        if problems:
            raise ApplicationNotAdmissible(problems)
        waiting = uow.applications.search(
            status=ApplicationStatus.SUBMITTED, provider_name=application.provider_name
        )
        if any(a.vehicle is found for a in waiting):
            raise ApplicationAlreadyMade(
                f"{application.provider_name} has applied to {vehicle} already;"
                " that application awaits a decision"
            )
        application.vehicle = found  # type: ignore[attr-defined]
        application.provider = uow.providers.find(application.provider_name)  # type: ignore[attr-defined]
        application.applied_at = now  # type: ignore[attr-defined]
        application.applied_by = by.name  # type: ignore[attr-defined]
        uow.applications.add(application)
        uow.flush()
        uow.audit.record(
            entry(
                by,
                now,
                "application made",
                (APPLICATION, str(application.id)),
                {
                    "vehicle": vehicle,
                    "provider": application.provider_name,
                    "lots": list(application.lots),
                    "cqc_rating": application.cqc_rating.value,
                },
            )
        )
        uow.commit()
        return summary_of(application)


def approve(
    uow: UnitOfWork,
    application_id: int,
    *,
    tier: Tier,
    by: Actor,
    now: datetime,
    reasons: Sequence[str] = (),
    lots: Sequence[str] | None = None,
    declined: Mapping[str, str] | None = None,
) -> ApplicationSummary:
    """Admit the applicant at `tier` to every lot it applied for, or to `lots` (some of them)
    declining the others with reasons (`declined`: lot code to reason). A provider new to
    caremarket is added now; a known one has its CQC rating and location IDs brought up to
    date from the application."""
    with uow:
        application = uow.applications.get(application_id)
        vehicle: Vehicle = application.vehicle  # type: ignore[attr-defined]
        known: Provider | None = application.provider or uow.providers.find(  # type: ignore[attr-defined]
            application.provider_name
        )
        provider = procurement.approve(
            application,
            vehicle,
            _rules_of(uow, vehicle),
            tier=tier,
            on=now.astimezone(LONDON).date(),
            by=by.name,
            reasons=reasons,
            provider=known,
            lots=lots,
            declined=declined,
        )
        if known is None:
            uow.providers.add(provider)
        else:
            refreshed = procurement.refresh(known, application)
            if refreshed:
                uow.audit.record(
                    entry(
                        by,
                        now,
                        "provider refreshed from its application",
                        (PROVIDER, known.name),
                        refreshed | {"application": application_id},
                    )
                )
        application.provider = provider  # type: ignore[attr-defined]
        application.tier = tier  # type: ignore[attr-defined]
        application.decided_at = now  # type: ignore[attr-defined]
        uow.audit.record(
            entry(
                by,
                now,
                "application approved",
                (APPLICATION, str(application_id)),
                {
                    "vehicle": vehicle.code,
                    "provider": provider.name,
                    "lots": list(application.admitted_lots),
                    "declined": application.declined,
                    "tier": tier.value,
                    "new_provider": known is None,
                },
                reason="; ".join(application.reasons) or None,
            )
        )
        uow.commit()
        return summary_of(application)


def reject(
    uow: UnitOfWork, application_id: int, *, reasons: Sequence[str], by: Actor, now: datetime
) -> ApplicationSummary:
    with uow:
        application = uow.applications.get(application_id)
        procurement.reject(
            application, on=now.astimezone(LONDON).date(), by=by.name, reasons=reasons
        )
        application.decided_at = now  # type: ignore[attr-defined]
        uow.audit.record(
            entry(
                by,
                now,
                "application rejected",
                (APPLICATION, str(application_id)),
                {
                    "vehicle": application.vehicle.code,  # type: ignore[attr-defined]
                    "provider": application.provider_name,
                },
                reason="; ".join(application.reasons),
            )
        )
        uow.commit()
        return summary_of(application)


def list_applications(
    uow: UnitOfWork, *, viewer: Actor, status: ApplicationStatus | None = None
) -> list[ApplicationSummary]:
    """Applications, newest first: staff see all; a provider its own."""
    with uow:
        own = acting_provider(uow, viewer).name if viewer.role is Role.PROVIDER else None
        return [summary_of(a) for a in uow.applications.search(status=status, provider_name=own)]


def suspension_effect(
    uow: UnitOfWork, provider: str, action: ProviderAction, *, on: date
) -> EffectSummary:
    """What suspending, removing or reinstating the provider on `on` would do to its active
    packages (and, for a removal, to its places in lots)."""
    with uow:
        effect = _effect(uow, provider, action, on)
        return _effect_summary(effect, contracts_ended=_contracts_ended(uow, effect))


def confirm_status_change(
    uow: UnitOfWork,
    provider: str,
    action: ProviderAction,
    *,
    on: date,
    reason: str,
    by: Actor,
    now: datetime,
    week: WorkingWeek | None = None,
) -> EffectSummary:
    """Suspend, remove or reinstate the provider, as shown by `suspension_effect`.

    A suspended provider keeps its packages and is offered no new ones until reinstated: it
    leaves the rounds of sourcing under way (its open offers withdrawn, its bids set aside;
    reinstated, it is asked again in rounds begun from then on). A removed one leaves them
    too, and its lots (its subcontractors' places through it end too; the audit entry keeps
    each place as it was), and a new round of sourcing begins, without it, for each active
    package it held: it delivers care until a new provider starts. A package already being
    sourced again (handed back) is left to the round under way. Suspension and removal need
    the `week` that sourcing counts business hours in.
    """
    if action is not ProviderAction.REINSTATE and week is None:
        raise WorkingWeekNeeded(f"to {action} a provider, give the working week for sourcing")
    with uow:
        effect = _effect(uow, provider, action, on)
        places = _places(effect)  # as they were, before they end
        change = suspensions.confirm(effect, by=by.name, reason=reason.strip())
        left: list[str] = []
        if week is not None and action is not ProviderAction.REINSTATE:
            left = drop_from_rounds(uow, effect.provider, by=by, now=now, week=week)
        ended: list[str] = []
        if action is ProviderAction.REMOVE:
            ended = contracts.end_contracts_with(
                uow,
                effect.provider,
                on=on,
                reason=f"provider removed: {reason.strip()}",
                by=by,
                now=now,
            )
        uow.audit.record(
            entry(
                by,
                now,
                {
                    ProviderAction.SUSPEND: "provider suspended",
                    ProviderAction.REMOVE: "provider removed",
                    ProviderAction.REINSTATE: "provider reinstated",
                }[action],
                (PROVIDER, provider),
                {
                    "status": [change.before.value, change.after.value],
                    "on": on.isoformat(),
                    "active_packages": [p.reference for p in effect.packages],
                    "weekly_hours": str(effect.weekly_hours),
                }
                | ({"places_ended": [_place_data(p) for p in places]} if places else {})
                | ({"rounds_left": left} if left else {})
                | ({"contracts_ended": ended} if ended else {}),
                reason=change.reason,
            )
        )
        sourced = _source_again(uow, effect, by=by, now=now, week=week) if week else ()
        uow.commit()
        return _effect_summary(effect, places=places, sourced_again=sourced, contracts_ended=ended)


def _source_again(
    uow: UnitOfWork, effect: ActionEffect, *, by: Actor, now: datetime, week: WorkingWeek
) -> tuple[str, ...]:
    sourced = []
    for package in effect.to_source_again:
        current = uow.sourcings.current(package)
        if current is not None and current.closed_at is None:
            continue  # handed back already: the round under way goes on without it
        begin_round(
            uow,
            package,
            number=current.number + 1 if current else 1,
            cause="provider removed",
            by=by,
            now=now,
            week=week,
            excluding=effect.provider,
        )
        uow.notifications.add(
            to_brokers(
                now,
                f"Provider removed: care package {package.reference}",
                f"{effect.provider.name} has been removed from the market; care package"
                f" {package.reference} is being sourced again. {effect.provider.name} delivers"
                " care until a new provider starts.",
                package.reference,
            )
        )
        sourced.append(package.reference)
    return tuple(sourced)


def _effect(uow: UnitOfWork, name: str, action: ProviderAction, on: date) -> ActionEffect:
    provider = uow.providers.get(name)
    held = sorted(uow.packages.list(provider=provider), key=lambda p: p.reference)
    vehicles = uow.vehicles.list() if action is ProviderAction.REMOVE else ()
    return suspensions.effect_of(action, provider, held, on=on, vehicles=vehicles)


def _rules_of(uow: UnitOfWork, vehicle: Vehicle) -> AdmissionRules:
    return uow.admissions.find(vehicle) or NOT_SET


def _rules_data(rules: AdmissionRules | None) -> dict | None:
    if rules is None:
        return None
    return {
        "mode": rules.admission.mode.value,
        "windows": [[str(w.opens_on), str(w.closes_on)] for w in rules.admission.windows],
        "inadequate_allowed": rules.inadequate_allowed,
        "required_documents": sorted(rules.required_documents),
        "insured_until": str(rules.insured_until) if rules.insured_until else None,
    }


def summary_of(application: Application) -> ApplicationSummary:
    assert application.id is not None
    return ApplicationSummary(
        id=application.id,
        vehicle=application.vehicle.code,  # type: ignore[attr-defined]
        provider=application.provider_name,
        cqc_location_ids=tuple(application.cqc_location_ids),
        cqc_rating=application.cqc_rating,
        insurance_expires_on=application.insurance_expires_on,
        capacity=dict(application.capacity),
        documents=tuple(sorted(application.documents)),
        lots=tuple(application.lots),
        applied_on=application.applied_on,
        applied_by=application.applied_by,  # type: ignore[attr-defined]
        status=application.status,
        tier=application.tier,  # type: ignore[attr-defined]
        decided_on=application.decided_on,
        decided_by=application.decided_by,
        reasons=tuple(application.reasons),
        admitted_lots=application.admitted_lots,
        declined=application.declined,
        general_reasons=application.general_reasons,
    )


def _places(effect: ActionEffect) -> list[PlaceSummary]:
    return [
        PlaceSummary(
            vehicle=p.vehicle,
            lot=p.lot.code,
            provider=p.provider,
            tier=p.tier.value,
            lead=p.membership.lead.name if p.membership.lead else None,
            joined_on=p.membership.joined_on,
        )
        for p in effect.places_ended
    ]


def _place_data(place: PlaceSummary) -> dict:
    return {
        "vehicle": place.vehicle,
        "lot": place.lot,
        "provider": place.provider,
        "tier": place.tier,
        "lead": place.lead,
        "joined_on": place.joined_on.isoformat() if place.joined_on else None,
    }


def _effect_summary(
    effect: ActionEffect,
    *,
    places: Sequence[PlaceSummary] | None = None,
    sourced_again: Sequence[str] = (),
    contracts_ended: Sequence[str] = (),
) -> EffectSummary:
    again = {id(p) for p in effect.to_source_again}
    return EffectSummary(
        provider=effect.provider.name,
        status=effect.provider.status.value,
        action=effect.action,
        on=effect.on,
        count=effect.count,
        weekly_hours=effect.weekly_hours,
        packages=tuple(p.reference for p in effect.packages),
        to_source_again=tuple(p.reference for p in effect.to_source_again),
        by_zone_and_lot=tuple(
            HeldPackagesSummary(h.zone, h.lot, h.count, h.weekly_hours)
            for h in effect.by_zone_and_lot
        ),
        description=effect.describe(),
        kept=tuple(p.reference for p in effect.kept),
        held=tuple(
            HeldPackageSummary(
                p.reference,
                p.zone.code,
                p.lot.code if p.lot else None,
                p.weekly_hours,
                id(p) in again,
            )
            for p in effect.packages
        ),
        places_ended=tuple(_places(effect) if places is None else places),
        sourced_again=tuple(sourced_again),
        contracts_ended=tuple(contracts_ended),
    )


def _contracts_ended(uow: UnitOfWork, effect: ActionEffect) -> list[str]:
    if effect.action is not ProviderAction.REMOVE:
        return []
    return [c.reference for c in contracts.contracts_ending_with(uow, effect.provider, effect.on)]
