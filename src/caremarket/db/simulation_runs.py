"""Saved simulation scenarios and their runs (Core, like zone designs). A queued run is taken
by one server process with a conditional update: whichever process changes the row first has
it, on SQLite and PostgreSQL alike, without locks held while it runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.domain.errors import NotFound
from caremarket.domain.simulation_runs import RunStatus, SavedScenario, SimulationRun

S = t.simulation_scenarios.c
R = t.simulation_runs.c


class SqlSimulations:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_scenario(self, scenario: SavedScenario) -> None:
        self.session.flush()
        commissioner_id = self.session.execute(
            select(t.commissioners.c.id).where(t.commissioners.c.code == scenario.commissioner)
        ).scalar_one()
        scenario.id = self.session.execute(
            insert(t.simulation_scenarios)
            .values(
                commissioner_id=commissioner_id,
                name=scenario.name,
                title=scenario.title,
                text=scenario.text,
                options=list(scenario.options),
                saved_at=scenario.saved_at,
                saved_by=scenario.saved_by,
            )
            .returning(S.id)
        ).scalar_one()

    def scenarios(self, commissioner: str) -> list[SavedScenario]:
        """The commissioner's saved scenarios, newest first."""
        rows = self.session.execute(
            _scenarios()
            .where(t.commissioners.c.code == commissioner)
            .order_by(S.saved_at.desc(), S.id.desc())
        ).all()
        return [_scenario(row) for row in rows]

    def find_scenario(self, commissioner: str, name: str) -> SavedScenario | None:
        row = self.session.execute(
            _scenarios().where(t.commissioners.c.code == commissioner, S.name == name)
        ).first()
        return _scenario(row) if row else None

    def get_scenario(self, scenario_id: int) -> SavedScenario:
        row = self.session.execute(_scenarios().where(S.id == scenario_id)).first()
        if row is None:
            raise NotFound(f"There is no saved scenario {scenario_id}")
        return _scenario(row)

    def add_run(self, run: SimulationRun) -> None:
        run.id = self.session.execute(
            insert(t.simulation_runs).values(**_run_values(run)).returning(R.id)
        ).scalar_one()

    def get_run(self, run_id: int) -> SimulationRun:
        row = self.session.execute(select(t.simulation_runs).where(R.id == run_id)).first()
        if row is None:
            raise NotFound(f"There is no simulation run {run_id}")
        return _run(row)

    def runs(self, scenario_id: int) -> list[SimulationRun]:
        """The scenario's runs, newest first (without their results, which can be large)."""
        columns = [c for c in t.simulation_runs.c if c.name != "results"]
        rows = self.session.execute(
            select(*columns).where(R.scenario_id == scenario_id).order_by(R.id.desc())
        ).all()
        return [_run(row) for row in rows]

    def claim_run(self, now: datetime, stale_before: datetime) -> SimulationRun | None:
        """The oldest queued run (or one whose process fell silent before `stale_before`),
        now running in this process; None when there is none, or another process took it."""
        waiting = or_(
            R.status == RunStatus.QUEUED.value,
            and_(R.status == RunStatus.RUNNING.value, R.progress_at < stale_before),
        )
        run_id = self.session.execute(
            select(R.id).where(waiting).order_by(R.id).limit(1)
        ).scalar_one_or_none()
        if run_id is None:
            return None
        taken = self.session.execute(
            update(t.simulation_runs)
            .where(R.id == run_id, waiting)
            .values(status=RunStatus.RUNNING.value, done=0, started_at=now, progress_at=now)
        )
        if taken.rowcount != 1:  # another process took it first
            return None
        return self.get_run(run_id)

    def save_run(self, run: SimulationRun, *, while_running: bool = False) -> bool:
        """The run's status, progress and results as they stand; with `while_running`, only
        if the stored run is still running (not cancelled meanwhile). Whether it was saved."""
        values = _run_values(run)
        query = update(t.simulation_runs).where(R.id == run.id)
        if while_running:
            query = query.where(R.status == RunStatus.RUNNING.value)
        return self.session.execute(query.values(**values)).rowcount == 1

    def cancel_run(self, run: SimulationRun) -> bool:
        """Keep a cancellation, only if the stored run is still waiting or running (not ended
        meanwhile). Whether it was kept."""
        ongoing = R.status.in_([RunStatus.QUEUED.value, RunStatus.RUNNING.value])
        query = update(t.simulation_runs).where(R.id == run.id, ongoing)
        values = {"status": run.status.value, "finished_at": run.finished_at}
        return self.session.execute(query.values(**values)).rowcount == 1


def _scenarios() -> Any:
    return select(t.simulation_scenarios, t.commissioners.c.code.label("commissioner")).join(
        t.commissioners, t.commissioners.c.id == S.commissioner_id
    )


def _scenario(row: Any) -> SavedScenario:
    return SavedScenario(
        commissioner=row.commissioner,
        name=row.name,
        title=row.title,
        text=row.text,
        options=tuple(row.options),
        saved_at=row.saved_at,
        saved_by=row.saved_by,
        id=row.id,
    )


def _run_values(run: SimulationRun) -> dict[str, Any]:
    return {
        "scenario_id": run.scenario_id,
        "replications": run.replications,
        "seed": run.seed,
        "status": run.status.value,
        "done": run.done,
        "total": run.total,
        "requested_at": run.requested_at,
        "requested_by": run.requested_by,
        "started_at": run.started_at,
        "progress_at": run.progress_at,
        "finished_at": run.finished_at,
        "error": run.error,
        "results": run.results,
    }


def _run(row: Any) -> SimulationRun:
    return SimulationRun(
        scenario_id=row.scenario_id,
        replications=row.replications,
        seed=row.seed,
        total=row.total,
        requested_at=row.requested_at,
        requested_by=row.requested_by,
        status=RunStatus(row.status),
        done=row.done,
        started_at=row.started_at,
        progress_at=row.progress_at,
        finished_at=row.finished_at,
        error=row.error,
        results=getattr(row, "results", None),
        id=row.id,
    )
