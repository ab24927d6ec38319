"""The zone designer on small maps checked by hand, and against the k-means baseline."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from caremarket.domain.travel import Point
from caremarket.domain.zone_metrics import AreaDemand, Legs
from caremarket.optimise.zone_design import (
    DesignOptions,
    DesignProblem,
    NoDesign,
    design,
    kmeans,
)
from caremarket.wards import is_contiguous


def a_problem(
    places: dict[str, tuple[float, float]],
    edges: list[tuple[str, str]],
    hours: dict[str, int],
    *,
    minutes_per_km: float = 2.0,
) -> DesignProblem:
    """Wards at (x, y) km with the given adjacency; legs of 2 minutes a km (1 inside a ward)."""
    neighbours: dict[str, set[str]] = {w: set() for w in places}
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)

    def km(a: str, b: str) -> float:
        (xa, ya), (xb, yb) = places[a], places[b]
        return ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5 if a != b else 0.5

    legs = Legs(
        minutes={a: {b: minutes_per_km * km(a, b) for b in places} for a in places},
        km={a: {b: km(a, b) for b in places} for a in places},
    )
    demand = {w: AreaDemand(w, h // 10, h * 60, h * 2, Decimal(h * 20)) for w, h in hours.items()}
    points = {w: Point(52 + y / 111.2, -2.7 + x / 68.5) for w, (x, y) in places.items()}
    return DesignProblem(sorted(places), neighbours, demand, legs, points)


# Six wards in a row, 1 km apart, 800 hours a week each.
ROW = a_problem(
    {f"W{n}": (n, 0) for n in range(1, 7)},
    [(f"W{n}", f"W{n + 1}") for n in range(1, 6)],
    {f"W{n}": 800 for n in range(1, 7)},
)


def test_two_zones_of_a_row_are_its_two_halves_at_the_optimum() -> None:
    found = design(ROW, 2, DesignOptions(tolerance=0.1))
    assert sorted(found.zones.values()) == [("W1", "W2", "W3"), ("W4", "W5", "W6")]
    assert found.status == "optimal" and found.gap == 0
    # each half's centre is its middle ward: 2 wards x 1,600 visits x 2 minutes, twice
    assert found.objective == pytest.approx(2 * 2 * 1600 * 2)


def test_zones_hold_at_least_the_viability_threshold() -> None:
    with pytest.raises(NoDesign):  # 4,800 hours cannot make 7 zones of 700
        design(ROW, 7, DesignOptions(tolerance=None))
    found = design(ROW, 3, DesignOptions(tolerance=None, viability_hours=1600))
    assert all(len(wards) == 2 for wards in found.zones.values())


# A U: two arms whose ends lie 1 km apart across a gap no road crosses (not neighbours).
#   L3 . R3
#   L2 . R2
#   L1 B R1
U_PLACES = {
    "L1": (0, 0),
    "L2": (0, 2),
    "L3": (0, 4),
    "B": (1, 0),
    "R1": (2, 0),
    "R2": (2, 2),
    "R3": (2, 4),
}
U_EDGES = [("L1", "L2"), ("L2", "L3"), ("L1", "B"), ("B", "R1"), ("R1", "R2"), ("R2", "R3")]
U = a_problem(
    U_PLACES, U_EDGES, {"L1": 100, "L2": 100, "L3": 900, "B": 50, "R1": 100, "R2": 100, "R3": 900}
)


def test_every_zone_is_contiguous_where_k_means_joins_wards_across_a_gap() -> None:
    baseline = kmeans(U, 2, seed=1)
    assert any(not is_contiguous(z, U.neighbours) for z in baseline.zones.values())
    found = design(U, 2, DesignOptions(tolerance=0.5, viability_hours=100))
    assert all(is_contiguous(z, U.neighbours) for z in found.zones.values())


def test_balance_keeps_each_zones_hours_within_the_tolerance() -> None:
    # W6 lies 10 km beyond W5: left to itself it makes a small zone
    hours = {"W1": 300, "W2": 300, "W3": 300, "W4": 300, "W5": 300, "W6": 900}
    skewed = a_problem(
        {**{f"W{n}": (n, 0) for n in range(1, 6)}, "W6": (15, 0)},
        [(f"W{n}", f"W{n + 1}") for n in range(1, 6)],
        hours,
    )
    loose = design(skewed, 2, DesignOptions(tolerance=None, viability_hours=100))
    balanced = design(skewed, 2, DesignOptions(tolerance=0.1, viability_hours=100))
    # mean 1,200 hours: unbalanced, W6 is a zone of 900; balanced, W5 joins it
    assert sorted(loose.zones.values()) == [("W1", "W2", "W3", "W4", "W5"), ("W6",)]
    assert sorted(balanced.zones.values()) == [("W1", "W2", "W3", "W4"), ("W5", "W6")]
    with pytest.raises(NoDesign):  # 2,600 and 400: no split of the row within 1%
        design(
            a_problem(
                {"A": (0, 0), "B": (1, 0), "C": (2, 0)},
                [("A", "B"), ("B", "C")],
                {"A": 2600, "B": 200, "C": 200},
            ),
            2,
            DesignOptions(tolerance=0.01, viability_hours=100),
        )


def test_a_fixed_zone_is_kept_as_given() -> None:
    found = design(ROW, 2, DesignOptions(tolerance=None, fixed=[{"W1", "W2"}]))
    assert ("W1", "W2") in found.zones.values()
    assert ("W3", "W4", "W5", "W6") in found.zones.values()


# An 8 x 8 grid of wards, 1 km apart, of 100 to 149 hours a week.
GRID = a_problem(
    {f"G{x}{y}": (x, y) for x in range(8) for y in range(8)},
    [(f"G{x}{y}", f"G{x + 1}{y}") for x in range(7) for y in range(8)]
    + [(f"G{x}{y}", f"G{x}{y + 1}") for x in range(8) for y in range(7)],
    {f"G{x}{y}": 100 + (7 * (8 * x + y)) % 50 for x in range(8) for y in range(8)},
)


def test_a_solver_stopped_before_its_own_bound_reports_the_lp_relaxations() -> None:
    options = DesignOptions(viability_hours=100)
    hurried = design(GRID, 4, replace(options, time_limit=0.0001))
    solved = design(GRID, 4, replace(options, time_limit=60))
    assert hurried.status == "feasible" and solved.status == "optimal"
    assert any("LP relaxation" in note for note in hurried.notes)
    # a true bound: no map of the model does better, the optimum included
    assert hurried.bound is not None and 0 < hurried.bound <= solved.objective + 1e-6
    assert hurried.gap is not None and 0 < hurried.gap < 1
    assert hurried.objective >= solved.objective - 1e-6
    assert not any("LP relaxation" in note for note in solved.notes)
