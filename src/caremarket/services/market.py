"""Reading the market: commissioners, zones, providers and packages, as plain summaries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Commissioner, ZoneMap
from caremarket.domain.packages import CarePackage
from caremarket.domain.patterns import format_pattern, parse_pattern, weekly_hours
from caremarket.domain.postcodes import parse_postcode
from caremarket.services.ports import PackageFilter, PackageListing, UnitOfWork


@dataclass(frozen=True)
class CommissionerSummary:
    code: str
    name: str
    kind: str
    pathway_rules: str | None


@dataclass(frozen=True)
class ZoneSummary:
    commissioner: str
    code: str
    name: str
    areas: tuple[str, ...]


@dataclass(frozen=True)
class ProviderSummary:
    name: str
    cqc_location_ids: tuple[str, ...]
    cqc_rating: str
    status: str


@dataclass(frozen=True)
class PackageSummary:
    reference: str
    person: str
    commissioner: str
    zone: str
    service: str
    pattern: str
    weekly_hours: Decimal
    pathway: str | None
    status: str
    start_on: date
    end_on: date | None
    provider: str | None


def list_commissioners(uow: UnitOfWork) -> list[CommissionerSummary]:
    with uow:
        return [_commissioner(c) for c in sorted(uow.commissioners.list(), key=lambda c: c.code)]


def list_zones(uow: UnitOfWork, *, commissioner: str | None = None) -> list[ZoneSummary]:
    with uow:
        where = {"commissioner": uow.commissioners.get(commissioner)} if commissioner else {}
        zones = sorted(uow.zones.list(**where), key=lambda z: (z.commissioner.code, z.code))
        return [ZoneSummary(z.commissioner.code, z.code, z.name, z.areas) for z in zones]


def zone_for_postcode(uow: UnitOfWork, *, commissioner: str, postcode: str) -> ZoneSummary:
    """The commissioner's zone covering a postcode; InvalidPostcode or UnknownPostcode if none."""
    parsed = parse_postcode(postcode)
    with uow:
        owner = uow.commissioners.get(commissioner)
        zone = ZoneMap(uow.zones.list(commissioner=owner)).get(parsed)
        return ZoneSummary(owner.code, zone.code, zone.name, zone.areas)


def list_providers(uow: UnitOfWork) -> list[ProviderSummary]:
    with uow:
        return [
            ProviderSummary(p.name, p.cqc_location_ids, p.cqc_rating.value, p.status.value)
            for p in sorted(uow.providers.list(), key=lambda p: p.name)
        ]


def list_packages(
    uow: UnitOfWork,
    where: PackageFilter | None = None,
    *,
    viewer: Actor,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PackageSummary], int]:
    """A page of the packages the viewer may see that match the filter, and how many in all."""
    where = where or PackageFilter()
    if viewer.role is Role.PROVIDER:
        where = replace(where, provider_id=viewer.provider_id)
    with uow:
        listings, total = uow.packages.search(where, limit=limit, offset=offset)
        return [_listed(listing) for listing in listings], total


def get_package(uow: UnitOfWork, reference: str, *, viewer: Actor) -> PackageSummary:
    """One package; NotFound where it does not exist or is another provider's."""
    with uow:
        package = uow.packages.find(reference)
        if package is None or not may_see(uow, viewer, package):
            raise NotFound(f"there is no care package {reference}")
        return _package(package)


def may_see(uow: UnitOfWork, viewer: Actor, package: CarePackage) -> bool:
    """Staff see every package; a provider those awarded to it, those it handed back, and
    those it has been offered (to decide on them; what it sees of their sourcing is its own
    offers only)."""
    if viewer.role is not Role.PROVIDER:
        return True
    if package.provider is not None and package.provider.id == viewer.provider_id:
        return True
    if any(h.provider.id == viewer.provider_id for h in uow.hand_backs.list(package=package)):
        return True
    offered = {o.provider for r in uow.sourcings.rounds(package) for o in r.state.offers}
    return bool(offered) and any(
        p.name in offered for p in uow.providers.list(id=viewer.provider_id)
    )


def _listed(row: PackageListing) -> PackageSummary:
    return PackageSummary(
        reference=row.reference,
        person=row.person,
        commissioner=row.commissioner,
        zone=row.zone,
        service=row.service,
        pattern=row.pattern,
        weekly_hours=weekly_hours(parse_pattern(row.pattern)),
        pathway=row.pathway,
        status=row.status.value,
        start_on=row.start_on,
        end_on=row.end_on,
        provider=row.provider,
    )


def _package(p: CarePackage) -> PackageSummary:
    return PackageSummary(
        reference=p.reference,
        person=p.person.reference,
        commissioner=p.commissioner.code,
        zone=p.zone.code,
        service=p.service.code,
        pattern=format_pattern(p.pattern),
        weekly_hours=p.weekly_hours,
        pathway=p.pathway,
        status=p.status.value,
        start_on=p.start_on,
        end_on=p.end_on,
        provider=p.provider.name if p.provider else None,
    )


def _commissioner(c: Commissioner) -> CommissionerSummary:
    rules = c.pathway_rules.describe() if c.pathway_rules else None
    return CommissionerSummary(c.code, c.name, c.kind.value, rules)


def council_name(uow: UnitOfWork, *, default: str = "caremarket") -> str:
    """The name to put in the pages' header: the only council commissioning here, if one."""
    councils = [c for c in list_commissioners(uow) if c.kind == "council"]
    return councils[0].name if len(councils) == 1 else default
