"""The simulator's core stands on the domain: it imports no web, database or service code,
so it drives the sourcing engine itself, never a copy of brokerage."""

from __future__ import annotations

from tests.unit.test_architecture import PACKAGE, imports_of, where, within

SIMULATION = PACKAGE / "simulation"
FORBIDDEN = ("caremarket.db", "caremarket.web", "caremarket.services", "sqlalchemy", "fastapi")


def test_the_simulation_core_imports_no_web_database_or_service_code() -> None:
    offending = [
        f"{where(path, line)} imports {module}"
        for path in sorted(SIMULATION.rglob("*.py"))
        for line, module in imports_of(path)
        if any(within(module, package) for package in FORBIDDEN)
    ]
    assert not offending, "simulation/ must not reach the database or the web:\n" + "\n".join(
        offending
    )


def test_the_simulator_drives_the_live_sourcing_engine() -> None:
    modules = {module for _, module in imports_of(SIMULATION / "broker.py")}
    assert "caremarket.domain" in modules or "caremarket.domain.sourcing" in modules
