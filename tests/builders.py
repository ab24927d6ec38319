"""Builders of domain objects with sensible defaults: override only what a test is about."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from caremarket.domain.access import Actor, Role
from caremarket.domain.market import (
    Commissioner,
    CqcRating,
    Lot,
    Provider,
    ServiceKind,
    ServiceType,
    Zone,
)
from caremarket.domain.packages import CarePackage, PackageStatus, Person
from caremarket.domain.pathways import PathwayRule, PathwayRules
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.rates import RateBasis, RateCard, RateLine

HEREFORDSHIRE_RULES = PathwayRules(
    rules=(PathwayRule("D", min_weekly_hours=Decimal(28), services=frozenset({"24-hour"})),),
    default="O",
)


def a_commissioner(**overrides: Any) -> Commissioner:
    values: dict[str, Any] = {
        "code": "HFD",
        "name": "Herefordshire Council",
        "pathway_rules": HEREFORDSHIRE_RULES,
    }
    return Commissioner(**(values | overrides))


def a_zone(**overrides: Any) -> Zone:
    values: dict[str, Any] = {"code": "A", "name": "Zone A", "areas": ("HR6", "HR5 3")}
    values |= overrides
    values.setdefault("commissioner", a_commissioner())
    return Zone(**values)


def a_service(**overrides: Any) -> ServiceType:
    values: dict[str, Any] = {"code": "PC", "name": "Personal care", "kind": ServiceKind.VISITS}
    return ServiceType(**(values | overrides))


def a_provider(**overrides: Any) -> Provider:
    values: dict[str, Any] = {
        "name": "Wyeside Home Care",
        "cqc_location_ids": ("1-101634823",),
        "cqc_rating": CqcRating.GOOD,
    }
    return Provider(**(values | overrides))


def a_lot(**overrides: Any) -> Lot:
    values: dict[str, Any] = {
        "code": "O-A",
        "name": "O pathway zone A",
        "pathway": "O",
        "max_providers": 3,
    }
    return Lot(**(values | overrides))


def a_rate_card(
    commissioner: Commissioner, service: ServiceType, amount: str = "15.80", **overrides: Any
) -> RateCard:
    line = RateLine(
        service=service,
        amount=Decimal(amount),
        effective_from=date(2017, 4, 1),
        basis=overrides.pop("basis", RateBasis.PER_HOUR),
    )
    return RateCard(commissioner=commissioner, name=overrides.pop("name", "2017/18"), lines=[line])


def a_care_package(**overrides: Any) -> CarePackage:
    commissioner = overrides.pop("commissioner", None) or a_commissioner()
    zone = overrides.pop("zone", None) or a_zone(commissioner=commissioner)
    values: dict[str, Any] = {
        "reference": "PKG-0001",
        "commissioner": commissioner,
        "zone": zone,
        "service": a_service(),
        "pattern": parse_pattern("4x30 daily"),
        "start_on": date(2017, 7, 1),
        "status": PackageStatus.ACTIVE,
    }
    values |= overrides
    values.setdefault(
        "person", Person(commissioner=commissioner, reference="P-0001", postcode="HR6 8AA")
    )
    return CarePackage(**values)


AN_ADMIN = Actor("admin@example.org", Role.ADMIN)  # who acts, in tests that need an actor
A_MOMENT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
