"""What a zone map means for the people, the providers and the price of care in each zone.

A zone is a set of areas (wards or postcode sectors). Each area brings its demand: its clients,
weekly minutes of care, visits a week and weekly cost at the rates in force. A zone's figures:

* clients, weekly hours, annual hours (= weekly x 52) and the indicative annual cost (= weekly
  cost x 52), as the zone demand report counts them (the Herefordshire table);
* travel minutes per visit: the mean leg between two visits drawn at random from the zone,
  weighted by visits. A leg between two areas is the travel time between their demand points;
  a leg inside an area is the mean between its clients' postcodes. This is the leg of a round
  that takes visits anywhere in the zone, so it ranks maps by how far apart a zone's visits lie;
  a rota planned street by street travels less (docs/zones.md);
* travel hours a week (= visits a week x minutes per visit / 60) and travel's share of paid
  time (= travel / (contact + travel));
* viable providers: how many providers the zone can hold at the viability threshold (weekly
  hours / threshold, whole providers: a zone below the threshold holds none);
* the cost-of-care rate it implies: the cost-of-care model's price of a contact hour with the
  zone's travel minutes and miles per visit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from caremarket.domain.cost_of_care import CostInputs, ZoneTravel, price
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.travel import KM_PER_MILE

HOURS = Decimal(60)
TENTH = Decimal("0.1")
DEFAULT_VIABILITY_HOURS = 700  # Herefordshire's providers: 700 to 2,000+ hours a week


@dataclass(frozen=True)
class AreaDemand:
    """One area's care: who lives there and how much care they receive a week."""

    area: str  # a ward code or a postcode sector
    clients: int
    weekly_minutes: int
    visits_per_week: int
    weekly_cost: Decimal  # exact, at the rates in force


@dataclass(frozen=True)
class Legs:
    """Minutes and road kilometres between areas' demand points (and within each area)."""

    minutes: Mapping[str, Mapping[str, float]]
    km: Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class ZoneMetrics:
    zone: str
    areas: tuple[str, ...]
    clients: int
    weekly_hours: Decimal
    annual_hours: Decimal
    indicative_annual_cost: Decimal  # exact; round where shown
    visits_per_week: int
    travel_minutes_per_visit: Decimal  # to 0.1 minute
    miles_per_visit: Decimal  # to 0.1 mile
    travel_hours_per_week: Decimal  # to 0.1 hour
    travel_share: Decimal  # percent of paid time, to 0.1
    viable_providers: int
    cost_of_care_rate: Decimal | None  # a contact hour, to the penny; None without inputs


def zone_metrics(
    zones: Mapping[str, Collection[str]],
    demand: Mapping[str, AreaDemand],
    legs: Legs,
    *,
    viability_hours: int = DEFAULT_VIABILITY_HOURS,
    cost_inputs: CostInputs | None = None,
) -> list[ZoneMetrics]:
    """Each zone's figures, in the order given; an area with no demand counts for nothing."""
    return [
        _metrics(code, tuple(areas), demand, legs, viability_hours, cost_inputs)
        for code, areas in zones.items()
    ]


def mean_leg(
    areas: Collection[str], demand: Mapping[str, AreaDemand], legs: Legs
) -> tuple[float, float]:
    """(minutes, km) of the mean leg between two visits drawn at random from the areas."""
    weights = {a: demand[a].visits_per_week for a in areas if a in demand}
    total = sum(weights.values())
    if not total:
        return 0.0, 0.0
    minutes = km = 0.0
    for a, wa in weights.items():
        for b, wb in weights.items():
            minutes += wa * wb * legs.minutes[a][b]
            km += wa * wb * legs.km[a][b]
    return minutes / total**2, km / total**2


def _metrics(
    code: str,
    areas: tuple[str, ...],
    demand: Mapping[str, AreaDemand],
    legs: Legs,
    viability_hours: int,
    cost_inputs: CostInputs | None,
) -> ZoneMetrics:
    held = [demand[a] for a in areas if a in demand]
    weekly_minutes = sum(d.weekly_minutes for d in held)
    visits = sum(d.visits_per_week for d in held)
    weekly_hours = Decimal(weekly_minutes) / HOURS
    leg_minutes, leg_km = mean_leg(areas, demand, legs)
    per_visit = _tenth(leg_minutes)
    miles = _tenth(leg_km / KM_PER_MILE)
    travel_minutes = Decimal(visits) * Decimal(repr(leg_minutes))
    paid = weekly_minutes + travel_minutes
    rate = None
    if cost_inputs is not None:
        rate = price(cost_inputs, ZoneTravel(code, per_visit, miles)).per_hour
    return ZoneMetrics(
        zone=code,
        areas=areas,
        clients=sum(d.clients for d in held),
        weekly_hours=weekly_hours,
        annual_hours=weekly_hours * WEEKS_PER_YEAR,
        indicative_annual_cost=sum((d.weekly_cost for d in held), Decimal(0)) * WEEKS_PER_YEAR,
        visits_per_week=visits,
        travel_minutes_per_visit=per_visit,
        miles_per_visit=miles,
        travel_hours_per_week=(travel_minutes / HOURS).quantize(TENTH, ROUND_HALF_UP),
        travel_share=(100 * travel_minutes / paid).quantize(TENTH, ROUND_HALF_UP)
        if paid
        else Decimal(0),
        viable_providers=int(weekly_hours // viability_hours),
        cost_of_care_rate=rate,
    )


def _tenth(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(TENTH, ROUND_HALF_UP)
