"""Fixtures of integration tests: a council's market imported from the example files."""

from __future__ import annotations

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor
from caremarket.services.imports import (
    import_lots,
    import_memberships,
    import_postcodes,
    import_providers,
    import_vehicles,
    import_zones,
)
from tests.builders import A_MOMENT, AN_ADMIN, a_commissioner, a_service
from tests.import_files import EXAMPLES
from tests.integration.brokerage_market import build_market


@pytest.fixture
def herefordshire(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """Herefordshire Council with its personal care service, providers, zones, gazetteer and
    the example vehicle, its lots and their members."""
    with uow:
        commissioner = a_commissioner()
        uow.commissioners.add(commissioner)
        uow.commissioners.add(a_commissioner(code="HCCG", name="Herefordshire CCG"))
        uow.services.add(a_service())
        uow.commit()
    import_providers(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "providers.csv")
    import_zones(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "zones.csv")
    import_postcodes(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "postcodes.csv")
    import_vehicles(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "vehicles.csv")
    import_lots(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "lots.csv")
    import_memberships(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "memberships.csv")
    return uow


@pytest.fixture
def market(uow: SqlUnitOfWork) -> dict[str, Actor]:
    """A commissioner on the Liverpool policy, with packages to source (see brokerage_market)."""
    return build_market(uow)
