"""The cost-of-care model: a worked example computed by hand, and what must always hold."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.cost_of_care import (
    COMPONENTS,
    Component,
    CostInputs,
    InvalidCostInputs,
    ZoneTravel,
    from_json,
    inputs_from,
    price,
    to_json,
)

D = Decimal

# A worked example, by hand. Pay £12, 30-minute visits (2 an hour), 15 minutes' travel and
# 3 miles a visit at 45p, 5% training time, 4 weeks' holiday, 2% sick pay, National Insurance
# 15% above £5,200 a year and pension 3% above £7,800 a year for a worker paid 25 hours a week
# (1,300 hours a year: £4 and £6 of each paid hour are below the thresholds), £5 overheads,
# 3% surplus.
#   contact 12.00; travel 12 x 15 x 2 / 60 = 6.00; training 12 x 5% = 0.60; worked 18.60
#   holiday 18.60 x 4 / 48 = 1.55; sick 18.60 x 2% = 0.372; gross 20.522 = 1.710166.. hours
#   NI 15% x (20.522 - 1.710166.. x 4) = 15% x 13.681333.. = 2.0522
#   pension 3% x (20.522 - 1.710166.. x 6) = 3% x 10.261 = 0.30783
#   mileage 0.45 x 3 x 2 = 2.70; overheads 5.00
#   cost 20.522 + 2.0522 + 0.30783 + 2.70 + 5.00 = 30.58203; surplus 3% = 0.9174609
#   shown: 12.00 + 6.00 + 0.60 + 1.55 + 0.37 + 2.05 + 0.31 + 2.70 + 5.00 + 0.92 = £31.50
WORKED = CostInputs(
    hourly_pay=D(12),
    visit_minutes=D(30),
    travel_minutes_per_visit=D(15),
    miles_per_visit=D(3),
    pence_per_mile=D(45),
    training_percent=D(5),
    holiday_weeks=D(4),
    sick_pay_percent=D(2),
    ni_percent=D(15),
    ni_threshold_a_year=D(5200),
    weekly_paid_hours=D(25),
    pension_percent=D(3),
    pension_threshold_a_year=D(7800),
    overheads_per_hour=D(5),
    surplus_percent=D(3),
)


def test_the_worked_example_computed_by_hand() -> None:
    worked = price(WORKED)
    assert worked.components == {
        Component.CONTACT: D("12.00"),
        Component.TRAVEL_TIME: D("6.00"),
        Component.TRAINING: D("0.60"),
        Component.HOLIDAY: D("1.55"),
        Component.SICK: D("0.37"),
        Component.NATIONAL_INSURANCE: D("2.05"),
        Component.PENSION: D("0.31"),
        Component.MILEAGE: D("2.70"),
        Component.OVERHEADS: D("5.00"),
        Component.SURPLUS: D("0.92"),
    }
    assert worked.per_hour == D("31.50")
    assert worked.exact[Component.NATIONAL_INSURANCE] == D("2.0522")
    assert worked.exact[Component.SURPLUS] == D("0.9174609")


def test_a_zone_with_longer_journeys_costs_more_than_the_default() -> None:
    rural = price(WORKED, ZoneTravel("E", D(25), D(8)))
    # travel 12 x 25 x 2 / 60 = 10.00; mileage 0.45 x 8 x 2 = 7.20
    assert rural.components[Component.TRAVEL_TIME] == D("10.00")
    assert rural.components[Component.MILEAGE] == D("7.20")
    assert rural.per_hour > price(WORKED).per_hour


def test_the_defaults_at_2025_26_pay_come_near_the_homecare_associations_price() -> None:
    at_2025 = price(CostInputs(hourly_pay=D("12.21"))).per_hour
    assert abs(at_2025 - D("32.14")) < D("0.50")


def test_no_national_insurance_below_the_threshold() -> None:
    low = price(CostInputs(hourly_pay=D(1), ni_threshold_a_year=D(100000)))
    assert low.exact[Component.NATIONAL_INSURANCE] == 0


def test_unusable_inputs_are_named_all_at_once() -> None:
    with pytest.raises(InvalidCostInputs) as refused:
        inputs_from({"hourly_pay": "-1", "visit_minutes": "0", "colour": "red"})
    assert set(refused.value.problems) == {"colour"}
    with pytest.raises(InvalidCostInputs) as refused:
        inputs_from({"hourly_pay": "-1", "visit_minutes": "0"})
    assert set(refused.value.problems) == {"hourly_pay"}
    with pytest.raises(InvalidCostInputs) as refused:
        inputs_from({"visit_minutes": "0", "holiday_weeks": "52", "ni_percent": "101"})
    assert set(refused.value.problems) == {"visit_minutes", "holiday_weeks", "ni_percent"}


def test_inputs_and_zones_read_back_as_written() -> None:
    zones = (ZoneTravel("A", D("7.5"), D(2)), ZoneTravel("E", D(25), D(8)))
    assert from_json(to_json(WORKED, zones)) == (WORKED, zones)


amounts = st.decimals(min_value=0, max_value=60, places=2, allow_nan=False)
inputs = st.builds(
    CostInputs,
    hourly_pay=st.decimals(min_value="0.01", max_value=40, places=2),
    visit_minutes=st.decimals(min_value=5, max_value=120, places=0),
    travel_minutes_per_visit=amounts,
    miles_per_visit=amounts,
    pence_per_mile=amounts,
    training_percent=st.decimals(min_value=0, max_value=20, places=1),
    sick_pay_percent=st.decimals(min_value=0, max_value=10, places=1),
    ni_threshold_a_year=st.decimals(min_value=0, max_value=20000, places=0),
    weekly_paid_hours=st.decimals(min_value=1, max_value=60, places=0),
    overheads_per_hour=amounts,
    surplus_percent=st.decimals(min_value=0, max_value=20, places=1),
)


@given(inputs, amounts, amounts, amounts, amounts)
def test_more_travel_never_lowers_the_price(
    chosen: CostInputs, minutes: D, miles: D, more_minutes: D, more_miles: D
) -> None:
    near = price(chosen, ZoneTravel("A", minutes, miles))
    far = price(chosen, ZoneTravel("B", minutes + more_minutes, miles + more_miles))
    assert far.per_hour >= near.per_hour
    for name in COMPONENTS:
        assert far.components[name] >= near.components[name]


@given(inputs)
def test_the_components_add_up_to_the_price_to_the_penny(chosen: CostInputs) -> None:
    shown = price(chosen)
    assert sum(shown.components.values()) == shown.per_hour
    exact = sum(shown.exact.values())
    assert abs(shown.per_hour - exact) <= D("0.005") * len(COMPONENTS)
