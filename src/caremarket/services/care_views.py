"""Care around a package as people read it: its bridging care, its hand-backs, the changes
proposed to its visits, its subcontractor, and what the viewer may do about them.

A provider sees the hand-backs and changes of its own only, and no bridging care (a broker's
arrangement while a provider is found).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Tier
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.patterns import format_pattern
from caremarket.services import changes
from caremarket.services.brokerage import LEAVABLE, NoPolicy, acting_provider, policy_for
from caremarket.services.changes import ChangeSummary
from caremarket.services.market import may_see
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class BridgeView:
    service: str
    starts_on: date
    planned_end_on: date
    ended_on: date | None  # None: in place
    placed_at: datetime
    placed_by: str


@dataclass(frozen=True)
class HandBackView:
    provider: str
    reason: str
    note: str
    given_at: datetime
    given_by: str
    notice_ends_on: date
    last_day: date | None  # None: until the new provider starts, or notice ends


@dataclass(frozen=True)
class PackageCare:
    reference: str
    status: str
    pattern: str
    weekly_hours: Decimal
    provider: str | None
    subcontractor: str | None
    bridges: tuple[BridgeView, ...]  # newest first
    hand_backs: tuple[HandBackView, ...]  # newest first
    changes: tuple[ChangeSummary, ...]  # newest first
    reduction_limit: Decimal | None  # for the holder, as trusted assessor; None: no policy yet
    holder: bool  # the viewer is the provider holding the package
    handing_back: bool  # the holder has handed it back and delivers it under notice
    may_bridge: bool  # not yet placed (or handed back), with no bridge in place
    may_leave_sourcing: bool  # not yet placed: a direct payment may replace it
    subcontractors: tuple[str, ...]  # the holder's subcontractors in the package's lot


def package_care(uow: UnitOfWork, reference: str, *, viewer: Actor) -> PackageCare:
    """Everything around one package the viewer may see; NotFound where it may see none."""
    care = _package_care(uow, reference, viewer)
    proposed = changes.list_changes(uow, viewer=viewer, reference=reference)
    return replace(care, changes=tuple(proposed))


def _package_care(uow: UnitOfWork, reference: str, viewer: Actor) -> PackageCare:
    with uow:
        package = uow.packages.find(reference)
        if package is None or not may_see(uow, viewer, package):
            raise NotFound(f"there is no care package {reference}")
        own = acting_provider(uow, viewer) if viewer.role is Role.PROVIDER else None
        holder = own is not None and package.provider is own
        hand_backs = [
            h for h in uow.hand_backs.list(package=package) if own is None or h.provider is own
        ]
        open_hand_back = any(h.ended_on is None for h in hand_backs)
        bridges = [] if own is not None else list(uow.bridgings.list(package=package))
        active = package.status is PackageStatus.ACTIVE
        return PackageCare(
            reference=package.reference,
            status=package.status.value,
            pattern=format_pattern(package.pattern),
            weekly_hours=package.weekly_hours,
            provider=package.provider.name if package.provider else None,
            subcontractor=package.subcontractor.name if package.subcontractor else None,
            bridges=tuple(
                BridgeView(
                    b.service, b.starts_on, b.planned_end_on, b.ended_on, b.placed_at, b.placed_by
                )
                for b in sorted(bridges, key=lambda b: b.placed_at, reverse=True)
            ),
            hand_backs=tuple(
                HandBackView(
                    h.provider.name,
                    h.reason.value,
                    h.note,
                    h.given_at,
                    h.given_by,
                    h.notice_ends_on,
                    h.ended_on,
                )
                for h in sorted(hand_backs, key=lambda h: h.given_at, reverse=True)
            ),
            changes=(),
            reduction_limit=_reduction_limit(uow, package) if holder else None,
            holder=holder,
            handing_back=holder and open_hand_back,
            may_bridge=(package.status in LEAVABLE or (active and open_hand_back))
            and not any(b.ended_on is None for b in bridges),
            may_leave_sourcing=package.status in LEAVABLE,
            subcontractors=_subcontractors(package) if holder and active else (),
        )


def _reduction_limit(uow: UnitOfWork, package: CarePackage) -> Decimal | None:
    try:
        return policy_for(uow, package).reduction_limit
    except NoPolicy:
        return None


def _subcontractors(package: CarePackage) -> tuple[str, ...]:
    """Who the holder may place the package with: its own subcontractors in the lot."""
    if package.lot is None:
        return ()
    return tuple(
        sorted(
            m.provider.name
            for m in package.lot.members
            if m.tier is Tier.SUBCONTRACTOR and m.lead is package.provider
        )
    )
