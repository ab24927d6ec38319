"""Saved simulation scenarios and their runs: what a commissioner keeps to run in the server.

A scenario is saved as the TOML text it was written in (docs/simulation.md), so a run can be
repeated from it and its seed. A run is queued, taken by one server process, moves on
replication by replication, and ends done (with its results) or failed (with the reason),
unless someone cancels it first (waiting or running: it stops at its next replication).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caremarket.domain.errors import Conflict, DomainError

LEAST_REPLICATIONS = 2  # a confidence interval needs two
MOST_REPLICATIONS = 200  # more belongs on the command line, in parallel processes
MOST_SEED = 999_999_999


class InvalidRun(DomainError):
    """Replications or a seed out of bounds."""


class RunFinished(Conflict):
    """A run that has ended (done, failed or cancelled) cannot be cancelled."""


class InvalidSavedScenario(DomainError):
    """A scenario that cannot be saved: every problem, keyed by the field it is about
    (commissioner, name, text)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            RunStatus.QUEUED: "Waiting to start",
            RunStatus.RUNNING: "Running",
            RunStatus.DONE: "Done",
            RunStatus.FAILED: "Failed",
            RunStatus.CANCELLED: "Cancelled",
        }[self]


@dataclass(eq=False)
class SavedScenario:
    commissioner: str  # the commissioner's code
    name: str
    title: str  # the file's title
    text: str  # the TOML as saved
    options: tuple[str, ...]  # the options' names, in order
    saved_at: datetime
    saved_by: str
    id: int | None = None


@dataclass(eq=False)
class SimulationRun:
    scenario_id: int
    replications: int
    seed: int
    total: int  # replications × options: the runs to do
    requested_at: datetime
    requested_by: str
    status: RunStatus = RunStatus.QUEUED
    done: int = 0
    started_at: datetime | None = None
    progress_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    results: dict[str, Any] | None = field(default=None, repr=False)
    id: int | None = None

    @property
    def finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED)

    def cancel(self, *, at: datetime) -> None:
        """Cancel a run waiting or under way; RunFinished if it has ended."""
        if self.finished:
            raise self.nothing_to_cancel()
        self.status, self.finished_at = RunStatus.CANCELLED, at

    def nothing_to_cancel(self) -> RunFinished:
        return RunFinished(
            f"simulation run {self.id} is {self.status.label.lower()}: there is nothing to cancel"
        )


def checked_run(replications: int, seed: int) -> tuple[int, int]:
    """Replications and seed within bounds, or InvalidRun saying which is not."""
    if not LEAST_REPLICATIONS <= replications <= MOST_REPLICATIONS:
        raise InvalidRun(f"replications must be from {LEAST_REPLICATIONS} to {MOST_REPLICATIONS}")
    if not 0 <= seed <= MOST_SEED:
        raise InvalidRun(f"the seed must be a whole number from 0 to {MOST_SEED:,}")
    return replications, seed
