"""Proposing zone maps: contiguous zones of wards that balance weekly hours and cut travel.

The designer solves a p-median model with balance and contiguity, by the HiGHS MIP solver:

* every ward joins one zone, named after a centre ward; ``k`` wards are centres;
* minimise the visits a week of each ward x the minutes from its demand point to its centre's
  (the travel a zone's rounds make reaching its visits from its middle);
* each zone's weekly hours lie within ``tolerance`` of the mean (hours / k), and at least the
  viability threshold, so each zone can hold a provider;
* contiguity, by the shortest-path ordering of Drexl and Haase / Oehrlein and Haunert: a ward
  joins a centre only with a neighbour that is nearer that centre (over the ward adjacency,
  in leg minutes) in the same zone. So every zone is connected through its centre. It is
  slightly stricter than contiguity, and linear;
* to keep large maps quick, a ward may join only the ``reach`` x (wards / k) centres nearest
  it; the bound and gap reported are those of this reduced model;
* fixed zones are kept as given: their wards form one zone and no other ward joins it.

HiGHS stops at the time limit with the best map found and a lower bound on the objective;
the gap is (objective - bound) / objective. The baseline is k-means (Lloyd's algorithm, k-means++
starts, a fixed seed) on the wards' demand points weighted by visits, which neither balances
hours nor keeps zones contiguous.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

from caremarket.domain.errors import DomainError
from caremarket.domain.travel import Point
from caremarket.domain.zone_metrics import AreaDemand, Legs

INF = math.inf
LP_SECONDS = 5.0  # the least the LP relaxation is given for a bound when the solver has none


class NoDesign(DomainError):
    """No map meets the constraints (or none was found in the time allowed)."""


@dataclass(frozen=True)
class DesignProblem:
    """The wards, their demand, neighbours and legs: what every design of one area shares."""

    wards: Sequence[str]
    neighbours: Mapping[str, Collection[str]]
    demand: Mapping[str, AreaDemand]
    legs: Legs
    points: Mapping[str, Point]  # each ward's demand point (for the k-means baseline)

    def weekly_minutes(self, ward: str) -> int:
        held = self.demand.get(ward)
        return held.weekly_minutes if held else 0

    def visits(self, ward: str) -> int:
        held = self.demand.get(ward)
        return held.visits_per_week if held else 0


@dataclass(frozen=True)
class DesignOptions:
    viability_hours: int = 700
    # each zone within this share of the mean weekly hours; None: only at least the threshold
    tolerance: float | None = 0.75
    fixed: Sequence[Collection[str]] = ()  # zones kept as they are, each a set of wards
    time_limit: float = 20.0  # seconds for each k
    workers: int = 2
    reach: float = 1.5
    seed: int = 0


@dataclass(frozen=True)
class Design:
    k: int
    zones: dict[str, tuple[str, ...]]  # zone name (its centre ward) -> wards
    method: str  # "HiGHS" or "k-means"
    status: str  # "optimal", "feasible" (time limit), or "heuristic"
    objective: float  # visit-minutes to the centres a week (the model's objective)
    bound: float | None
    seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def gap(self) -> float | None:
        if self.bound is None or not self.objective:
            return None
        return max(0.0, (self.objective - self.bound) / self.objective)


def design(problem: DesignProblem, k: int, options: DesignOptions | None = None) -> Design:
    """The best k-zone map found within the time limit; NoDesign if there is none."""
    options = options or DesignOptions()
    started = time.perf_counter()
    wards = list(problem.wards)
    n = len(wards)
    if not 1 <= k <= n:
        raise NoDesign(f"cannot make {k} zones of {n} wards")
    minutes = problem.legs.minutes
    fixed = [sorted(group) for group in options.fixed]
    in_fixed = {w: g[0] for g in fixed for w in g}
    order = _graph_distances(wards, problem.neighbours, minutes)
    total = sum(problem.weekly_minutes(w) for w in wards)
    free_total = total - sum(problem.weekly_minutes(w) for w in in_fixed)
    free_k = k - len(fixed)
    if free_k < 0:
        raise NoDesign(f"{len(fixed)} fixed zones are more than {k} zones")
    least = most = 0
    if free_k:
        mean = free_total / free_k
        least = options.viability_hours * 60
        most = free_total
        if options.tolerance is not None:
            least = max(least, math.floor(mean * (1 - options.tolerance)))
            most = math.ceil(mean * (1 + options.tolerance))
    first = None if fixed else _start(problem, k, order, least, most, options.seed)
    allowed = sorted(
        set(_allowed_pairs(wards, minutes, k, options.reach, fixed)) | set((first or {}).items())
    )

    index = {pair: column for column, pair in enumerate(allowed)}
    rows: list[tuple[list[int], list[float], float, float]] = []
    for i in wards:  # every ward in one zone
        mine = [index[i, j] for j in wards if (i, j) in index]
        rows.append((mine, [1.0] * len(mine), 1, 1))
    for i, j in allowed:  # only into a zone whose centre is a centre
        if i != j:
            rows.append(([index[i, j], index[j, j]], [1.0, -1.0], -INF, 0))
    centres = [index[j, j] for j in wards if (j, j) in index]
    rows.append((centres, [1.0] * len(centres), k, k))

    for j in wards:
        if (j, j) not in index or j in in_fixed:
            continue  # a fixed zone keeps whatever it holds
        members = [i for i in wards if (i, j) in index and i != j]
        columns = [index[i, j] for i in members]
        loads = [float(problem.weekly_minutes(i)) for i in members]
        own = float(problem.weekly_minutes(j))
        rows.append(([*columns, index[j, j]], [*loads, own - least], 0, INF))
        rows.append(([*columns, index[j, j]], [*loads, own - most], -INF, 0))
    fixed_columns = [index[i, group[0]] for group in fixed for i in group]
    for (i, j), column in index.items():
        if i == j or i in in_fixed:
            continue
        closer = [
            index[m, j]
            for m in problem.neighbours[i]
            if (m, j) in index and order[j][m] < order[j][i] and m not in in_fixed
        ]
        rows.append(([column, *closer], [1.0] + [-1.0] * len(closer), -INF, 0))

    costs = [problem.visits(i) * minutes[i][j] if i != j else 0.0 for i, j in allowed]
    lower = [1.0 if c in set(fixed_columns) else 0.0 for c in range(len(allowed))]
    start = None
    if first is not None:
        start = [0.0] * len(allowed)
        for pair in first.items():
            start[index[pair]] = 1.0
    solved = _solve(costs, lower, rows, options, start)
    if solved is None:
        raise NoDesign(
            f"no {k}-zone map with every zone between {least / 60:.0f} and {most / 60:.0f}"
            f" hours a week found"
        )
    values, status, objective, bound = solved
    notes = []
    if not math.isfinite(bound) or bound <= 0 < objective:
        # HiGHS stopped before its first bound (a large model's root relaxation; it reports 0,
        # which every map's objective trivially exceeds): the LP relaxation's optimum, solved
        # on its own, bounds every map of the model from below
        bound = _lp_bound(costs, lower, rows, options)
        if bound is not None:
            notes.append("bound: the LP relaxation's (the solver stopped before its own)")
    zones: dict[str, list[str]] = {}
    for (i, j), column in index.items():
        if values[column] > 0.5:
            zones.setdefault(j, []).append(i)
    moves = refine(problem, zones, least=least, most=most, keep=set(in_fixed))
    return Design(
        k=k,
        zones={j: tuple(sorted(zones[j])) for j in sorted(zones)},
        method="HiGHS",
        status=status,
        objective=objective,
        bound=bound,
        seconds=time.perf_counter() - started,
        notes=(
            f"each zone {least / 60:.0f} to {most / 60:.0f} hours a week",
            f"{moves} ward moves after the solver cut the travel estimate",
            *notes,
        ),
    )


def refine(
    problem: DesignProblem,
    zones: dict[str, list[str]],
    *,
    least: float,
    most: float,
    keep: Collection[str] = (),
) -> int:
    """Move wards between neighbouring zones while that cuts the travel estimate (visits x the
    mean leg between two visits of the zone, zone_metrics' measure, which is not linear and so
    not the solver's), keeping zones contiguous and within the hours; returns the moves made.

    A zone's visit-weighted leg sum S = sum over its wards i, j of v_i v_j t_ij; its travel a
    week is S / V (V its visits), so a move's effect is known from the sums of the two zones.
    """
    t = problem.legs.minutes
    v = {w: problem.visits(w) for w in problem.wards}
    h = {w: problem.weekly_minutes(w) for w in problem.wards}
    zone_of = {w: z for z, members in zones.items() for w in members}
    sums = {z: sum(v[i] * v[j] * t[i][j] for i in ms for j in ms) for z, ms in zones.items()}
    visits = {z: sum(v[i] for i in ms) for z, ms in zones.items()}
    hours = {z: sum(h[i] for i in ms) for z, ms in zones.items()}
    fixed_zones = {zone_of[w] for w in keep}

    def travel(total: float, count: int) -> float:
        return total / count if count else 0.0

    moves = 0
    while moves < 10 * len(problem.wards):
        best: tuple[float, str, str, float, float] | None = None
        for i, a in zone_of.items():
            if a in fixed_zones or not v[i] or len(zones[a]) == 1 or i == a:
                continue
            for b in {zone_of[m] for m in problem.neighbours[i]} - {a} - fixed_zones:
                if hours[a] - h[i] < least or hours[b] + h[i] > most:
                    continue
                out_a = sum(v[j] * (t[i][j] + t[j][i]) for j in zones[a]) - v[i] * t[i][i]
                in_b = sum(v[j] * (t[i][j] + t[j][i]) for j in zones[b]) + v[i] * t[i][i]
                new_a, new_b = sums[a] - v[i] * out_a, sums[b] + v[i] * in_b
                change = (
                    travel(new_a, visits[a] - v[i])
                    + travel(new_b, visits[b] + v[i])
                    - travel(sums[a], visits[a])
                    - travel(sums[b], visits[b])
                )
                if change < -1e-6 and (best is None or change < best[0]):
                    rest = [w for w in zones[a] if w != i]
                    if _connected(rest, problem.neighbours):
                        best = (change, i, b, new_a, new_b)
        if best is None:
            return moves
        _change, i, b, new_a, new_b = best
        a = zone_of[i]
        zones[a].remove(i)
        zones[b].append(i)
        zone_of[i] = b
        sums[a], sums[b] = new_a, new_b
        visits[a] -= v[i]
        visits[b] += v[i]
        hours[a] -= h[i]
        hours[b] += h[i]
        moves += 1
    return moves


def _connected(wards: Sequence[str], neighbours: Mapping[str, Collection[str]]) -> bool:
    held = set(wards)
    if not held:
        return False
    start = next(iter(held))
    reached = {start}
    stack = [start]
    while stack:
        for other in neighbours[stack.pop()]:
            if other in held and other not in reached:
                reached.add(other)
                stack.append(other)
    return reached == held


def _start(
    problem: DesignProblem,
    k: int,
    order: Mapping[str, Mapping[str, float]],
    least: float,
    most: float,
    seed: int,
) -> dict[str, str] | None:
    """A first map for the solver (ward -> centre), or None.

    k-means' zones' centre wards, each ward joining the centre nearest over the adjacency plus
    the centre's weight; weights grow for zones with too many hours and shrink for those with
    too few until all are within the hours. A ward's predecessor on its shortest path to its
    centre then joins the same centre (additively weighted nearest centres keep shortest-path
    trees), so the ordering holds."""
    centres = list(kmeans(problem, k, seed=seed).zones)
    hop = sum(
        min(problem.legs.minutes[i][j] for j in problem.neighbours[i])
        for i in problem.wards
        if problem.neighbours[i]
    ) / len(problem.wards)
    weight = dict.fromkeys(centres, 0.0)
    target = (least + most) / 2
    for _ in range(500):
        zone_of = {
            i: min(centres, key=lambda c: (order[c][i] + weight[c], c)) for i in problem.wards
        }
        hours = dict.fromkeys(centres, 0)
        for i, j in zone_of.items():
            hours[j] += problem.weekly_minutes(i)
        if all(least <= h <= most for h in hours.values()):
            return zone_of
        for c in centres:
            weight[c] += 0.5 * hop * (hours[c] - target) / target
    return None


def _highs(
    costs: list[float],
    lower: list[float],
    rows: list[tuple[list[int], list[float], float, float]],
    options: DesignOptions,
    *,
    integer: bool,
) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(options.time_limit))
    h.setOptionValue("threads", options.workers)
    h.setOptionValue("random_seed", options.seed)
    n = len(costs)
    h.addVars(n, np.array(lower), np.ones(n))
    if integer:
        h.changeColsIntegrality(n, np.arange(n), np.array([highspy.HighsVarType.kInteger] * n))
    h.changeColsCost(n, np.arange(n), np.array(costs))
    starts, indices, values = [], [], []
    for columns, coefficients, _lo, _hi in rows:
        starts.append(len(indices))
        indices.extend(columns)
        values.extend(coefficients)
    h.addRows(
        len(rows),
        np.array([r[2] for r in rows], dtype=float),
        np.array([r[3] for r in rows], dtype=float),
        len(indices),
        np.array(starts, dtype=np.int32),
        np.array(indices, dtype=np.int32),
        np.array(values, dtype=float),
    )
    return h


def _lp_bound(
    costs: list[float],
    lower: list[float],
    rows: list[tuple[list[int], list[float], float, float]],
    options: DesignOptions,
) -> float | None:
    """The optimum of the model's LP relaxation (a lower bound on every map), or None."""
    h = _highs(costs, lower, rows, options, integer=False)
    h.setOptionValue("time_limit", max(float(options.time_limit), LP_SECONDS))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def _solve(
    costs: list[float],
    lower: list[float],
    rows: list[tuple[list[int], list[float], float, float]],
    options: DesignOptions,
    start: list[float] | None = None,
) -> tuple[list[float], str, float, float] | None:
    """Minimise over binary columns with HiGHS: (values, status, objective, bound) or None."""
    h = _highs(costs, lower, rows, options, integer=True)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    model_status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        return None
    optimal = model_status == highspy.HighsModelStatus.kOptimal
    return (
        list(h.getSolution().col_value),
        "optimal" if optimal else "feasible",
        info.objective_function_value,
        info.mip_dual_bound,
    )


def kmeans(problem: DesignProblem, k: int, *, seed: int = 0, starts: int = 10) -> Design:
    """The baseline: k-means on the wards' demand points weighted by visits a week."""
    started = time.perf_counter()
    wards = list(problem.wards)
    xy = _plane([problem.points[w] for w in wards])
    weights = np.array([max(problem.visits(w), 0) for w in wards], dtype=float)
    if not weights.sum():
        weights = np.ones(len(wards))
    rng = np.random.default_rng(seed)
    best_labels, best_inertia = None, math.inf
    for _ in range(starts):
        labels, inertia = _lloyd(xy, weights, k, rng)
        if inertia < best_inertia:
            best_labels, best_inertia = labels, inertia
    assert best_labels is not None
    groups: dict[int, list[str]] = {}
    for ward, label in zip(wards, best_labels, strict=True):
        groups.setdefault(int(label), []).append(ward)
    zones = {}
    for members in groups.values():
        centre = min(
            members,
            key=lambda j: sum(problem.visits(i) * problem.legs.minutes[i][j] for i in members),
        )
        zones[centre] = tuple(sorted(members))
    objective = sum(
        problem.visits(i) * problem.legs.minutes[i][j]
        for j, ms in zones.items()
        for i in ms
        if i != j
    )
    return Design(
        k=k,
        zones=dict(sorted(zones.items())),
        method="k-means",
        status="heuristic",
        objective=objective,
        bound=None,
        seconds=time.perf_counter() - started,
    )


def _lloyd(
    xy: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator, rounds: int = 100
) -> tuple[np.ndarray, float]:
    centres = _plus_plus(xy, weights, k, rng)
    labels = np.zeros(len(xy), dtype=int)
    for _ in range(rounds):
        squared = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = squared.argmin(axis=1)
        moved = centres.copy()
        for c in range(k):
            mine = labels == c
            if weights[mine].sum() > 0:
                moved[c] = np.average(xy[mine], axis=0, weights=weights[mine])
        if np.allclose(moved, centres):
            break
        centres = moved
    squared = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels = squared.argmin(axis=1)
    return labels, float((weights * squared[np.arange(len(xy)), labels]).sum())


def _plus_plus(xy: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    chosen = [rng.choice(len(xy), p=weights / weights.sum())]
    for _ in range(1, k):
        squared = ((xy[:, None, :] - xy[chosen][None, :, :]) ** 2).sum(axis=2).min(axis=1)
        p = weights * squared
        chosen.append(rng.choice(len(xy), p=p / p.sum()) if p.sum() else rng.choice(len(xy)))
    return xy[chosen].astype(float)


def _plane(points: Sequence[Point]) -> np.ndarray:
    """Kilometres east and north of the points' mean (equirectangular: fine for a county)."""
    lat = np.array([p.latitude for p in points])
    lon = np.array([p.longitude for p in points])
    mean_lat = math.radians(lat.mean())
    return np.column_stack(
        (
            (lon - lon.mean()) * 111.195 * math.cos(mean_lat),
            (lat - lat.mean()) * 111.195,
        )
    )


def _graph_distances(
    wards: Sequence[str],
    neighbours: Mapping[str, Collection[str]],
    minutes: Mapping[str, Mapping[str, float]],
) -> dict[str, dict[str, float]]:
    """Shortest paths over the adjacency, each hop costing its leg minutes (Dijkstra)."""
    held = set(wards)
    result = {}
    for source in wards:
        best = {source: 0.0}
        queue = [(0.0, source)]
        while queue:
            d, ward = heapq.heappop(queue)
            if d > best[ward]:
                continue
            for other in neighbours[ward]:
                if other not in held:
                    continue
                step = d + max(minutes[ward][other], 1e-6)
                if step < best.get(other, math.inf):
                    best[other] = step
                    heapq.heappush(queue, (step, other))
        result[source] = {w: best.get(w, math.inf) for w in wards}
    return result


def _allowed_pairs(
    wards: Sequence[str],
    minutes: Mapping[str, Mapping[str, float]],
    k: int,
    reach: float,
    fixed: Sequence[Sequence[str]],
) -> list[tuple[str, str]]:
    """(ward, centre) pairs the model considers: each ward's nearest centres, and fixed zones'."""
    nearest = max(1, min(len(wards), math.ceil(reach * len(wards) / k)))
    centre_of = {w: group[0] for group in fixed for w in group}
    pairs = set()
    for i in wards:
        if i in centre_of:
            pairs.add((i, centre_of[i]))  # a fixed zone's ward stays in it
            continue
        ranked = sorted(wards, key=lambda j: (minutes[i][j] if i != j else -1.0, j))
        pairs.update((i, j) for j in ranked[:nearest] if j not in centre_of)
    return sorted(pairs)
