"""The market: commissioners, zones, providers, care packages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from caremarket import __version__
from caremarket.domain.access import MARKET_READERS, PACKAGE_READERS
from caremarket.domain.packages import PackageStatus
from caremarket.services import market
from caremarket.services.accounts import Principal
from caremarket.services.market import (
    CommissionerSummary,
    PackageSummary,
    ProviderSummary,
    ZoneSummary,
)
from caremarket.services.ports import PackageFilter
from caremarket.web.access import allow, public
from caremarket.web.deps import UowDep

router = APIRouter(tags=["market"])
PackageReader = Annotated[Principal, allow(*PACKAGE_READERS)]


class Health(BaseModel):
    status: str
    version: str


class PackagePage(BaseModel):
    items: list[PackageSummary]
    total: int
    limit: int
    offset: int


@router.get("/health", dependencies=[public()])
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/commissioners", dependencies=[allow(*MARKET_READERS)])
def commissioners(uow: UowDep) -> list[CommissionerSummary]:
    return market.list_commissioners(uow)


@router.get("/zones", dependencies=[allow(*MARKET_READERS)])
def zones(uow: UowDep, commissioner: str | None = None) -> list[ZoneSummary]:
    return market.list_zones(uow, commissioner=commissioner)


@router.get("/zones/lookup", dependencies=[allow(*MARKET_READERS)])
def zone_lookup(uow: UowDep, commissioner: str, postcode: str) -> ZoneSummary:
    """The commissioner's zone covering a postcode."""
    return market.zone_for_postcode(uow, commissioner=commissioner, postcode=postcode)


@router.get("/providers", dependencies=[allow(*MARKET_READERS)])
def providers(uow: UowDep) -> list[ProviderSummary]:
    return market.list_providers(uow)


@router.get("/packages")
def packages(
    uow: UowDep,
    by: PackageReader,
    commissioner: str | None = None,
    zone: str | None = None,
    service: str | None = None,
    status: PackageStatus | None = None,
    provider: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> PackagePage:
    """Care packages, a page at a time; a provider sees only its own."""
    where = PackageFilter(commissioner, zone, service, status, provider)
    items, total = market.list_packages(uow, where, viewer=by.actor, limit=limit, offset=offset)
    return PackagePage(items=items, total=total, limit=limit, offset=offset)


@router.get("/packages/{reference}")
def package(uow: UowDep, by: PackageReader, reference: str) -> PackageSummary:
    return market.get_package(uow, reference, viewer=by.actor)
