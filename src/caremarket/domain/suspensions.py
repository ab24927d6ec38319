"""Suspending or removing a provider: first the effect on the packages it holds, as a value
a page can show, then, once someone confirms it, the change of status.

A suspended provider keeps its active packages but receives no new offers; a removed one
leaves the vehicle and every active package it holds must be sourced again.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.errors import DomainError
from caremarket.domain.market import Provider, ProviderStatus
from caremarket.domain.packages import CarePackage
from caremarket.domain.procurement import InvalidDecision


class ProviderStatusNotChanged(DomainError):
    """A suspension or removal that the provider's status does not allow."""


class ProviderAction(enum.StrEnum):
    SUSPEND = "suspend"  # keeps its packages, receives no new offers
    REMOVE = "remove"  # leaves the vehicle: its packages must be sourced again


@dataclass(frozen=True)
class HeldPackages:
    zone: str
    lot: str | None
    count: int
    weekly_hours: Decimal


@dataclass(frozen=True)
class ActionEffect:
    """What suspending or removing a provider would do, shown before it is confirmed."""

    provider: Provider
    action: ProviderAction
    on: date
    packages: tuple[CarePackage, ...]  # active on `on`, held by the provider
    by_zone_and_lot: tuple[HeldPackages, ...]

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

    def describe(self) -> str:
        held = f"{self.count} active package{'s' if self.count != 1 else ''}"
        hours = f"{self.weekly_hours.normalize():f} hours a week"
        if self.action is ProviderAction.REMOVE:
            return f"removing {self.provider.name} leaves {held} ({hours}) to be sourced again"
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
    action: ProviderAction, provider: Provider, packages: Iterable[CarePackage], *, on: date
) -> ActionEffect:
    """The packages the provider holds on `on`, and what the action would do to them."""
    _check_action_allowed(action, provider)
    held = tuple(p for p in packages if p.provider is provider and p.active_on(on))
    groups: dict[tuple[str, str | None], list[CarePackage]] = defaultdict(list)
    for package in held:
        groups[(package.zone.code, package.lot.code if package.lot else None)].append(package)
    by_zone_and_lot = tuple(
        HeldPackages(zone, lot, len(ps), sum((p.weekly_hours for p in ps), Decimal(0)))
        for (zone, lot), ps in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or ""))
    )
    return ActionEffect(provider, action, on, held, by_zone_and_lot)


def confirm(effect: ActionEffect, *, by: str, reason: str) -> ProviderStatusChange:
    """Carry out the action whose effect was shown: change the provider's status."""
    _check_action_allowed(effect.action, effect.provider)
    if not by.strip() or not reason.strip():
        raise InvalidDecision(f"to {effect.action} a provider, say who decided it and why")
    before = effect.provider.status
    suspending = effect.action is ProviderAction.SUSPEND
    after = ProviderStatus.SUSPENDED if suspending else ProviderStatus.EXITED
    effect.provider.status = after
    return ProviderStatusChange(effect.provider, before, after, effect.on, by, reason, effect)


def _check_action_allowed(action: ProviderAction, provider: Provider) -> None:
    allowed = {
        ProviderAction.SUSPEND: {ProviderStatus.ACTIVE},
        ProviderAction.REMOVE: {ProviderStatus.ACTIVE, ProviderStatus.SUSPENDED},
    }[action]
    if provider.status not in allowed:
        raise ProviderStatusNotChanged(
            f"{provider.name} is {provider.status} and cannot be suspended"
            if action is ProviderAction.SUSPEND
            else f"{provider.name} has already left and cannot be removed"
        )
