"""A comparison kept as JSON (a simulation run's results in the database) and read back.

Kept: each option's estimates (mean and 95 % interval of every output) and its paired
difference from the first option, for readers of the API; and every replication's outputs,
waiting list week by week and providers below the viability threshold, from which the
comparison is rebuilt whole, so the report, its charts and its CSV are the command's own
(`compare.as_rows`, `as_csv` ...). Decimals are kept as strings, exactly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from caremarket.simulation.compare import Comparison, Estimate
from caremarket.simulation.run import METRICS, RunResult
from caremarket.simulation.scenario import Scenario


def comparison_to_json(comparison: Comparison) -> dict[str, Any]:
    options = list(comparison.runs)
    return {
        "title": comparison.scenario.title,
        "weeks": comparison.scenario.weeks,
        "replications": comparison.replications,
        "seed": comparison.seed,
        "options": options,
        "outputs": dict(METRICS),
        "estimates": {
            name: {m: _estimate(comparison.estimate(name, m)) for m in METRICS} for name in options
        },
        "differences": {
            name: {m: _estimate(comparison.difference(name, m)) for m in METRICS}
            for name in options[1:]
        },
        "below_viability": {name: comparison.below_viability(name) for name in options},
        "runs": {name: [_run(r) for r in comparison.runs[name]] for name in options},
    }


def comparison_from_json(data: dict[str, Any]) -> Comparison:
    """The comparison the results were written from. Its scenario is not rebuilt (a market
    calibrated from the database would not be the same today): only its title and weeks,
    which are all the report reads of it."""
    runs = {
        name: tuple(
            RunResult(
                option=name,
                metrics={k: Decimal(v) for k, v in run["metrics"].items()},
                waiting_by_week=tuple(run["waiting_by_week"]),
                provider_hours=dict(run["provider_hours"]),
                below_viability=tuple(run["below_viability"]),
            )
            for run in data["runs"][name]
        )
        for name in data["options"]
    }
    scenario = cast(Scenario, _Heading(data["title"], data["weeks"]))
    return Comparison(scenario, data["replications"], data["seed"], runs)


class _Heading:
    def __init__(self, title: str, weeks: float) -> None:
        self.title = title
        self.weeks = weeks


def _estimate(e: Estimate) -> dict[str, Any]:
    return {"mean": str(e.mean), "low": str(e.low), "high": str(e.high), "n": e.n}


def _run(result: RunResult) -> dict[str, Any]:
    return {
        "metrics": {k: str(v) for k, v in result.metrics.items()},
        "waiting_by_week": list(result.waiting_by_week),
        "provider_hours": dict(result.provider_hours),
        "below_viability": list(result.below_viability),
    }
