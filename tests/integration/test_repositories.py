from datetime import date

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Tier, Vehicle, VehicleKind
from tests.builders import a_care_package, a_lot, a_provider


def test_a_package_comes_back_with_its_pattern_funding_and_award(uow: SqlUnitOfWork) -> None:
    package = a_care_package()
    provider = a_provider()
    lot = a_lot(zones=[package.zone], services=[package.service])
    lot.admit(provider, Tier.PREFERRED)
    vehicle = Vehicle(
        "HTLAH", "Help to live at home", VehicleKind.FRAMEWORK, [package.commissioner], [lot]
    )
    package.lot, package.provider = lot, provider
    with uow:
        uow.vehicles.add(vehicle)
        uow.packages.add(package)
        uow.commit()

    with uow:
        loaded = uow.packages.get("PKG-0001")
        assert loaded.pattern == package.pattern
        assert loaded.weekly_hours == 14
        assert loaded.funding == package.funding
        assert loaded.lot.membership_of(loaded.provider).tier is Tier.PREFERRED
        assert uow.packages.active_on(date(2018, 1, 1)) == [loaded]
        assert uow.packages.active_on(date(2017, 6, 30)) == []


def test_get_names_what_is_missing(uow: SqlUnitOfWork) -> None:
    with uow, pytest.raises(NotFound, match="no care package NOPE"):
        uow.packages.get("NOPE")
