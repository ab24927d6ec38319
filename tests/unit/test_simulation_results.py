"""A comparison kept as JSON is read back whole: the report, charts and CSV from the stored
results are the ones the command gives; a run's replications and seed are bounded."""

from __future__ import annotations

import json
import tomllib

import pytest

from caremarket.domain.simulation_runs import InvalidRun, checked_run
from caremarket.simulation.compare import as_csv, as_rows, charts, compare, differences_as_rows
from caremarket.simulation.results import comparison_from_json, comparison_to_json
from caremarket.simulation.scenario import scenario_from_data
from tests.simulation_scenarios import TINY


def test_a_comparison_kept_as_json_gives_the_same_report_charts_and_csv() -> None:
    comparison = compare(scenario_from_data(tomllib.loads(TINY)), seed=3)

    kept = json.loads(json.dumps(comparison_to_json(comparison)))
    again = comparison_from_json(kept)

    assert as_csv(again) == as_csv(comparison)
    assert as_rows(again) == as_rows(comparison)
    assert differences_as_rows(again) == differences_as_rows(comparison)
    assert charts(again) == charts(comparison)
    assert kept["estimates"]["Zones"]["requests"]["mean"] == str(
        comparison.estimate("Zones", "requests").mean
    )
    assert (kept["seed"], kept["replications"], kept["options"]) == (
        3,
        2,
        ["Zones", "Mini-competition"],
    )


@pytest.mark.parametrize("replications, seed", [(1, 0), (201, 0), (2, -1), (2, 10**9)])
def test_replications_and_seed_out_of_bounds_are_refused(replications: int, seed: int) -> None:
    with pytest.raises(InvalidRun):
        checked_run(replications, seed)


def test_bounds_are_inclusive() -> None:
    assert checked_run(2, 0) == (2, 0)
    assert checked_run(200, 999_999_999) == (200, 999_999_999)
