"""Schema migrations: upgrade, and the check that refuses an unmigrated database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseNotMigrated(RuntimeError):
    pass


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def check_migrated(engine: Engine) -> None:
    """Refuse to run on a database whose schema is missing or out of date."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        found = "no caremarket schema" if current is None else f"schema revision {current}"
        raise DatabaseNotMigrated(
            f"The database {engine.url.render_as_string(hide_password=True)} has {found};"
            f" caremarket needs revision {head}. Run `caremarket db upgrade` first."
        )
