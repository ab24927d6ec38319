"""Comparing a scenario's options: every option run on the same random demand (replication
n of every option draws its requests from the same stream), replications in parallel
processes, each output's mean with a 95 % confidence interval (Student's t over the
replications), side by side. The same seed gives the same figures, however many processes."""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scipy import stats

from caremarket.domain.calendar import WorkingWeek
from caremarket.simulation.run import METRICS, RunResult, simulate
from caremarket.simulation.scenario import Scenario

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Estimate:
    mean: Decimal
    low: Decimal  # the 95 % confidence interval's ends
    high: Decimal
    n: int

    def describe(self, places: int = 1) -> str:
        if self.mean.is_nan():
            return "–"
        q = Decimal(1).scaleb(-places)
        mean, low, high = (v.quantize(q, ROUND_HALF_UP) for v in (self.mean, self.low, self.high))
        return f"{mean:,} ({low:,} to {high:,})"


@dataclass(frozen=True)
class Comparison:
    scenario: Scenario
    replications: int
    seed: int
    runs: dict[str, tuple[RunResult, ...]]  # option name → its replications, in order

    def estimate(self, option: str, metric: str) -> Estimate:
        return estimate([r.metrics[metric] for r in self.runs[option]])

    def difference(self, option: str, metric: str) -> Estimate:
        """The option's output less the first option's, replication by replication (the
        same demand in both): a paired interval, narrower than the two intervals apart."""
        first = next(iter(self.runs))
        pairs = zip(self.runs[option], self.runs[first], strict=True)
        return estimate([a.metrics[metric] - b.metrics[metric] for a, b in pairs])

    def below_viability(self, option: str) -> dict[str, int]:
        """Each provider under the viability threshold at the end: in how many runs."""
        counts: dict[str, int] = {}
        for run in self.runs[option]:
            for name in run.below_viability:
                counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))

    def waiting_by_week(self, option: str) -> list[Decimal]:
        """The mean waiting list at the end of each week, over the replications."""
        series = [r.waiting_by_week for r in self.runs[option]]
        weeks = min((len(s) for s in series), default=0)
        return [Decimal(sum(s[w] for s in series)) / len(series) for w in range(weeks)]


def estimate(values: list[Decimal]) -> Estimate:
    finite = [v for v in values if not v.is_nan()]
    if not finite:
        return Estimate(Decimal("NaN"), Decimal("NaN"), Decimal("NaN"), 0)
    mean = statistics.mean(finite)
    if len(finite) < 2:
        return Estimate(mean, mean, mean, 1)
    t = Decimal(repr(float(stats.t.ppf(0.975, len(finite) - 1))))
    half = t * statistics.stdev(finite) / Decimal(math.sqrt(len(finite)))
    return Estimate(mean, mean - half, mean + half, len(finite))


def compare(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    processes: int = 1,
    progress: Progress | None = None,
    week: WorkingWeek | None = None,
) -> Comparison:
    """Run every option `replications` times; `processes` above 1 runs them in parallel."""
    count = replications or scenario.replications
    chosen_seed = scenario.seed if seed is None else seed
    jobs = [(o, n) for n in range(count) for o in range(len(scenario.options))]
    results: dict[tuple[int, int], RunResult] = {}
    if processes > 1:
        with ProcessPoolExecutor(
            processes, initializer=_remember, initargs=(scenario, chosen_seed, week)
        ) as pool:
            futures = {pool.submit(_run_job, job): job for job in jobs}
            for done, future in enumerate(as_completed(futures), start=1):
                results[futures[future]] = future.result()
                if progress:
                    progress(done, len(jobs))
    else:
        _remember(scenario, chosen_seed, week)
        for done, job in enumerate(jobs, start=1):
            results[job] = _run_job(job)
            if progress:
                progress(done, len(jobs))
    runs = {
        option.name: tuple(results[(o, n)] for n in range(count))
        for o, option in enumerate(scenario.options)
    }
    return Comparison(scenario, count, chosen_seed, runs)


_WORKER: dict[str, object] = {}


def _remember(scenario: Scenario, seed: int, week: WorkingWeek | None) -> None:
    _WORKER["scenario"] = scenario
    _WORKER["seed"] = seed
    _WORKER["week"] = week


def _run_job(job: tuple[int, int]) -> RunResult:
    scenario: Scenario = _WORKER["scenario"]  # type: ignore[assignment]
    option, replication = job
    return simulate(
        scenario.market,
        scenario.options[option],
        weeks=scenario.weeks,
        seed=int(_WORKER["seed"]),  # type: ignore[call-overload]
        replication=replication,
        warm_up_weeks=scenario.warm_up_weeks,
        week=_WORKER["week"],  # type: ignore[arg-type]
    )


PLACES = {"cost": 0, "hours_delivered": 0, "requests": 0, "started": 0}


def as_rows(comparison: Comparison) -> list[list[str]]:
    """The table: one row an output, one column an option."""
    names = list(comparison.runs)
    rows = [["output", *names]]
    for metric, label in METRICS.items():
        places = PLACES.get(metric, 1)
        rows.append([label, *(comparison.estimate(n, metric).describe(places) for n in names)])
    return rows


def differences_as_rows(comparison: Comparison) -> list[list[str]]:
    """The table of each later option's difference from the first (paired)."""
    first, *others = list(comparison.runs)
    rows = [["output", *(f"{name} − {first}" for name in others)]]
    for metric, label in METRICS.items():
        places = PLACES.get(metric, 1)
        rows.append([label, *(comparison.difference(n, metric).describe(places) for n in others)])
    return rows


def as_csv(comparison: Comparison) -> str:
    """Every output of every option: mean and the 95 % interval's ends, and the same for
    its difference from the first option (paired), unrounded."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["option", "output", "mean", "low", "high", "replications",
         "difference", "difference_low", "difference_high"]
    )  # fmt: skip
    for name in comparison.runs:
        for metric in METRICS:
            e = comparison.estimate(name, metric)
            d = comparison.difference(name, metric)
            writer.writerow([name, metric, e.mean, e.low, e.high, e.n, d.mean, d.low, d.high])
    return out.getvalue()


def charts(comparison: Comparison) -> list[tuple[str, str]]:
    """(title, SVG) of each chart: each option's mean waiting list week by week, and its
    median time to start, delay days and cost as bars."""
    from caremarket.reports.charts import Point, bar_chart, line_chart

    drawn = []
    for n, name in enumerate(comparison.runs, start=1):
        series = comparison.waiting_by_week(name)
        points = [
            Point(f"week {w}", v, f"{v.quantize(Decimal('0.1'))}")
            for w, v in enumerate(series, start=1)
        ]
        title = f"{name}: the waiting list, week by week (mean of the replications)"
        drawn.append((title, line_chart(title, points, chart_id=f"waiting-{n}")))
    for metric in ("time_to_start_median", "delay_days", "hand_backs", "cost"):
        points = []
        for name in comparison.runs:
            e = comparison.estimate(name, metric)
            value = Decimal(0) if e.mean.is_nan() else e.mean
            points.append(Point(name, value, e.describe(PLACES.get(metric, 1))))
        title = METRICS[metric].capitalize()
        drawn.append((title, bar_chart(title, points, chart_id=f"bars-{metric}")))
    return drawn
