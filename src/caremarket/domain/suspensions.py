"""Suspending or removing a provider: first the effect on the packages it holds, as a value
a page can show, then, once someone confirms it, the change of status.

A suspended provider keeps its active packages but receives no new offers, until it is
reinstated; a removed one leaves every lot it is in (and its subcontractors leave with it,
as they work only through it) and every active package it holds must be sourced again.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.errors import DomainError
from caremarket.domain.market import Lot, Membership, Provider, ProviderStatus, Tier, Vehicle
from caremarket.domain.packages import CarePackage
from caremarket.domain.procurement import InvalidDecision


class ProviderStatusNotChanged(DomainError):
    """A suspension or removal that the provider's status does not allow."""


class ProviderAction(enum.StrEnum):
    SUSPEND = "suspend"  # keeps its packages, receives no new offers
    REMOVE = "remove"  # leaves the vehicle: its packages must be sourced again
    REINSTATE = "reinstate"  # a suspension lifted: new offers again


@dataclass(frozen=True)
class HeldPackages:
    zone: str
    lot: str | None
    count: int
    weekly_hours: Decimal


@dataclass(frozen=True)
class LotPlace:
    """A place in a lot that a removal ends: the provider's own, or a subcontractor's
    through it."""

    vehicle: str
    lot: Lot
    membership: Membership

    @property
    def provider(self) -> str:
        return self.membership.provider.name

    @property
    def tier(self) -> Tier:
        return self.membership.tier


@dataclass(frozen=True)
class ActionEffect:
    """What suspending or removing a provider would do, shown before it is confirmed."""

    provider: Provider
    action: ProviderAction
    on: date
    packages: tuple[CarePackage, ...]  # active on `on`, held by the provider
    by_zone_and_lot: tuple[HeldPackages, ...]
    places_ended: tuple[LotPlace, ...] = ()  # a removal's: the lots it leaves

    @property
    def count(self) -> int:
        return len(self.packages)

    @property
    def weekly_hours(self) -> Decimal:
        return sum((p.weekly_hours for p in self.packages), Decimal(0))

    @property
    def to_source_again(self) -> tuple[CarePackage, ...]:
        return self.packages if self.action is ProviderAction.REMOVE else ()

    @property
    def kept_without_new_offers(self) -> tuple[CarePackage, ...]:
        return self.packages if self.action is ProviderAction.SUSPEND else ()

    @property
    def kept(self) -> tuple[CarePackage, ...]:
        """The packages that stay with the provider."""
        again = {id(p) for p in self.to_source_again}
        return tuple(p for p in self.packages if id(p) not in again)

    def describe(self) -> str:
        held = f"{self.count} active package{'s' if self.count != 1 else ''}"
        hours = f"{self.weekly_hours.normalize():f} hours a week"
        if self.action is ProviderAction.REMOVE:
            return f"removing {self.provider.name} leaves {held} ({hours}) to be sourced again"
        if self.action is ProviderAction.REINSTATE:
            return (
                f"reinstating {self.provider.name}: it receives new offers again and keeps"
                f" {held} ({hours})"
            )
        return (
            f"suspending {self.provider.name} keeps {held} ({hours}) with it;"
            " it receives no new offers"
        )


@dataclass(frozen=True)
class ProviderStatusChange:
    provider: Provider
    before: ProviderStatus
    after: ProviderStatus
    on: date
    by: str
    reason: str
    effect: ActionEffect


def effect_of(
    action: ProviderAction,
    provider: Provider,
    packages: Iterable[CarePackage],
    *,
    on: date,
    vehicles: Iterable[Vehicle] = (),
) -> ActionEffect:
    """The packages the provider holds on `on`, and what the action would do to them; for a
    removal, also the places in the `vehicles`' lots it ends."""
    _check_action_allowed(action, provider)
    held = tuple(p for p in packages if p.provider is provider and p.active_on(on))
    groups: dict[tuple[str, str | None], list[CarePackage]] = defaultdict(list)
    for package in held:
        groups[(package.zone.code, package.lot.code if package.lot else None)].append(package)
    by_zone_and_lot = tuple(
        HeldPackages(zone, lot, len(ps), sum((p.weekly_hours for p in ps), Decimal(0)))
        for (zone, lot), ps in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or ""))
    )
    places = _places_of(provider, vehicles) if action is ProviderAction.REMOVE else ()
    return ActionEffect(provider, action, on, held, by_zone_and_lot, places)


def confirm(effect: ActionEffect, *, by: str, reason: str) -> ProviderStatusChange:
    """Carry out the action whose effect was shown: change the provider's status; a removal
    also ends its places in lots (and its subcontractors' through it)."""
    _check_action_allowed(effect.action, effect.provider)
    if not by.strip() or not reason.strip():
        raise InvalidDecision(f"to {effect.action} a provider, say who decided it and why")
    before = effect.provider.status
    after = {
        ProviderAction.SUSPEND: ProviderStatus.SUSPENDED,
        ProviderAction.REMOVE: ProviderStatus.EXITED,
        ProviderAction.REINSTATE: ProviderStatus.ACTIVE,
    }[effect.action]
    effect.provider.status = after
    for place in effect.places_ended:
        if place.membership in place.lot.members:
            place.lot.members.remove(place.membership)
    return ProviderStatusChange(effect.provider, before, after, effect.on, by, reason, effect)


def _places_of(provider: Provider, vehicles: Iterable[Vehicle]) -> tuple[LotPlace, ...]:
    places = []
    for vehicle in vehicles:
        for lot in vehicle.lots:
            for membership in lot.members:
                if membership.provider is provider or membership.lead is provider:
                    places.append(LotPlace(vehicle.code, lot, membership))
    return tuple(places)


_ALLOWED_FROM = {
    ProviderAction.SUSPEND: {ProviderStatus.ACTIVE},
    ProviderAction.REMOVE: {ProviderStatus.ACTIVE, ProviderStatus.SUSPENDED},
    ProviderAction.REINSTATE: {ProviderStatus.SUSPENDED},
}


def allowed_actions(provider: Provider) -> tuple[ProviderAction, ...]:
    """What may be done to the provider as it stands: suspend or remove an active one,
    reinstate or remove a suspended one, nothing to one that has left."""
    return tuple(a for a in ProviderAction if provider.status in _ALLOWED_FROM[a])


def _check_action_allowed(action: ProviderAction, provider: Provider) -> None:
    if provider.status not in _ALLOWED_FROM[action]:
        raise ProviderStatusNotChanged(
            {
                ProviderAction.SUSPEND: f"{provider.name} is {provider.status} and cannot be"
                " suspended",
                ProviderAction.REMOVE: f"{provider.name} has already left and cannot be removed",
                ProviderAction.REINSTATE: f"{provider.name} is {provider.status}, not suspended,"
                " and cannot be reinstated",
            }[action]
        )
