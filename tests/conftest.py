"""Shared fixtures: settings, and a database engine on SQLite and on PostgreSQL.

Every test that asks for ``engine`` or ``uow`` runs twice, once per database. PostgreSQL is
found at CAREMARKET_TEST_POSTGRES_URL (default: the local server's ``test`` database); each
test run works in a database of its own, made and dropped here. Without a server, the
PostgreSQL half is skipped on a developer's machine and fails in CI (CI=true).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import ExitStack
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db.engine import make_engine
from caremarket.db.scratch import scratch_postgres
from caremarket.db.unit_of_work import SqlUnitOfWork

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("CAREMARKET_TEST_POSTGRES_URL", DEFAULT_POSTGRES)


def _no_postgres(reason: str) -> None:
    message = f"PostgreSQL is not available at {postgres_url()}: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message + " (in CI PostgreSQL is required)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, empty database of the kind named by the test's ``db`` parameter."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'caremarket.db'}"
        return
    yield from fresh_postgres_database()


def fresh_postgres_database() -> Iterator[str]:
    with ExitStack() as stack:
        try:
            url = stack.enter_context(scratch_postgres(postgres_url(), prefix="caremarket_test"))
        except Exception as error:  # noqa: BLE001 - any failure to reach the server
            _no_postgres(str(error).splitlines()[0])
        yield url


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own for one test (e.g. migrations), created empty."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    yield from fresh_postgres_database()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every database test on both databases."""
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize(
            "database_url", ["sqlite", "postgresql"], indirect=True, scope="session"
        )
    if "empty_database_url" in metafunc.fixturenames:
        metafunc.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a migrated database, shared by the session's tests."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine: Engine) -> Iterator[SqlUnitOfWork]:
    """A unit of work whose commits are savepoints inside a transaction rolled back at the end."""
    connection = engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield SqlUnitOfWork(factory)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'caremarket.db'}", environment="test")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def mail_server() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
