"""Simulation in the server: scenarios saved and audited, runs queued, run for real in
`run_next` with their progress written, their results kept and reproducible from the
scenario and seed, a failure kept with its reason, a run stopped put back in the queue, and a
run cancelled while it waits or runs."""

from __future__ import annotations

import threading
import tomllib
from datetime import timedelta

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.simulation_runs import (
    InvalidRun,
    InvalidSavedScenario,
    RunFinished,
    RunStatus,
    SavedScenario,
)
from caremarket.services import simulation_runs
from caremarket.services.ports import AuditFilter
from caremarket.simulation.compare import as_csv, compare
from caremarket.simulation.scenario import scenario_from_data
from tests.builders import A_MOMENT, AN_ADMIN, a_commissioner
from tests.simulation_scenarios import TINY


@pytest.fixture
def council(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    with uow:
        uow.commissioners.add(a_commissioner())
        uow.commit()
    return uow


def clock():  # type: ignore[no-untyped-def]
    return A_MOMENT + timedelta(minutes=1)


def test_a_saved_scenario_is_listed_for_its_commissioner_and_audited(council) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    assert (saved.title, saved.options) == ("A tiny test", ("Zones", "Mini-competition"))
    listed = simulation_runs.list_scenarios(council, commissioner="HFD")
    assert [(s.name, s.text) for s in listed] == [("Tiny", TINY)]
    assert _audited(council, "simulation scenario", "HFD/Tiny") == ["simulation scenario saved"]


def test_a_scenario_with_problems_is_refused_naming_every_one(council) -> None:
    simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    with pytest.raises(InvalidSavedScenario) as refused:
        simulation_runs.save_scenario(
            council,
            commissioner="HFD",
            name="Tiny",
            text=TINY.replace('"st-helens"', '"nowhere"'),
            by=AN_ADMIN,
            now=A_MOMENT,
        )
    assert set(refused.value.problems) == {"name", "text"}
    assert "already saved" in refused.value.problems["name"]
    assert "options 2, field 'policy': no policy preset 'nowhere'" in refused.value.problems["text"]
    with pytest.raises(InvalidSavedScenario) as refused:
        simulation_runs.save_scenario(
            council, commissioner="NOPE", name=" ", text="weeks = [", by=AN_ADMIN, now=A_MOMENT
        )
    assert set(refused.value.problems) == {"commissioner", "name", "text"}
    assert "not TOML" in refused.value.problems["text"]
    assert len(simulation_runs.list_scenarios(council, commissioner="HFD")) == 1


def test_a_run_is_run_to_the_end_and_its_results_are_the_commands_own(council) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    queued = simulation_runs.start_run(council, saved.id, seed=11, by=AN_ADMIN, now=A_MOMENT)
    assert (queued.status, queued.replications, queued.total) == (RunStatus.QUEUED, 2, 4)

    finished = simulation_runs.run_next(council, clock=clock)

    run, _ = simulation_runs.get_run(council, queued.id)
    assert finished is not None and finished.id == queued.id
    assert (run.status, run.done, run.total, run.error) == (RunStatus.DONE, 4, 4, None)
    assert run.finished_at == clock()
    results = run.results
    assert results["options"] == ["Zones", "Mini-competition"]
    requests = results["estimates"]["Zones"]["requests"]
    assert requests["n"] == 2 and float(requests["low"]) <= float(requests["mean"])
    assert set(results["differences"]) == {"Mini-competition"}
    assert [len(results["runs"][name]) for name in results["options"]] == [2, 2]
    again = compare(scenario_from_data(tomllib.loads(TINY)), seed=11)
    assert as_csv(simulation_runs.results_of(run)) == as_csv(again)
    assert simulation_runs.run_next(council, clock=clock) is None  # nothing else waits
    assert _audited(council, "simulation run", str(run.id)) == [
        "simulation run started",
        "simulation run done",
    ]


def test_the_run_takes_the_files_replications_and_seed_unless_told(council) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    run = simulation_runs.start_run(council, saved.id, by=AN_ADMIN, now=A_MOMENT)
    assert (run.replications, run.seed) == (2, 7)
    for replications, seed in ((1, 7), (201, 7), (2, -1), (2, 10**9)):
        with pytest.raises(InvalidRun):
            simulation_runs.start_run(
                council, saved.id, replications=replications, seed=seed, by=AN_ADMIN, now=A_MOMENT
            )


def test_a_run_that_fails_keeps_its_reason(council) -> None:
    """A scenario saved when its policy preset existed (written here straight to the table)
    fails when run: the run says why, and the next run is not held up."""
    with council:
        broken = SavedScenario(
            "HFD", "Old", "An old file", TINY.replace('"st-helens"', '"renamed"'),
            ("Zones", "Mini-competition"), A_MOMENT, "someone",
        )  # fmt: skip
        council.simulations.add_scenario(broken)
        council.commit()
    run = simulation_runs.start_run(council, broken.id, by=AN_ADMIN, now=A_MOMENT)

    simulation_runs.run_next(council, clock=clock)

    failed, _ = simulation_runs.get_run(council, run.id)
    assert failed.status is RunStatus.FAILED
    assert "no policy preset 'renamed'" in failed.error
    assert failed.results is None


def test_a_run_stopped_with_the_server_goes_back_in_the_queue(council) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    run = simulation_runs.start_run(council, saved.id, by=AN_ADMIN, now=A_MOMENT)
    stopping = threading.Event()
    stopping.set()

    simulation_runs.run_next(council, clock=clock, stopping=stopping)

    again, _ = simulation_runs.get_run(council, run.id)
    assert (again.status, again.done, again.started_at) == (RunStatus.QUEUED, 0, None)
    assert simulation_runs.run_next(council, clock=clock).status is RunStatus.DONE


def test_a_run_is_taken_by_one_process_and_again_only_when_its_process_fell_silent(
    council,
) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    run = simulation_runs.start_run(council, saved.id, by=AN_ADMIN, now=A_MOMENT)
    with council:
        taken = council.simulations.claim_run(A_MOMENT, A_MOMENT - timedelta(minutes=10))
        council.commit()
    assert taken.id == run.id and taken.status is RunStatus.RUNNING
    with council:
        soon = A_MOMENT + timedelta(minutes=5)
        assert council.simulations.claim_run(soon, soon - timedelta(minutes=10)) is None
        later = A_MOMENT + timedelta(minutes=11)
        assert council.simulations.claim_run(later, later - timedelta(minutes=10)).id == run.id


def test_a_run_cancelled_while_it_waits_is_never_started(council) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    run = simulation_runs.start_run(council, saved.id, by=AN_ADMIN, now=A_MOMENT)

    cancelled = simulation_runs.cancel_run(council, run.id, by=AN_ADMIN, now=clock())

    assert (cancelled.status, cancelled.finished_at) == (RunStatus.CANCELLED, clock())
    assert simulation_runs.run_next(council, clock=clock) is None
    kept, _ = simulation_runs.get_run(council, run.id)
    assert (kept.status, kept.done, kept.started_at) == (RunStatus.CANCELLED, 0, None)
    assert _audited(council, "simulation run", str(run.id)) == [
        "simulation run started",
        "simulation run cancelled",
    ]
    with pytest.raises(RunFinished, match="is cancelled: there is nothing to cancel"):
        simulation_runs.cancel_run(council, run.id, by=AN_ADMIN, now=clock())


def test_a_run_cancelled_while_it_runs_stops_at_its_next_replication_keeping_nothing_more(
    council,
) -> None:
    """The process running it finds the cancellation when it writes its progress: it stops
    there, and neither its progress nor results nor a "done" overwrite the cancellation."""
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    run = simulation_runs.start_run(council, saved.id, by=AN_ADMIN, now=A_MOMENT)
    calls = []

    def cancelling_clock():  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:  # the run claimed, its first replication written: someone cancels
            simulation_runs.cancel_run(council, run.id, by=AN_ADMIN, now=clock())
        return clock()

    stopped = simulation_runs.run_next(council, clock=cancelling_clock)

    assert stopped.status is RunStatus.CANCELLED
    kept, _ = simulation_runs.get_run(council, run.id)
    assert (kept.status, kept.done, kept.results) == (RunStatus.CANCELLED, 1, None)
    assert kept.total > 2
    assert _audited(council, "simulation run", str(run.id)) == [
        "simulation run started",
        "simulation run cancelled",
    ]
    with pytest.raises(RunFinished):
        simulation_runs.cancel_run(council, run.id, by=AN_ADMIN, now=clock())


def test_a_run_done_cannot_be_cancelled(council) -> None:
    saved = simulation_runs.save_scenario(
        council, commissioner="HFD", name="Tiny", text=TINY, by=AN_ADMIN, now=A_MOMENT
    )
    run = simulation_runs.start_run(council, saved.id, by=AN_ADMIN, now=A_MOMENT)
    simulation_runs.run_next(council, clock=clock)

    with pytest.raises(RunFinished, match=f"simulation run {run.id} is done"):
        simulation_runs.cancel_run(council, run.id, by=AN_ADMIN, now=clock())
    assert simulation_runs.get_run(council, run.id)[0].status is RunStatus.DONE


def _audited(uow: SqlUnitOfWork, kind: str, ref: str) -> list[str]:
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type=kind, object_ref=ref), limit=10, offset=0
        )
        return [e.action for e in sorted(entries, key=lambda e: e.at)]
