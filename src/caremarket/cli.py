"""The command line: thin commands over the same services as the web."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.errors import DomainError

app = typer.Typer(
    help="caremarket: commissioning home care, from market structure to payment.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
import_app = typer.Typer(help="Import the market from CSV files (see docs/formats.md).", no_args_is_help=True)
report_app = typer.Typer(help="Reports, as a table, CSV or Excel.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")

err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: CAREMARKET_DATABASE_URL or ./caremarket.db)."),
]


def settings_for(db: str | None) -> Settings:
    return Settings(database_url=db) if db else Settings()


def unit_of_work(settings: Settings) -> SqlUnitOfWork:
    engine = make_engine(settings.database_url)
    migrate.check_migrated(engine)
    return SqlUnitOfWork(make_session_factory(engine))


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code=1)


@contextmanager
def users_errors() -> Iterator[None]:
    """Show a broken rule or a missing schema as a message, not a traceback."""
    try:
        yield
    except (DomainError, migrate.DatabaseNotMigrated) as error:
        fail(str(error))


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or upgrade the database schema to the newest migration."""
    engine = make_engine(settings_for(db).database_url)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    typer.echo(f"Database at {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Show the database's schema revision and the newest one."""
    engine = make_engine(settings_for(db).database_url)
    typer.echo(f"current: {migrate.current_revision(engine) or 'none'}; newest: {migrate.head_revision()}")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start the web server (the API and the pages)."""
    import uvicorn

    from caremarket.web.app import create_app

    settings = settings_for(db)
    with users_errors():
        web_app = create_app(settings)
    typer.echo(f"caremarket on http://{host or settings.host}:{port or settings.port}/")
    uvicorn.run(web_app, host=host or settings.host, port=port or settings.port, log_level="info")


@app.command()
def demo(
    preset: Annotated[str | None, typer.Option(help="Demo preset to load (see `--help` of each).")] = None,
    db: DbOption = None,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Start the web server after loading.")] = True,
) -> None:
    """Create the database if missing, load a demo preset, and start the web server."""
    from caremarket.demo import DEFAULT_PRESET
    from caremarket.services.demo import PresetAlreadyLoaded, load_preset

    settings = settings_for(db)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    name = preset or DEFAULT_PRESET
    with users_errors():
        try:
            summary = load_preset(uow, name)
            typer.echo(f"Loaded the {name} preset: {summary}")
        except PresetAlreadyLoaded as already:
            typer.echo(f"{already} Keeping what is there.")
    engine.dispose()
    if serve_after:
        serve(db=settings.database_url)
