"""The application factory: everything is built here, from settings, nothing at import."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from caremarket import __version__
from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.migrate import check_migrated
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.services import market
from caremarket.web import errors
from caremarket.web.api import router as api_router
from caremarket.web.assets import Assets
from caremarket.web.pages import router as pages_router
from caremarket.web.ticker import (
    deadline_tick,
    mail_delivery,
    simulations,
    ticking,
    weekly_snapshots,
    zone_changes,
)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SESSION_HOURS = 8  # a working day; then sign in again


def create_app(settings: Settings) -> FastAPI:
    """Build the app on a migrated database; DatabaseNotMigrated if its schema is not current."""
    engine = make_engine(settings.database_url)
    check_migrated(engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Brokerage's deadlines pass whether or not anyone calls: tick while serving.
        def unit_of_work() -> SqlUnitOfWork:
            return SqlUnitOfWork(app.state.session_factory)

        stopping = threading.Event()

        async with (
            ticking(deadline_tick(unit_of_work), settings.tick_seconds),
            ticking(mail_delivery(unit_of_work, settings), settings.tick_seconds),
            ticking(weekly_snapshots(unit_of_work), settings.tick_seconds),
            ticking(zone_changes(unit_of_work), settings.tick_seconds),
            # Simulation runs, in the background; stopping puts a run under way back in the
            # queue at its next replication, so leaving is not held up by a long run.
            ticking(simulations(unit_of_work, stopping), settings.simulation_seconds),
        ):
            try:
                yield
            finally:
                stopping.set()

    app = FastAPI(
        lifespan=lifespan,
        title="caremarket",
        version=__version__,
        description="Commissioning home care: the market, its packages and its reports.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie="caremarket_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        # Secure cookies outside localhost: plain http is for a developer's own machine only.
        https_only=settings.environment == "production" or settings.host not in LOOPBACK,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.council_name = settings.council_name or market.council_name(
        SqlUnitOfWork(app.state.session_factory)
    )
    errors.install(app)
    app.include_router(api_router, prefix="/api")
    app.include_router(pages_router)
    app.mount("/assets", Assets(settings.assets_dir), name="assets")
    return app


def create_app_from_environment() -> FastAPI:
    """The app on CAREMARKET_* settings, for a server that builds it in each worker process:
    ``uvicorn --factory caremarket.web.app:create_app_from_environment --workers 4``."""
    return create_app(Settings())
