"""Rate cards: the rate in force on a date and in a zone, uplifts, and the weekly cost of care."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.errors import NoRate
from caremarket.domain.market import ServiceKind
from caremarket.domain.money import to_pennies
from caremarket.domain.patterns import VisitLine, parse_line, parse_pattern
from caremarket.domain.rates import RateBasis, RateCard, RateLine, line_weekly_cost, weekly_cost
from tests.builders import a_commissioner, a_rate_card, a_service, a_zone

APRIL_2017 = date(2017, 4, 1)
APRIL_2018 = date(2018, 4, 1)


@pytest.fixture
def personal_care():
    return a_service()


def a_card(*lines: RateLine) -> RateCard:
    return RateCard(commissioner=a_commissioner(), name="Herefordshire rates", lines=list(lines))


def per_hour(service, amount: str, on: date = APRIL_2017, zone=None) -> RateLine:
    return RateLine(service=service, amount=Decimal(amount), effective_from=on, zone=zone)


def test_a_thirty_minute_visit_is_paid_half_the_hourly_rate(personal_care) -> None:
    rate = per_hour(personal_care, "15.80")
    one_visit = VisitLine(calls_per_day=1, minutes=30, days=frozenset({0}))
    assert line_weekly_cost(one_visit, rate) == Decimal("7.90")


def test_a_fifteen_minute_visit_is_paid_a_quarter_of_the_hourly_rate(personal_care) -> None:
    rate = per_hour(personal_care, "15.80")
    assert line_weekly_cost(parse_line("1x15 Mon"), rate) == Decimal("3.95")


def test_a_double_handed_visit_is_paid_for_each_carer(personal_care) -> None:
    rate = per_hour(personal_care, "15.80")
    assert line_weekly_cost(parse_line("1x30x2 Mon"), rate) == Decimal("15.80")


def test_per_hour_cost_is_kept_exact_for_rounding_once_where_it_is_shown(personal_care) -> None:
    rate = per_hour(personal_care, "15.80")
    cost = line_weekly_cost(parse_line("1x25 Mon"), rate)  # 15.80 x 25 / 60 = 6.58333...
    assert cost == Decimal("15.80") * 25 / 60
    assert to_pennies(cost) == Decimal("6.58")


def test_a_flat_line_pays_one_sum_a_night_for_each_carer() -> None:
    sleep_in = a_service(code="SLEEP-IN", name="Sleep-in night", kind=ServiceKind.SLEEP_IN)
    rate = RateLine(sleep_in, Decimal("85.00"), APRIL_2017, basis=RateBasis.FLAT)
    assert line_weekly_cost(parse_line("1x600 Fri,Sat"), rate) == Decimal("170.00")
    assert line_weekly_cost(parse_line("1x600x2 Fri,Sat"), rate) == Decimal("340.00")


def test_a_flat_line_pays_the_same_however_long_the_night(personal_care) -> None:
    rate = RateLine(personal_care, Decimal("85.00"), APRIL_2017, basis=RateBasis.FLAT)
    assert line_weekly_cost(parse_line("1x480 Mon"), rate) == line_weekly_cost(
        parse_line("1x720 Mon"), rate
    )


def test_the_rate_in_force_is_the_latest_one_effective_on_or_before_the_date(
    personal_care,
) -> None:
    old = per_hour(personal_care, "15.80", APRIL_2017)
    new = per_hour(personal_care, "16.20", APRIL_2018)
    card = a_card(new, old)
    assert card.rate_for(personal_care, None, date(2018, 3, 31)) is old
    assert card.rate_for(personal_care, None, APRIL_2018) is new
    assert card.rate_for(personal_care, None, date(2019, 1, 1)) is new


def test_a_rate_is_not_in_force_before_its_effective_date(personal_care) -> None:
    card = a_card(per_hour(personal_care, "15.80", APRIL_2017))
    with pytest.raises(NoRate) as refused:
        card.rate_for(personal_care, None, date(2017, 3, 31))
    assert str(refused.value) == (
        "Herefordshire rates has no rate for Personal care on 31 March 2017"
    )


def test_a_service_without_a_line_has_no_rate(personal_care) -> None:
    card = a_card(per_hour(personal_care, "15.80"))
    with pytest.raises(NoRate, match="no rate for Live-in care"):
        card.rate_for(a_service(code="LIVE-IN", name="Live-in care"), None, APRIL_2018)


def test_a_zones_own_rate_is_preferred_to_the_general_rate(personal_care) -> None:
    rural = a_zone(code="E", name="Zone E", areas=("HR3",))
    town = a_zone(code="A", name="Zone A", areas=("HR1",))
    general = per_hour(personal_care, "15.80")
    rural_rate = per_hour(personal_care, "17.10", zone=rural)
    card = a_card(rural_rate, general)
    assert card.rate_for(personal_care, rural, APRIL_2018) is rural_rate
    assert card.rate_for(personal_care, town, APRIL_2018) is general
    assert card.rate_for(personal_care, None, APRIL_2018) is general


def test_another_zones_rate_never_applies(personal_care) -> None:
    rural = a_zone(code="E", name="Zone E", areas=("HR3",))
    town = a_zone(code="A", name="Zone A", areas=("HR1",))
    card = a_card(per_hour(personal_care, "17.10", zone=rural))
    with pytest.raises(NoRate):
        card.rate_for(personal_care, town, APRIL_2018)


def test_the_rates_in_force_on_a_day_answer_as_the_card_does(personal_care) -> None:
    rural = a_zone(code="E", name="Zone E", areas=("HR3",))
    general = per_hour(personal_care, "15.80")
    rural_rate = per_hour(personal_care, "17.10", zone=rural)
    rates = a_card(general, rural_rate).rates_on(APRIL_2018)
    assert rates.rate_for(personal_care, rural) is rural_rate
    assert rates.rate_for(personal_care, None) is general


def test_an_uplift_raises_each_rate_in_force_from_its_date(personal_care) -> None:
    card = a_card(per_hour(personal_care, "15.80"))
    added = card.uplift(Decimal("2.5"), APRIL_2018)
    assert [line.amount for line in added] == [Decimal("16.20")]  # 16.195 rounded half-up
    assert card.rate_for(personal_care, None, APRIL_2018).amount == Decimal("16.20")
    assert card.rate_for(personal_care, None, date(2018, 3, 31)).amount == Decimal("15.80")


def test_an_uplift_rounds_half_up_to_the_penny(personal_care) -> None:
    card = a_card(per_hour(personal_care, "10.10"))
    (added,) = card.uplift(Decimal("5"), APRIL_2018)  # 10.605
    assert added.amount == Decimal("10.61")


def test_an_uplift_keeps_each_lines_zone_and_basis_and_raises_only_the_latest(
    personal_care,
) -> None:
    rural = a_zone(code="E", name="Zone E", areas=("HR3",))
    sleep_in = a_service(code="SLEEP-IN", name="Sleep-in night", kind=ServiceKind.SLEEP_IN)
    card = a_card(
        per_hour(personal_care, "15.00", date(2016, 4, 1)),
        per_hour(personal_care, "15.80", APRIL_2017),
        per_hour(personal_care, "17.10", zone=rural),
        RateLine(sleep_in, Decimal("85.00"), APRIL_2017, basis=RateBasis.FLAT),
        per_hour(personal_care, "99.00", date(2019, 4, 1)),  # not yet in force
    )
    added = card.uplift(Decimal("10"), APRIL_2018)
    assert sorted((line.amount, line.basis, line.zone is rural) for line in added) == [
        (Decimal("17.38"), RateBasis.PER_HOUR, False),
        (Decimal("18.81"), RateBasis.PER_HOUR, True),
        (Decimal("93.50"), RateBasis.FLAT, False),
    ]
    assert all(line.effective_from == APRIL_2018 for line in added)
    assert len(card.lines) == 8


@given(
    st.decimals(min_value="0.01", max_value="100", places=2),
    st.decimals(min_value="0", max_value="20", places=2),
)
def test_an_uplifted_rate_is_the_raised_rate_rounded_half_up_to_the_penny(
    amount: Decimal, percent: Decimal
) -> None:
    service = a_service()
    card = a_card(per_hour(service, str(amount)))
    (added,) = card.uplift(percent, APRIL_2018)
    assert added.amount == to_pennies(amount * (100 + percent) / 100)
    assert added.amount >= amount


def test_the_weekly_cost_of_a_pattern_prices_each_line_at_its_own_service(
    personal_care,
) -> None:
    sleep_in = a_service(code="SLEEP-IN", name="Sleep-in night", kind=ServiceKind.SLEEP_IN)
    card = a_card(
        per_hour(personal_care, "15.80"),
        RateLine(sleep_in, Decimal("12.80"), APRIL_2017),
    )
    pattern = parse_pattern("4x30 daily; 1x600@SLEEP-IN Fri,Sat")
    cost = weekly_cost(
        pattern,
        rates=card.rates_on(APRIL_2018),
        service=personal_care,
        services={"SLEEP-IN": sleep_in},
        zone=None,
    )
    # 14 hours at £15.80 and 20 hours at £12.80
    assert cost == Decimal("221.20") + Decimal("256.00")


def test_the_weekly_cost_of_a_pattern_without_a_rate_is_refused(personal_care) -> None:
    card = a_card(per_hour(personal_care, "15.80", APRIL_2018))
    with pytest.raises(NoRate):
        weekly_cost(
            parse_pattern("4x30 daily"),
            rates=card.rates_on(APRIL_2017),
            service=personal_care,
            services={},
            zone=None,
        )


def test_a_second_uplift_on_the_same_day_is_refused() -> None:
    from caremarket.domain.rates import RateCardConflict

    service = a_service()
    card = a_rate_card(a_commissioner(), service)
    card.uplift(Decimal("2.5"), date(2018, 4, 1))
    with pytest.raises(RateCardConflict, match="already has rates from 01 April 2018"):
        card.uplift(Decimal("2.5"), date(2018, 4, 1))


def test_a_line_naming_an_unknown_service_is_a_clear_error_not_a_crash() -> None:
    service = a_service()
    card = a_rate_card(a_commissioner(), service)
    with pytest.raises(NoRate, match="unknown service NOPE"):
        weekly_cost(
            parse_pattern("1x60@NOPE daily"),
            rates=card.rates_on(date(2018, 1, 1)),
            service=service,
            services={},
            zone=None,
        )
