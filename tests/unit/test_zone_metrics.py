"""Zone metrics on a small map checked by hand."""

from __future__ import annotations

from decimal import Decimal

from caremarket.domain.cost_of_care import CostInputs, ZoneTravel, price
from caremarket.domain.zone_metrics import AreaDemand, Legs, zone_metrics

D = Decimal
MILE = 1.609344

# Three areas: Z1 holds A and B, Z2 holds C.
DEMAND = {
    "A": AreaDemand("A", clients=2, weekly_minutes=600, visits_per_week=10, weekly_cost=D(100)),
    "B": AreaDemand("B", clients=1, weekly_minutes=300, visits_per_week=5, weekly_cost=D(50)),
    "C": AreaDemand("C", clients=3, weekly_minutes=900, visits_per_week=20, weekly_cost=D(150)),
}
LEGS = Legs(
    minutes={"A": {"A": 4, "B": 10}, "B": {"A": 10, "B": 6}, "C": {"C": 5}},
    km={"A": {"A": 1, "B": 8}, "B": {"A": 8, "B": 2}, "C": {"C": MILE}},
)
MAP = {"Z1": ("A", "B"), "Z2": ("C",)}


def test_a_zones_figures_add_up_its_areas_and_weight_legs_by_visits() -> None:
    z1, z2 = zone_metrics(MAP, DEMAND, LEGS)
    assert (z1.clients, z1.weekly_hours, z1.annual_hours) == (3, D(15), D(780))
    assert z1.indicative_annual_cost == D(7800)
    # legs weighted by visits: (10x10x4 + 5x5x6 + 2x10x5x10) / 15^2 = 1550 / 225 = 6.89
    assert z1.travel_minutes_per_visit == D("6.9")
    # km (100x1 + 25x2 + 100x8) / 225 = 4.222 km = 2.62 miles
    assert z1.miles_per_visit == D("2.6")
    # 15 visits x 6.889 = 103.3 minutes; share 103.3 / (900 + 103.3)
    assert z1.travel_hours_per_week == D("1.7")
    assert z1.travel_share == D("10.3")
    assert z2.travel_minutes_per_visit == D("5.0") and z2.miles_per_visit == D("1.0")
    assert z2.travel_share == D("10.0")  # 100 minutes of travel to 900 of care


def test_viable_providers_are_whole_providers_at_the_threshold() -> None:
    z1, z2 = zone_metrics(MAP, DEMAND, LEGS, viability_hours=7)
    assert (z1.viable_providers, z2.viable_providers) == (2, 2)  # 15 h and 15 h
    assert [m.viable_providers for m in zone_metrics(MAP, DEMAND, LEGS)] == [0, 0]  # 700 h


def test_the_cost_of_care_rate_is_the_models_price_with_the_zones_travel() -> None:
    inputs = CostInputs()
    z1, z2 = zone_metrics(MAP, DEMAND, LEGS, cost_inputs=inputs)
    assert z2.cost_of_care_rate == price(inputs, ZoneTravel("Z2", D("5.0"), D("1.0"))).per_hour
    assert z1.cost_of_care_rate > z2.cost_of_care_rate  # more travel a visit costs more
    assert zone_metrics(MAP, DEMAND, LEGS)[0].cost_of_care_rate is None


def test_an_area_without_demand_adds_nothing() -> None:
    (zone,) = zone_metrics({"Z": ("C", "D")}, DEMAND, LEGS)
    assert (zone.clients, zone.weekly_hours, zone.travel_minutes_per_visit) == (3, D(15), D(5))
