"""Throwaway databases: PostgreSQL for the tests and the benchmarks, SQLite in memory for a
rehearsal."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from caremarket.db import migrate
from caremarket.db.engine import make_engine


@contextmanager
def scratch_sqlite() -> Iterator[Engine]:
    """An empty SQLite database in memory with caremarket's schema, gone when left. Its one
    connection is shared (StaticPool): the database lives only as long as that connection."""
    engine = make_engine("sqlite://", poolclass=StaticPool)
    try:
        migrate.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@contextmanager
def scratch_postgres(admin_url: str, *, prefix: str, keep: bool = False) -> Iterator[str]:
    """Create an empty database on the server at `admin_url`, yield its URL, then drop it
    (unless `keep`). Connection errors reach the caller before anything is yielded."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            if not keep:
                with server.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()
