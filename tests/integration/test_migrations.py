"""Migrations: numbered files, a recorded head, and a clean up/down/up on both databases."""

import re
from pathlib import Path

from sqlalchemy import inspect

from caremarket.db import migrate
from caremarket.db.engine import make_engine
from caremarket.db.tables import metadata

VERSIONS = migrate.MIGRATIONS / "versions"


def test_every_migration_file_is_numbered_and_its_revision_is_its_name() -> None:
    files = sorted(VERSIONS.glob("*.py"))
    assert files
    for path in files:
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.py", path.name), path.name
        assert f"revision = {path.stem!r}" in path.read_text().replace('"', "'"), path.name


def test_the_recorded_head_is_the_newest_file() -> None:
    recorded = (migrate.MIGRATIONS / ".current-alembic-head").read_text().strip()
    newest = sorted(VERSIONS.glob("*.py"))[-1].stem
    assert recorded == newest == migrate.head_revision()


def test_migrations_run_up_down_and_up_again_to_the_model(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert set(inspect(engine).get_table_names()) >= set(metadata.tables)

        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

        migrate.upgrade(engine)
        migrate.check_migrated(engine)
    finally:
        engine.dispose()


def test_an_unmigrated_database_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        migrate.check_migrated(engine)
    except migrate.DatabaseNotMigrated as error:
        assert "caremarket db upgrade" in str(error)
    else:
        raise AssertionError("an empty database was accepted")
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_tables_the_code_declares(empty_database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
