"""A database of its own for each module of tender tests (an award changes a vehicle's lots):
the web tests' market, the worked tender's vehicle and bidders, the example imported as
HC-2027."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.integration.tender_market import EXAMPLE, VEHICLE, build_tender_market
from tests.web.conftest import bearer, make_market

TOML = {"Content-Type": "application/toml"}


def make_tender_market(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Settings, dict[Role, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('tenders') / 'caremarket.db'}"
    settings, tokens = make_market(url)
    engine = make_engine(url)
    build_tender_market(SqlUnitOfWork(make_session_factory(engine)))
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        answer = client.post(
            "/api/tenders/import",
            params={"vehicle": VEHICLE},
            content=EXAMPLE.read_bytes(),
            headers=TOML | bearer(tokens[Role.COMMISSIONER]),
        )
        assert answer.status_code == 201, answer.text
        client.app.state.engine.dispose()
    return settings, tokens


def client_on(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def members_of(settings: Settings, lot: str) -> dict[str, str]:
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        found = uow.vehicles.get(VEHICLE).lot(lot)
        members = {m.provider.name: m.tier.value for m in found.members}
    engine.dispose()
    return members
