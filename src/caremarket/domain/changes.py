"""Trusted-assessor changes: a provider proposes a new visit pattern for a package.

Under trusted assessment the provider reviews the person's care and may change it. A
reduction of weekly hours within the policy's limit (20% by default) applies at once and is
reported to brokers; any other change — a larger reduction, or an increase — waits for a
broker's approval.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.market import Provider
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.patterns import VisitLine, weekly_minutes

DEFAULT_REDUCTION_LIMIT = Decimal(20)  # percent of weekly hours


class ChangeRefused(DomainError):
    pass


class ChangeAlreadyDecided(Conflict):
    pass


class ChangeStatus(enum.StrEnum):
    APPLIED = "applied"  # within the trusted limit: in force at once
    AWAITING_APPROVAL = "awaiting approval"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(eq=False)
class ChangeProposal:
    package: CarePackage
    provider: Provider
    pattern_before: tuple[VisitLine, ...]
    pattern_after: tuple[VisitLine, ...]
    effective_on: date
    proposed_at: datetime
    proposed_by: str
    reason: str
    status: ChangeStatus
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str = ""
    id: int | None = None

    @property
    def change_percent(self) -> Decimal:
        """The change in weekly hours as a percentage of before (negative: a reduction)."""
        before = weekly_minutes(self.pattern_before)
        after = weekly_minutes(self.pattern_after)
        return (Decimal(after - before) * 100 / before).quantize(Decimal("0.1"))

    def decide(self, *, approve: bool, at: datetime, by: str, note: str = "") -> None:
        if self.status is not ChangeStatus.AWAITING_APPROVAL:
            raise ChangeAlreadyDecided(f"this change is already {self.status.value}")
        self.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
        self.decided_at, self.decided_by, self.decision_note = at, by, note
        if approve:
            self.package.pattern = self.pattern_after


def propose_change(
    package: CarePackage,
    *,
    provider: Provider,
    pattern: tuple[VisitLine, ...],
    effective_on: date,
    reason: str,
    at: datetime,
    by: str,
    reduction_limit: Decimal = DEFAULT_REDUCTION_LIMIT,
) -> ChangeProposal:
    """A provider's proposal: applied at once when it reduces hours within the limit."""
    if package.status is not PackageStatus.ACTIVE or package.provider is not provider:
        raise ChangeRefused(f"{provider.name} holds no active package {package.reference}")
    if not reason.strip():
        raise ChangeRefused("say why the care should change (what the review found)")
    if tuple(pattern) == tuple(package.pattern):
        raise ChangeRefused("the proposed visits are the same as now")
    proposal = ChangeProposal(
        package,
        provider,
        tuple(package.pattern),
        tuple(pattern),
        effective_on,
        at,
        by,
        reason.strip(),
        ChangeStatus.AWAITING_APPROVAL,
    )
    change = proposal.change_percent
    if change < 0 and -change <= reduction_limit:
        proposal.status = ChangeStatus.APPLIED
        package.pattern = proposal.pattern_after
    return proposal
