"""Maps the tables onto the domain's plain classes, once per process."""

from __future__ import annotations

from sqlalchemy.orm import registry, relationship

from caremarket.db import tables as t
from caremarket.domain.access import ApiToken, User
from caremarket.domain.audit import AuditEntry
from caremarket.domain.changes import ChangeProposal
from caremarket.domain.discharge import Bridging
from caremarket.domain.hand_backs import HandBack
from caremarket.domain.market import (
    Commissioner,
    Lot,
    Membership,
    Partnership,
    PoolShare,
    Provider,
    ServiceType,
    Vehicle,
    Zone,
)
from caremarket.domain.notifications import Notification
from caremarket.domain.package_suspensions import PackageSuspension
from caremarket.domain.packages import CarePackage, Person
from caremarket.domain.procurement import Application
from caremarket.domain.rates import RateCard, RateLine

mapper_registry = registry(metadata=t.metadata)


def start_mappers() -> None:
    """Map every domain class; safe to call more than once."""
    if getattr(start_mappers, "done", False):
        return
    map_ = mapper_registry.map_imperatively
    map_(Commissioner, t.commissioners)
    map_(PoolShare, t.pool_shares, properties={"commissioner": relationship(Commissioner)})
    map_(
        Partnership,
        t.partnerships,
        properties={
            "lead": relationship(Commissioner),
            "shares": relationship(
                PoolShare, cascade="all, delete-orphan", order_by=t.pool_shares.c.id
            ),
        },
    )
    map_(Zone, t.zones, properties={"commissioner": relationship(Commissioner)})
    map_(ServiceType, t.service_types)
    map_(Provider, t.providers)
    map_(
        Membership,
        t.memberships,
        properties={
            "provider": relationship(Provider, foreign_keys=[t.memberships.c.provider_id]),
            "lead": relationship(Provider, foreign_keys=[t.memberships.c.lead_id]),
        },
    )
    map_(
        Lot,
        t.lots,
        properties={
            "zones": relationship(Zone, secondary=t.lot_zones, order_by=t.zones.c.code),
            "services": relationship(ServiceType, secondary=t.lot_services),
            "members": relationship(
                Membership, cascade="all, delete-orphan", order_by=t.memberships.c.id
            ),
        },
    )
    map_(
        Vehicle,
        t.vehicles,
        properties={
            "commissioners": relationship(Commissioner, secondary=t.vehicle_commissioners),
            "lots": relationship(Lot, cascade="all, delete-orphan", order_by=t.lots.c.id),
        },
    )
    # A rate card is read to look rates up: its lines come with it, in two queries in all.
    map_(
        RateLine,
        t.rate_lines,
        properties={
            "service": relationship(ServiceType, lazy="joined"),
            "zone": relationship(Zone, lazy="joined"),
        },
    )
    map_(
        RateCard,
        t.rate_cards,
        properties={
            "commissioner": relationship(Commissioner),
            "lines": relationship(
                RateLine,
                cascade="all, delete-orphan",
                order_by=t.rate_lines.c.id,
                lazy="selectin",
            ),
        },
    )
    map_(Person, t.people, properties={"commissioner": relationship(Commissioner)})
    map_(
        CarePackage,
        t.care_packages,
        properties={
            # one person a package: loaded with the packages (one query for all), not one
            # query a package when a run or an import reads each package's schedule
            "person": relationship(Person, lazy="selectin"),
            "commissioner": relationship(Commissioner),
            "zone": relationship(Zone),
            "service": relationship(ServiceType),
            "lot": relationship(Lot),
            "provider": relationship(Provider, foreign_keys=[t.care_packages.c.provider_id]),
            "subcontractor": relationship(
                Provider, foreign_keys=[t.care_packages.c.subcontractor_id]
            ),
        },
    )
    map_(User, t.users, properties={"provider": relationship(Provider, lazy="joined")})
    map_(ApiToken, t.api_tokens, properties={"provider": relationship(Provider, lazy="joined")})
    map_(AuditEntry, t.audit_entries)
    map_(Notification, t.notifications, properties={"provider": relationship(Provider)})
    map_(Bridging, t.bridgings, properties={"package": relationship(CarePackage)})
    for cls, table in ((HandBack, t.hand_backs), (ChangeProposal, t.change_proposals)):
        map_(
            cls,
            table,
            properties={"package": relationship(CarePackage), "provider": relationship(Provider)},
        )
    map_(
        PackageSuspension, t.package_suspensions, properties={"package": relationship(CarePackage)}
    )
    # An application names its vehicle and, once known, its provider: neither is a field of
    # the domain's Application (it is checked against the vehicle it is given), so they are
    # attributes the mapping adds, as are the moments and the actor kept for the record.
    map_(
        Application,
        t.applications,
        properties={
            "vehicle": relationship(Vehicle),
            "provider": relationship(Provider),
            "memberships": relationship(
                Membership, secondary=t.application_memberships, order_by=t.memberships.c.id
            ),
        },
    )
    start_mappers.done = True  # type: ignore[attr-defined]
