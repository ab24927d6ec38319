"""Demand by ward from packages, and the travel legs between wards, for zone design.

A package counts in the ward of its person's postcode (from the postcode rows: postcode,
latitude, longitude, ward_code). A ward's demand point is the mean position of its visits
(each client's postcode weighted by visits a week), or the ward's ONS point if nobody there
has care. The leg inside a ward is the mean leg between its clients' postcodes (at most
``SAMPLE`` of them, spread through the list), or between its postcodes if fewer than two
clients live there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from caremarket.domain.market import ServiceType
from caremarket.domain.packages import CarePackage
from caremarket.domain.rates import Rates
from caremarket.domain.travel import Point, StraightLineTravel
from caremarket.domain.zone_metrics import AreaDemand, Legs
from caremarket.reports.costing import package_weekly_cost
from caremarket.services.ports import TravelTimes
from caremarket.wards import Wards

SAMPLE = 30


@dataclass(frozen=True)
class WardDemand:
    demand: dict[str, AreaDemand]
    visit_points: dict[str, list[tuple[Point, int]]]  # each ward's clients: (postcode, visits)
    unplaced: int  # packages whose postcode is in no ward held


def ward_demand(
    packages: Iterable[CarePackage],
    *,
    postcodes: Mapping[str, Mapping[str, Any]],
    wards: Wards,
    rates: Rates,
    services: Mapping[str, ServiceType],
    on: date,
) -> WardDemand:
    """Each ward's clients, weekly minutes, visits and weekly cost of the packages active on
    the day."""
    people: dict[str, set[str]] = defaultdict(set)
    minutes: dict[str, int] = defaultdict(int)
    visits: dict[str, int] = defaultdict(int)
    cost: dict[str, Decimal] = defaultdict(Decimal)
    points: dict[str, dict[Point, int]] = defaultdict(lambda: defaultdict(int))
    unplaced = 0
    for package in packages:
        if not package.active_on(on):
            continue
        row = postcodes.get(package.person.postcode)
        ward = row and row.get("ward_code")
        if not ward or ward not in wards.wards:
            unplaced += 1
            continue
        calls = sum(line.calls_per_week for line in package.pattern)
        people[ward].add(package.person.reference)
        minutes[ward] += package.weekly_minutes
        visits[ward] += calls
        cost[ward] += package_weekly_cost(package, rates=rates, services=services)
        points[ward][Point(row["latitude"], row["longitude"])] += calls
    demand = {
        ward: AreaDemand(ward, len(people[ward]), minutes[ward], visits[ward], cost[ward])
        for ward in sorted(people)
    }
    return WardDemand(demand, {w: sorted(p.items()) for w, p in points.items()}, unplaced)


def demand_points(wards: Wards, found: WardDemand) -> dict[str, Point]:
    """Each ward's demand point: its visits' mean position, or its ONS point."""
    result = {}
    for code, ward in wards.wards.items():
        held = found.visit_points.get(code)
        total = sum(v for _, v in held) if held else 0
        if not total:
            result[code] = ward.point
            continue
        result[code] = Point(
            sum(p.latitude * v for p, v in held) / total,
            sum(p.longitude * v for p, v in held) / total,
        )
    return result


def ward_legs(
    wards: Wards,
    found: WardDemand,
    postcodes: Mapping[str, Mapping[str, Any]],
    *,
    travel: TravelTimes,
    estimate: StraightLineTravel,
) -> tuple[Legs, dict[str, Point]]:
    """Minutes (from ``travel``) and road km (from the estimate) between and within wards."""
    points = demand_points(wards, found)
    codes = sorted(points)
    places = [points[c] for c in codes]
    matrix = travel.durations(places, places)
    minutes = {a: {b: matrix[i][j] for j, b in enumerate(codes)} for i, a in enumerate(codes)}
    km = {a: {b: estimate.road_km(points[a], points[b]) for b in codes} for a in codes}
    by_ward: dict[str, list[Point]] = defaultdict(list)
    for row in postcodes.values():
        if row.get("ward_code") in points:
            by_ward[row["ward_code"]].append(Point(row["latitude"], row["longitude"]))
    for code in codes:
        inside = [p for p, _ in found.visit_points.get(code, ())]
        if len(inside) < 2:
            inside = sorted(by_ward[code])
        sample = inside[:: max(1, len(inside) // SAMPLE)][:SAMPLE]
        minutes[code][code], km[code][code] = _inner_leg(sample, travel, estimate)
    return Legs(minutes, km), points


def _inner_leg(
    sample: list[Point], travel: TravelTimes, estimate: StraightLineTravel
) -> tuple[float, float]:
    if len(sample) < 2:
        return 0.0, 0.0
    matrix = travel.durations(sample, sample)
    pairs = [(i, j) for i in range(len(sample)) for j in range(len(sample)) if i != j]
    minutes = sum(matrix[i][j] for i, j in pairs) / len(pairs)
    km = sum(estimate.road_km(sample[i], sample[j]) for i, j in pairs) / len(pairs)
    return minutes, km
