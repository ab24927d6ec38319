"""Travel time between two places, estimated from where postcodes lie.

A care worker's leg from one visit to the next is estimated as the straight-line (great
circle) distance between the two points, times a road-circuity factor (roads wind: a road trip
is longer than the crow flies), at a speed that depends on how built-up the ends are, plus a
fixed time at each stop (parking, walking to the door). How built-up a point is comes from the
density of postcodes around it: a point with at least ``urban_postcodes`` postcodes within
``density_radius_km`` is urban, otherwise rural. Postcodes stand for about 15 addresses each,
so density of postcodes is density of homes; the default threshold is met in the towns of
about 10,000 people and more that the ONS calls urban (Hereford, Leominster, Ross-on-Wye in
Herefordshire) and not in the villages (docs/zones.md shows the calibration).

Near an urban end (its first ``town_km``) a leg runs at the urban speed, and everywhere else at
the rural (open road) speed: a trip between two towns is mostly on the open road. Every figure is in
``TravelAssumptions`` with its source or the word "assumption"; ``calibrated_circuity`` fits
the circuity factor to a routing service's durations for a sample of legs when a council has
one. A routing service's matrix can replace this estimate altogether: anything with the
``durations`` method (``services.ports.TravelTimes``) will do.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
KM_PER_MILE = 1.609344


@dataclass(frozen=True, order=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class TravelAssumptions:
    """The estimate's figures: change them to a council's own, or calibrate the circuity."""

    # Road distance over straight-line distance. Assumption: 1.3, within the 1.2-1.4 that
    # road-network studies report for Britain; refit with calibrated_circuity.
    circuity: float = 1.3
    # Average driving speeds between visits. Assumption: 24 km/h (15 mph) in towns, where
    # short trips start and stop in traffic; 56 km/h (35 mph) on rural and open roads.
    urban_kmh: float = 24.0
    rural_kmh: float = 56.0
    # How far from an urban end the urban speed holds. Assumption: 1.5 km.
    town_km: float = 1.5
    # Time at each stop to park and walk to the door. Assumption: 2 minutes.
    stop_minutes: float = 2.0
    # A point is urban with at least this many postcodes within the radius (see the module).
    urban_postcodes: int = 150
    density_radius_km: float = 1.0


def distance_km(a: Point, b: Point) -> float:
    """The great-circle (haversine) distance between two points."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class Density:
    """How many postcodes lie within a radius of a point, counted on a grid of cells."""

    def __init__(self, points: Iterable[Point], radius_km: float) -> None:
        self.radius_km = radius_km
        self._cell_lat = radius_km / 111.2  # degrees of latitude in a cell
        self._cells: dict[tuple[int, int], list[Point]] = defaultdict(list)
        self._cell_lon = 0.0
        points = list(points)
        if points:
            mean_lat = sum(p.latitude for p in points) / len(points)
            self._cell_lon = self._cell_lat / max(0.1, math.cos(math.radians(mean_lat)))
        for point in points:
            self._cells[self._cell(point)].append(point)

    def _cell(self, point: Point) -> tuple[int, int]:
        return (
            math.floor(point.latitude / self._cell_lat),
            math.floor(point.longitude / self._cell_lon) if self._cell_lon else 0,
        )

    def around(self, point: Point) -> int:
        row, column = self._cell(point)
        return sum(
            1
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            for other in self._cells.get((row + dr, column + dc), ())
            if distance_km(point, other) <= self.radius_km
        )


@dataclass
class StraightLineTravel:
    """Estimated minutes between points: straight line x circuity at an urban or rural speed.

    ``postcodes`` are the points whose density decides what is urban (a council's gazetteer).
    """

    postcodes: Sequence[Point]
    assumptions: TravelAssumptions = field(default_factory=TravelAssumptions)

    def __post_init__(self) -> None:
        a = self.assumptions
        self._density = Density(self.postcodes, a.density_radius_km)
        self._urban: dict[Point, bool] = {}

    def is_urban(self, point: Point) -> bool:
        if point not in self._urban:
            count = self._density.around(point)
            self._urban[point] = count >= self.assumptions.urban_postcodes
        return self._urban[point]

    def road_km(self, a: Point, b: Point) -> float:
        return distance_km(a, b) * self.assumptions.circuity

    def minutes(self, a: Point, b: Point) -> float:
        """One leg's minutes; no time for a leg that does not move."""
        km = self.road_km(a, b)
        if km == 0:
            return 0.0
        s = self.assumptions
        in_town = [min(s.town_km, km / 2) for end in (a, b) if self.is_urban(end)]
        hours = sum(in_town) / s.urban_kmh + (km - sum(in_town)) / s.rural_kmh
        return s.stop_minutes + 60 * hours

    def durations(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> list[list[float]]:
        """Minutes from each origin (rows) to each destination (columns)."""
        return [[self.minutes(a, b) for b in destinations] for a in origins]


def calibrated_circuity(
    estimate: StraightLineTravel, legs: Sequence[tuple[Point, Point]], routed: Sequence[float]
) -> float:
    """The circuity factor that best fits a routing service's minutes for sample legs.

    A leg's moving time (its minutes less the stop) is proportional to its road distance, so
    to the circuity, but for the stretch in town, which is capped in kilometres; the fit scales
    the circuity by the least-squares factor ``sum(e r) / sum(e^2)`` between the estimated
    moving minutes ``e`` and the routed ones ``r``. Run it twice for the cap to settle.
    """
    stop = estimate.assumptions.stop_minutes
    numerator = denominator = 0.0
    for (a, b), minutes in zip(legs, routed, strict=True):
        if distance_km(a, b) == 0:
            continue
        moving = estimate.minutes(a, b) - stop
        numerator += moving * (minutes - stop)
        denominator += moving * moving
    if not denominator:
        raise ValueError("no leg that moves to calibrate on")
    return estimate.assumptions.circuity * numerator / denominator
