"""The app over HTTP, built by create_app on a migrated database of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.web.app import create_app
from tests.builders import a_care_package, a_provider


@pytest.fixture
def market_settings(settings: Settings) -> Settings:
    """Settings on a database holding one commissioner, zone, provider and package."""
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        package = a_care_package(provider=a_provider())
        uow.packages.add(package)
        uow.commit()
    engine.dispose()
    return settings


@pytest.fixture
def client(market_settings: Settings) -> Iterator[TestClient]:
    app = create_app(market_settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()
