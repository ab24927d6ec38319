"""Hand-backs: a provider gives an active package back, with notice and a reason.

The package is sourced again under the policy; the provider keeps delivering until the new
provider starts or its notice ends, whichever is first. Councils count hand-backs by
provider and reason, and aim to end them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.market import Provider
from caremarket.domain.packages import CarePackage, PackageStatus

DEFAULT_NOTICE_DAYS = 14


class HandBackRefused(DomainError):
    pass


class AlreadyHandedBack(Conflict):
    pass


class HandBackReason(enum.StrEnum):
    STAFFING = "staffing"  # not enough care workers
    COMPLEXITY = "complexity"  # needs beyond what the provider can safely meet
    TRAVEL = "travel"  # too far, or too hard to reach
    RELATIONSHIP = "relationship"  # the person or family and the provider
    OTHER = "other"


@dataclass(eq=False)
class HandBack:
    package: CarePackage
    provider: Provider
    given_at: datetime
    given_by: str
    reason: HandBackReason
    notice_ends_on: date
    note: str = ""
    ended_on: date | None = None  # the provider's last day of care
    id: int | None = None

    def release(self, new_start_on: date) -> date:
        """The provider's last day: the day before the new provider starts, or notice ends."""
        self.ended_on = min(self.notice_ends_on, new_start_on - timedelta(days=1))
        return self.ended_on


def hand_back(
    package: CarePackage,
    *,
    provider: Provider,
    reason: HandBackReason,
    given_at: datetime,
    given_by: str,
    today: date,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    note: str = "",
) -> HandBack:
    if package.status is not PackageStatus.ACTIVE or package.provider is not provider:
        raise HandBackRefused(f"{provider.name} holds no active package {package.reference}")
    if notice_days < 0:
        raise HandBackRefused("a notice period cannot be negative")
    return HandBack(
        package, provider, given_at, given_by, reason, today + timedelta(days=notice_days), note
    )
