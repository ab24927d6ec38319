"""Sourcing policies as people read them: each commissioner's, its lots' own, the presets."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.domain.policies import PRESETS, SourcingPolicy
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class PolicyView:
    code: str
    name: str
    description: str  # its stages in order, and what follows them
    source: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class LotPolicy:
    """A lot with a policy of its own, which overrides its commissioner's."""

    vehicle: str
    lot: str
    lot_name: str
    policy: PolicyView


@dataclass(frozen=True)
class CommissionerPolicies:
    code: str
    name: str
    policy: PolicyView | None  # None: not set yet, so nothing can be sourced
    lots: tuple[LotPolicy, ...]


def list_policies(uow: UnitOfWork) -> list[CommissionerPolicies]:
    """Every commissioner's policy and its lots' own, by commissioner code."""
    with uow:
        found = []
        for owner in sorted(uow.commissioners.list(), key=lambda c: c.code):
            overrides = []
            for vehicle in sorted(uow.vehicles.list(), key=lambda v: v.code):
                if not any(c.code == owner.code for c in vehicle.commissioners):
                    continue
                for lot in vehicle.lots:
                    own = uow.sourcings.policy(owner, lot)
                    if own is not None:
                        overrides.append(LotPolicy(vehicle.code, lot.code, lot.name, view(own)))
            policy = uow.sourcings.policy(owner)
            found.append(
                CommissionerPolicies(
                    owner.code,
                    owner.name,
                    None if policy is None else view(policy),
                    tuple(overrides),
                )
            )
        return found


def list_presets() -> list[PolicyView]:
    """The councils' models, ready to set."""
    return [view(policy) for policy in PRESETS.values()]


def view(policy: SourcingPolicy) -> PolicyView:
    return PolicyView(policy.code, policy.name, policy.describe(), policy.source, policy.notes)
