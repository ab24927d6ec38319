"""Travel estimates: distances checked by hand, urban and rural speeds, and the calibration."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.travel import (
    Point,
    StraightLineTravel,
    TravelAssumptions,
    calibrated_circuity,
    distance_km,
)

# A degree of latitude is 2 pi R / 360 = 111.195 km on the mean-radius sphere.
DEGREE_KM = 2 * math.pi * 6371.0088 / 360


def a_town(centre: Point, postcodes: int, spread: float = 0.004) -> list[Point]:
    """Postcodes packed on a small square grid around a centre (about 0.4 km across)."""
    side = math.ceil(math.sqrt(postcodes))
    return [
        Point(
            centre.latitude + spread * (i // side) / side,
            centre.longitude + spread * (i % side) / side,
        )
        for i in range(postcodes)
    ]


def test_distance_along_a_meridian_is_the_degrees_times_the_length_of_a_degree() -> None:
    assert distance_km(Point(52.0, -2.7), Point(52.5, -2.7)) == pytest.approx(DEGREE_KM / 2)
    assert distance_km(Point(52.0, -2.7), Point(52.0, -2.7)) == 0


def test_a_rural_leg_is_stop_time_plus_road_distance_at_the_rural_speed() -> None:
    travel = StraightLineTravel([])  # no postcodes: everywhere is rural
    a, b = Point(52.0, -2.7), Point(52.1, -2.7)
    road_km = DEGREE_KM * 0.1 * 1.3
    assert travel.minutes(a, b) == pytest.approx(2 + 60 * road_km / 56)
    assert travel.minutes(a, a) == 0


def test_a_leg_between_towns_runs_slowly_only_near_its_urban_ends() -> None:
    town, village = Point(52.0, -2.7), Point(52.1, -2.7)
    travel = StraightLineTravel(a_town(town, 200))
    assert travel.is_urban(town)
    assert not travel.is_urban(village)
    road_km = DEGREE_KM * 0.1 * 1.3
    expected = 2 + 60 * (1.5 / 24 + (road_km - 1.5) / 56)
    assert travel.minutes(town, village) == pytest.approx(expected)
    # a short leg inside the town is all at the urban speed
    near = Point(52.002, -2.7)
    assert travel.minutes(town, near) == pytest.approx(2 + 60 * DEGREE_KM * 0.002 * 1.3 / 24)


def test_urban_needs_the_threshold_of_postcodes_within_the_radius() -> None:
    centre = Point(53.4, -2.98)
    assert StraightLineTravel(a_town(centre, 150)).is_urban(centre)
    assert not StraightLineTravel(a_town(centre, 149)).is_urban(centre)


@given(st.floats(50, 55), st.floats(-4, 0), st.floats(50, 55), st.floats(-4, 0))
def test_a_leg_takes_as_long_either_way_and_no_less_than_at_the_rural_speed(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> None:
    travel = StraightLineTravel([])
    a, b = Point(lat1, lon1), Point(lat2, lon2)
    assert travel.minutes(a, b) == pytest.approx(travel.minutes(b, a))
    assert travel.minutes(a, b) >= 60 * travel.road_km(a, b) / 56


def test_the_matrix_holds_a_row_for_each_origin() -> None:
    travel = StraightLineTravel([])
    points = [Point(52.0, -2.7), Point(52.1, -2.7), Point(52.0, -2.8)]
    matrix = travel.durations(points[:2], points)
    assert len(matrix) == 2 and all(len(row) == 3 for row in matrix)
    assert matrix[1][0] == travel.minutes(points[1], points[0])


def test_calibration_recovers_the_circuity_a_routing_service_implies() -> None:
    legs = [(Point(52.0, -2.7), Point(52.0 + d / 100, -2.7 - d / 200)) for d in range(1, 20)]
    truth = StraightLineTravel([], TravelAssumptions(circuity=1.45))
    routed = [truth.minutes(a, b) for a, b in legs]
    assert calibrated_circuity(StraightLineTravel([]), legs, routed) == pytest.approx(1.45)
