"""The market's structure: who commissions, where, what, through which vehicle, from whom."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from caremarket.domain.errors import (
    InvalidCqcLocationId,
    InvalidLot,
    InvalidMembership,
    UnknownPostcode,
    ZonesOverlap,
)
from caremarket.domain.pathways import PathwayRules
from caremarket.domain.postcodes import Postcode, parse_area
from caremarket.domain.shares import check_shares_total


class CommissionerKind(enum.StrEnum):
    COUNCIL = "council"
    ICB = "icb"  # an NHS integrated care board (formerly a CCG)


@dataclass(eq=False)
class Commissioner:
    """An organisation that buys care: a council or an NHS body."""

    code: str
    name: str
    kind: CommissionerKind = CommissionerKind.COUNCIL
    pathway_rules: PathwayRules | None = None
    id: int | None = None

    def __repr__(self) -> str:
        return f"Commissioner({self.code!r})"


@dataclass(eq=False)
class PoolShare:
    commissioner: Commissioner
    share: Decimal  # percent
    id: int | None = None


@dataclass(eq=False)
class Partnership:
    """Joint commissioning: a lead commissioner and a pooled budget split by agreed shares."""

    code: str
    name: str
    lead: Commissioner
    shares: list[PoolShare] = field(default_factory=list)
    id: int | None = None

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        check_shares_total((s.share for s in self.shares), what=f"the pooled budget of {self.name}")
        members = [s.commissioner for s in self.shares]
        if len({id(m) for m in members}) != len(members):
            raise InvalidMembership(
                f"a commissioner appears twice in the pooled budget of {self.name}"
            )
        if not any(m is self.lead for m in members):
            raise InvalidMembership(f"the lead commissioner of {self.name} must hold a share")


@dataclass(eq=False)
class Zone:
    """A geographic area providers are contracted for, covering postcode districts or sectors."""

    commissioner: Commissioner
    code: str
    name: str
    areas: tuple[str, ...] = ()
    id: int | None = None

    def __post_init__(self) -> None:
        self.areas = tuple(parse_area(a) for a in self.areas)

    def __repr__(self) -> str:
        return f"Zone({self.code!r})"


class ZoneMap:
    """Which zone a postcode falls in: the most specific area wins (sector over district)."""

    def __init__(self, zones: Iterable[Zone]) -> None:
        self._by_area: dict[str, Zone] = {}
        for zone in zones:
            for area in zone.areas:
                other = self._by_area.setdefault(area, zone)
                if other is not zone:
                    raise ZonesOverlap(f"{area} is in both zone {other.code} and zone {zone.code}")

    def find(self, postcode: Postcode) -> Zone | None:
        return self._by_area.get(postcode.sector) or self._by_area.get(postcode.district)

    def get(self, postcode: Postcode) -> Zone:
        zone = self.find(postcode)
        if zone is None:
            raise UnknownPostcode(f"{postcode} is not in any zone")
        return zone


class ServiceKind(enum.StrEnum):
    VISITS = "visits"  # hourly care in visits, paid pro rata
    TWENTY_FOUR_HOUR = "24-hour"  # 24-hour and live-in care
    SLEEP_IN = "sleep-in"  # sleep-in nights


@dataclass(eq=False)
class ServiceType:
    code: str
    name: str
    kind: ServiceKind = ServiceKind.VISITS
    id: int | None = None

    def __repr__(self) -> str:
        return f"ServiceType({self.code!r})"


class CqcRating(enum.StrEnum):
    OUTSTANDING = "Outstanding"
    GOOD = "Good"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    INADEQUATE = "Inadequate"
    NOT_YET_RATED = "Not yet rated"


class ProviderStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXITED = "exited"


_CQC_LOCATION_ID = re.compile(r"^1-\d{6,11}$")


def parse_cqc_location_id(text: str) -> str:
    """A CQC location ID: '1-' and digits, e.g. '1-101634823'."""
    cleaned = str(text).strip()
    if not _CQC_LOCATION_ID.match(cleaned):
        raise InvalidCqcLocationId(
            f"{text!r} is not a CQC location ID: it is '1-' followed by digits, e.g. 1-101634823"
        )
    return cleaned


@dataclass(eq=False)
class Provider:
    """A home care agency, registered with the CQC at one or more locations."""

    name: str
    cqc_location_ids: tuple[str, ...] = ()
    cqc_rating: CqcRating = CqcRating.NOT_YET_RATED
    status: ProviderStatus = ProviderStatus.ACTIVE
    id: int | None = None

    def __post_init__(self) -> None:
        self.cqc_location_ids = tuple(parse_cqc_location_id(i) for i in self.cqc_location_ids)

    def __repr__(self) -> str:
        return f"Provider({self.name!r})"


class VehicleKind(enum.StrEnum):
    DYNAMIC_MARKET = "dynamic-market"  # Procurement Act 2023; a DPS before it
    DPS = "dps"
    OPEN_FRAMEWORK = "open-framework"
    FRAMEWORK = "framework"  # closed
    APPROVED_LIST = "approved-list"
    LEAD_PROVIDER = "lead-provider"
    SINGLE_PROVIDER = "single-provider"


class Tier(enum.StrEnum):
    LEAD = "lead"
    PREFERRED = "preferred"
    APPROVED = "approved"
    SUPPLEMENTARY = "supplementary"
    SUBCONTRACTOR = "subcontractor"

    @property
    def first_refusal(self) -> bool:
        return self in (Tier.LEAD, Tier.PREFERRED)


@dataclass(eq=False)
class Membership:
    """A provider's place in a lot, at a tier; a subcontractor names its lead."""

    provider: Provider
    tier: Tier
    lead: Provider | None = None
    joined_on: date | None = None
    id: int | None = None


@dataclass(eq=False)
class Lot:
    """A vehicle's unit of award: zones by services or pathway, with a range of providers."""

    code: str
    name: str
    zones: list[Zone] = field(default_factory=list)
    services: list[ServiceType] = field(default_factory=list)
    pathway: str | None = None
    min_providers: int = 1
    max_providers: int | None = None
    members: list[Membership] = field(default_factory=list)
    id: int | None = None

    def __post_init__(self) -> None:
        if self.min_providers < 0:
            raise InvalidLot(f"lot {self.code}: the minimum number of providers cannot be negative")
        if self.max_providers is not None and self.max_providers < self.min_providers:
            raise InvalidLot(
                f"lot {self.code}: the maximum number of providers ({self.max_providers})"
                f" is below the minimum ({self.min_providers})"
            )

    def admit(
        self,
        provider: Provider,
        tier: Tier,
        *,
        lead: Provider | None = None,
        joined_on: date | None = None,
    ) -> Membership:
        if self.membership_of(provider) is not None:
            raise InvalidMembership(f"{provider.name} is already in lot {self.code}")
        if tier is Tier.SUBCONTRACTOR:
            lead_membership = self.membership_of(lead) if lead else None
            if lead_membership is None or lead_membership.tier is Tier.SUBCONTRACTOR:
                raise InvalidMembership(
                    f"a subcontractor in lot {self.code} must name a lead or single provider"
                    " already in the lot"
                )
        elif lead is not None:
            raise InvalidMembership("only a subcontractor names a lead provider")
        contracted = [m for m in self.members if m.tier is not Tier.SUBCONTRACTOR]
        if (
            tier is not Tier.SUBCONTRACTOR
            and self.max_providers is not None
            and len(contracted) >= self.max_providers
        ):
            raise InvalidMembership(
                f"lot {self.code} already has its maximum of {self.max_providers} providers"
            )
        membership = Membership(provider, tier, lead=lead, joined_on=joined_on)
        self.members.append(membership)
        return membership

    def membership_of(self, provider: Provider | None) -> Membership | None:
        return next((m for m in self.members if m.provider is provider), None)

    def covers(self, zone: Zone, service: ServiceType, pathway: str | None) -> bool:
        return (
            any(z is zone for z in self.zones)
            and (not self.services or any(s is service for s in self.services))
            and (self.pathway is None or self.pathway == pathway)
        )


@dataclass(eq=False)
class Vehicle:
    """A procurement vehicle: how providers get the right to be offered work."""

    code: str
    name: str
    kind: VehicleKind
    commissioners: list[Commissioner] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    starts_on: date | None = None
    id: int | None = None

    def lot(self, code: str) -> Lot:
        for lot in self.lots:
            if lot.code == code:
                return lot
        raise InvalidLot(f"vehicle {self.code} has no lot {code}")
