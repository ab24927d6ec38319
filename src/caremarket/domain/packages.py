"""People and their care packages."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.market import Commissioner, Lot, Provider, ServiceType, Zone
from caremarket.domain.patterns import VisitLine, weekly_hours, weekly_minutes
from caremarket.domain.priority import Risk
from caremarket.domain.shares import check_shares_total

PERSONAL_CONTRIBUTION = "PERSON"  # the funder code for the person's own contribution


@dataclass(eq=False)
class Person:
    """Someone who receives care, known by a pseudonymised reference; no name is kept."""

    commissioner: Commissioner
    reference: str
    postcode: str
    nhs_number: str | None = None
    id: int | None = None

    def __repr__(self) -> str:
        return f"Person({self.reference!r})"


@dataclass(frozen=True)
class FundingShare:
    funder: str  # a commissioner's code, or PERSON for the person's contribution
    share: Decimal  # percent
    # The person's assessed contribution as pounds a week (from the financial assessment),
    # met first from each week's cost; such a share is the PERSON's, with `share` 0.
    weekly: Decimal | None = None

    def __post_init__(self) -> None:
        if self.weekly is not None:
            if self.funder != PERSONAL_CONTRIBUTION:
                raise ValueError("only the person pays a weekly assessed contribution")
            if self.weekly <= 0 or self.weekly != self.weekly.quantize(Decimal("0.01")):
                raise ValueError(f"a weekly contribution is pounds and pence, not {self.weekly}")


def weekly_contribution(funding: Iterable[FundingShare]) -> Decimal:
    """The person's assessed contribution a week (0: none, or a percentage share only)."""
    return sum((f.weekly for f in funding if f.weekly is not None), Decimal(0))


def with_weekly_contribution(
    funding: Iterable[FundingShare], weekly: Decimal | None
) -> tuple[FundingShare, ...]:
    """The funding with the person's weekly assessed contribution `weekly` in place of any
    before (None or 0: none), its percentage shares kept."""
    added = (FundingShare(PERSONAL_CONTRIBUTION, Decimal(0), weekly),) if weekly else ()
    return (*added, *percentage_shares(funding))


def percentage_shares(funding: Iterable[FundingShare]) -> tuple[FundingShare, ...]:
    """The funding shared by percentages: all but a weekly contribution."""
    return tuple(f for f in funding if f.weekly is None)


class PackageStatus(enum.StrEnum):
    REQUESTED = "requested"
    SOURCING = "sourcing"
    WAITING = "waiting"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"
    CANCELLED = "cancelled"
    DIRECT_PAYMENT = "direct payment"  # the person buys their own care instead


@dataclass(eq=False)
class CarePackage:
    reference: str
    person: Person
    commissioner: Commissioner
    zone: Zone
    service: ServiceType
    pattern: tuple[VisitLine, ...]
    start_on: date
    pathway: str | None = None
    funding: tuple[FundingShare, ...] = ()
    status: PackageStatus = PackageStatus.REQUESTED
    end_on: date | None = None
    lot: Lot | None = None
    provider: Provider | None = None
    subcontractor: Provider | None = None  # who delivers it for a single or lead provider
    risk: Risk = Risk.LOW  # to the person at home, as the assessment records it
    carer_breakdown: bool = False
    fit_for_discharge_on: date | None = None  # a hospital discharge: medically fit from
    id: int | None = None

    def __post_init__(self) -> None:
        if not percentage_shares(self.funding):  # the commissioner pays what else is due
            self.funding = (*self.funding, FundingShare(self.commissioner.code, Decimal(100)))
        check_shares_total(
            (f.share for f in percentage_shares(self.funding)),
            what=f"the funding of {self.reference}",
        )

    def __repr__(self) -> str:
        return f"CarePackage({self.reference!r})"

    @property
    def weekly_minutes(self) -> int:
        return weekly_minutes(self.pattern)

    @property
    def weekly_hours(self) -> Decimal:
        return weekly_hours(self.pattern)

    @property
    def service_codes(self) -> set[str]:
        """Every service the package uses, by code and by kind, for pathway rules."""
        codes = {self.service.code, self.service.kind.value}
        codes.update(line.service for line in self.pattern if line.service)
        return codes

    def active_on(self, day: date) -> bool:
        return (
            self.status is PackageStatus.ACTIVE
            and self.start_on <= day
            and (self.end_on is None or day <= self.end_on)
        )


def classify(package: CarePackage, services: Mapping[str, ServiceType]) -> str | None:
    """The package's pathway under its commissioner's rules (None where it has none)."""
    rules = package.commissioner.pathway_rules
    if rules is None:
        return None
    codes = set(package.service_codes)
    codes.update(services[c].kind.value for c in list(codes) if c in services)
    return rules.classify(package.weekly_hours, codes)
