"""Simulation: saved scenarios (commissioners save, auditors read), runs started in the
server, and a run's progress and results (the comparison: every output's mean and 95 %
interval per option, the paired differences, every replication's outputs)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from caremarket.domain.access import POLICY_SETTERS, SIMULATION_READERS
from caremarket.domain.simulation_runs import (
    LEAST_REPLICATIONS,
    MOST_REPLICATIONS,
    MOST_SEED,
    SavedScenario,
    SimulationRun,
)
from caremarket.services import simulation_runs
from caremarket.services.accounts import Principal
from caremarket.web.access import allow
from caremarket.web.deps import UowDep

router = APIRouter(tags=["simulation"])
Reader = Annotated[Principal, allow(*SIMULATION_READERS)]
Commissioner = Annotated[Principal, allow(*POLICY_SETTERS)]


class ScenarioBody(BaseModel):
    commissioner: str
    name: str = Field(min_length=1, max_length=200)
    text: str = Field(description="The scenario, in TOML (docs/simulation.md).")


class ScenarioData(BaseModel):
    id: int
    commissioner: str
    name: str
    title: str
    options: list[str]
    saved_at: datetime
    saved_by: str
    text: str


class RunBody(BaseModel):
    replications: int | None = Field(
        default=None,
        ge=LEAST_REPLICATIONS,
        le=MOST_REPLICATIONS,
        description="Default: the file's.",
    )
    seed: int | None = Field(default=None, ge=0, le=MOST_SEED, description="Default: the file's.")


class RunData(BaseModel):
    id: int
    scenario_id: int
    status: str  # queued, running, done, failed, cancelled
    done: int  # runs done of `total` (replications × options)
    total: int
    replications: int
    seed: int
    requested_at: datetime
    requested_by: str
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    results: dict[str, Any] | None = Field(
        default=None,
        description="When done: options, outputs, estimates and differences (mean, low,"
        " high as exact decimal strings, n), below_viability, and runs (each replication's"
        " outputs and waiting list week by week).",
    )


class ScenarioWithRuns(ScenarioData):
    runs: list[RunData]


@router.get("/simulation/scenarios")
def scenarios(uow: UowDep, by: Reader, commissioner: str) -> list[ScenarioData]:
    """The commissioner's saved scenarios, newest first."""
    return [_scenario(s) for s in simulation_runs.list_scenarios(uow, commissioner=commissioner)]


@router.post("/simulation/scenarios", status_code=201)
def save_scenario(uow: UowDep, by: Commissioner, body: ScenarioBody) -> ScenarioData:
    """Save a scenario under a new name, once read and found runnable; a refusal lists every
    problem in `fields` (commissioner, name, text)."""
    saved = simulation_runs.save_scenario(
        uow,
        commissioner=body.commissioner,
        name=body.name,
        text=body.text,
        by=by.actor,
        now=datetime.now(UTC),
    )
    return _scenario(saved)


@router.get("/simulation/scenarios/{scenario_id}")
def scenario(uow: UowDep, by: Reader, scenario_id: int) -> ScenarioWithRuns:
    """A saved scenario and its runs (newest first, without their results)."""
    saved, runs = simulation_runs.scenario_with_runs(uow, scenario_id)
    return ScenarioWithRuns(**_scenario(saved).model_dump(), runs=[_run(r) for r in runs])


@router.post("/simulation/scenarios/{scenario_id}/runs", status_code=202)
def start_run(uow: UowDep, by: Commissioner, scenario_id: int, body: RunBody) -> RunData:
    """Start a run: it is queued, and the server runs it in the background. Read its
    progress and, when done, its results at /api/simulation/runs/{id}."""
    run = simulation_runs.start_run(
        uow,
        scenario_id,
        replications=body.replications,
        seed=body.seed,
        by=by.actor,
        now=datetime.now(UTC),
    )
    return _run(run)


@router.get("/simulation/runs/{run_id}")
def run(uow: UowDep, by: Reader, run_id: int) -> RunData:
    """A run's status and progress, and its results once done (its error if it failed)."""
    found, _ = simulation_runs.get_run(uow, run_id)
    return _run(found)


@router.post("/simulation/runs/{run_id}/cancel")
def cancel_run(uow: UowDep, by: Commissioner, run_id: int) -> RunData:
    """Cancel a run waiting or under way: it stops at its next replication and keeps nothing
    more; 409 if it has ended (done, failed or cancelled)."""
    cancelled = simulation_runs.cancel_run(uow, run_id, by=by.actor, now=datetime.now(UTC))
    return _run(cancelled)


def _scenario(saved: SavedScenario) -> ScenarioData:
    assert saved.id is not None
    return ScenarioData(
        id=saved.id,
        commissioner=saved.commissioner,
        name=saved.name,
        title=saved.title,
        options=list(saved.options),
        saved_at=saved.saved_at,
        saved_by=saved.saved_by,
        text=saved.text,
    )


def _run(run: SimulationRun) -> RunData:
    assert run.id is not None
    return RunData(
        id=run.id,
        scenario_id=run.scenario_id,
        status=run.status.value,
        done=run.done,
        total=run.total,
        replications=run.replications,
        seed=run.seed,
        requested_at=run.requested_at,
        requested_by=run.requested_by,
        started_at=run.started_at,
        finished_at=run.finished_at,
        error=run.error,
        results=run.results,
    )
