"""Simulation in the server: scenarios saved by a commissioner, and runs of them worked
through in the background (`run_next`, called by the server's simulation job), writing their
progress as they go and their results at the end; a failure is kept with its reason.

A run is taken by one process (a conditional update: see db/simulation_runs.py). A process
that stops mid-run puts the run back in the queue; one that dies without a word leaves it
running with no progress, and after `STALE` another process takes it up again. A run
cancelled (`cancel_run`) while it waits is never started; while it runs, the process running it
stops at its next replication and keeps nothing more of it. Replaying a run from its scenario
and seed gives the same figures (`compare` is reproducible).
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.errors import DomainError
from caremarket.domain.simulation_runs import (
    InvalidSavedScenario,
    RunStatus,
    SavedScenario,
    SimulationRun,
    checked_run,
)
from caremarket.services.ports import UnitOfWork
from caremarket.simulation.compare import Comparison, compare
from caremarket.simulation.results import comparison_to_json
from caremarket.simulation.scenario import (
    InvalidScenario,
    Scenario,
    calibration,
    scenario_from_data,
)

SIMULATOR = Actor("caremarket (simulation runs)", Role.ADMIN)
STALE = timedelta(minutes=10)  # a running run with no progress for this long is taken again
NAME_LENGTH = 200
TEXT_LENGTH = 200_000  # the presets are 3 to 6 kB


class RunInterrupted(Exception):
    """The server is stopping: the run goes back in the queue."""


class RunCancelled(Exception):
    """Someone cancelled the run while it ran: it stops, keeping nothing more."""


@dataclass(frozen=True)
class RunDefaults:
    replications: int
    seed: int


def save_scenario(
    uow: UnitOfWork, *, commissioner: str, name: str, text: str, by: Actor, now: datetime
) -> SavedScenario:
    """Save a scenario under a name of the commissioner's own, once read and found runnable
    (a market calibrated from the database is calibrated to check it)."""
    problems: dict[str, str] = {}
    name = name.strip()
    if not name:
        problems["name"] = "Enter a name for the scenario"
    elif len(name) > NAME_LENGTH:
        problems["name"] = f"The name must be {NAME_LENGTH} characters or fewer"
    with uow:
        if uow.commissioners.find(commissioner) is None:
            problems["commissioner"] = "Select a commissioner"
        elif name and uow.simulations.find_scenario(commissioner, name) is not None:
            problems["name"] = f"A scenario named {name} is already saved: choose another name"
    scenario = None
    try:
        scenario = read_saved(uow, text)
    except InvalidScenario as error:
        problems["text"] = f"The scenario: {error}"
    if problems or scenario is None:
        raise InvalidSavedScenario(problems)
    saved = SavedScenario(
        commissioner=commissioner,
        name=name,
        title=scenario.title,
        text=text,
        options=tuple(o.name for o in scenario.options),
        saved_at=now,
        saved_by=by.name,
    )
    with uow:
        uow.simulations.add_scenario(saved)
        uow.audit.record(
            entry(
                by,
                now,
                "simulation scenario saved",
                ("simulation scenario", f"{commissioner}/{name}"),
                {"title": saved.title, "options": list(saved.options)},
            )
        )
        uow.commit()
    return saved


def read_saved(uow: UnitOfWork, text: str, *, on: date | None = None) -> Scenario:
    """The scenario in the text; a market calibrated from the database is calibrated on
    `on` when the file does not say the day (default: today)."""
    if not text.strip():
        raise InvalidScenario("paste or upload a scenario (TOML; see the guide)")
    if len(text) > TEXT_LENGTH:
        raise InvalidScenario(f"a scenario must be {TEXT_LENGTH:,} characters or fewer")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidScenario(f"not TOML: {error}") from None
    asked = calibration(data)
    market = None
    if asked is not None:
        from caremarket.services.simulation import calibrate_market

        try:
            market = calibrate_market(
                uow,
                asked.commissioner,
                on=asked.on or on or date.today(),
                weeks=asked.weeks,
                headroom=asked.headroom,
                cost_share=asked.cost_share,
                behaviour=asked.behaviour,
                demand=asked.demand,
            )
        except DomainError as error:
            raise InvalidScenario(f"[market] calibrate: {error}") from None
    return scenario_from_data(data, market=market)


def run_defaults(saved: SavedScenario) -> RunDefaults:
    """The replications and seed the file gives (as `caremarket simulate` takes them)."""
    data = tomllib.loads(saved.text)
    replications = int(data.get("replications", 20))
    return RunDefaults(max(2, min(replications, 200)), int(data.get("seed", 0)))


def list_scenarios(uow: UnitOfWork, *, commissioner: str) -> list[SavedScenario]:
    with uow:
        return uow.simulations.scenarios(commissioner)


def scenario_with_runs(
    uow: UnitOfWork, scenario_id: int
) -> tuple[SavedScenario, list[SimulationRun]]:
    with uow:
        saved = uow.simulations.get_scenario(scenario_id)
        return saved, uow.simulations.runs(scenario_id)


def get_run(uow: UnitOfWork, run_id: int) -> tuple[SimulationRun, SavedScenario]:
    with uow:
        run = uow.simulations.get_run(run_id)
        return run, uow.simulations.get_scenario(run.scenario_id)


def start_run(
    uow: UnitOfWork,
    scenario_id: int,
    *,
    replications: int | None = None,
    seed: int | None = None,
    by: Actor,
    now: datetime,
) -> SimulationRun:
    """Queue a run of the scenario; the server's simulation job starts it within seconds."""
    with uow:
        saved = uow.simulations.get_scenario(scenario_id)
        defaults = run_defaults(saved)
        count, chosen_seed = checked_run(
            defaults.replications if replications is None else replications,
            defaults.seed if seed is None else seed,
        )
        run = SimulationRun(
            scenario_id=scenario_id,
            replications=count,
            seed=chosen_seed,
            total=count * len(saved.options),
            requested_at=now,
            requested_by=by.name,
        )
        uow.simulations.add_run(run)
        uow.audit.record(
            entry(
                by,
                now,
                "simulation run started",
                ("simulation run", str(run.id)),
                {
                    "scenario": f"{saved.commissioner}/{saved.name}",
                    "replications": count,
                    "seed": chosen_seed,
                },
            )  # fmt: skip
        )
        uow.commit()
    return run


def run_next(
    uow: UnitOfWork,
    *,
    clock: Callable[[], datetime],
    week: WorkingWeek | None = None,
    stopping: threading.Event | None = None,
) -> SimulationRun | None:
    """Take the oldest queued run and run it to the end in this thread, writing its progress
    after each replication of each option; None when no run waits."""
    now = clock()
    with uow:
        run = uow.simulations.claim_run(now, now - STALE)
        uow.commit()
    if run is None:
        return None
    assert run.id is not None
    with uow:
        saved = uow.simulations.get_scenario(run.scenario_id)

    def progress(done: int, total: int) -> None:
        if stopping is not None and stopping.is_set():
            raise RunInterrupted
        run.done, run.progress_at = done, clock()
        with uow:
            if not uow.simulations.save_run(run, while_running=True):
                raise RunCancelled
            uow.commit()

    try:
        scenario = read_saved(uow, saved.text, on=run.requested_at.date())
        comparison = compare(
            scenario, replications=run.replications, seed=run.seed, progress=progress, week=week
        )
    except RunCancelled:
        run.status = RunStatus.CANCELLED
        return run
    except RunInterrupted:
        run.status, run.done, run.started_at, run.progress_at = RunStatus.QUEUED, 0, None, None
        _finish(uow, run, "simulation run put back in the queue", clock(), {})
        return run
    except Exception as error:  # kept with the run, to be read on its page
        run.status, run.error = RunStatus.FAILED, f"{type(error).__name__}: {error}"
        _finish(uow, run, "simulation run failed", clock(), {"error": run.error})
        return run
    run.status, run.results = RunStatus.DONE, comparison_to_json(comparison)
    _finish(uow, run, "simulation run done", clock(), {"runs": run.done})
    return run


def results_of(run: SimulationRun) -> Comparison:
    """The comparison a finished run holds."""
    from caremarket.simulation.results import comparison_from_json

    if run.results is None:
        raise DomainError(f"simulation run {run.id} has no results yet")
    return comparison_from_json(run.results)


def _finish(
    uow: UnitOfWork, run: SimulationRun, action: str, now: datetime, changes: dict[str, Any]
) -> None:
    """Keep how the run ended, unless it was cancelled meanwhile (then it stays cancelled)."""
    if run.status is not RunStatus.QUEUED:
        run.finished_at = now
    with uow:
        if not uow.simulations.save_run(run, while_running=True):
            run.status, run.results = RunStatus.CANCELLED, None
            return
        uow.audit.record(entry(SIMULATOR, now, action, ("simulation run", str(run.id)), changes))
        uow.commit()


def cancel_run(uow: UnitOfWork, run_id: int, *, by: Actor, now: datetime) -> SimulationRun:
    """Cancel a run waiting or under way (it stops at its next replication, keeping nothing
    more); RunFinished if it has ended, even a moment before."""
    with uow:
        run = uow.simulations.get_run(run_id)
        was = run.status
        run.cancel(at=now)
        if not uow.simulations.cancel_run(run):  # it ended between reading and cancelling
            raise uow.simulations.get_run(run_id).nothing_to_cancel()
        uow.audit.record(
            entry(
                by,
                now,
                "simulation run cancelled",
                ("simulation run", str(run.id)),
                {"was": was.value, "done": f"{run.done} of {run.total}"},
            )
        )
        uow.commit()
    return run
