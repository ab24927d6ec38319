import random
from decimal import Decimal

import pytest

from caremarket.demo.fitting import (
    CannotFit,
    Limits,
    fit_weekly_minutes,
    split_minutes,
    split_value,
)
from caremarket.demo.patterns import visits
from caremarket.domain.money import to_pounds
from caremarket.domain.patterns import parse_pattern, weekly_minutes


def drawn(count: int, seed: int = 1):
    rng = random.Random(seed)
    return [visits(rng, most_minutes=1665) for _ in range(count)]


@pytest.mark.parametrize("target", [15_000, 20_010, 40_005])
def test_fitting_hits_the_target_minutes_exactly(target):
    fitted = fit_weekly_minutes(drawn(60), target, limits=Limits(package_most=1665))
    assert sum(weekly_minutes(p) for p in fitted) == target


def test_fitting_keeps_every_package_within_its_limits():
    fitted = fit_weekly_minutes(drawn(60), 60 * 1200, limits=Limits(package_most=1665))
    assert max(weekly_minutes(p) for p in fitted) <= 1665
    assert all(15 <= line.minutes <= 60 for p in fitted for line in p)


def test_fitting_is_deterministic():
    assert fit_weekly_minutes(drawn(30), 12_000) == fit_weekly_minutes(drawn(30), 12_000)


def test_fitting_changes_only_the_counted_lines():
    patterns = [parse_pattern("2x30 daily; 1x600@SLEEP-IN Sat")] * 3
    fitted = fit_weekly_minutes(patterns, 3 * 420 + 45)
    assert all(p[1] == patterns[0][1] for p in fitted)
    assert sum(weekly_minutes(line for line in p if line.service is None) for p in fitted) == 1305


def test_fitting_refuses_a_target_it_cannot_reach():
    with pytest.raises(CannotFit):
        fit_weekly_minutes([parse_pattern("1x15 daily")], 10_000, limits=Limits(package_most=420))


def test_fitting_refuses_a_target_off_the_step():
    with pytest.raises(CannotFit):
        fit_weekly_minutes(drawn(3), 1001)


def test_split_of_minutes_between_two_rates_rounds_to_the_published_value():
    rates = (Decimal("16.43"), Decimal("17.06"))
    first = split_minutes(12_533 * 60, Decimal(208_166), rates, share_first=Decimal("0.7"))
    assert to_pounds(split_value(first, 12_533 * 60, rates)) == 208_166
    assert abs(first - Decimal("0.7") * 12_533 * 60) < 12_533 * 60 * Decimal("0.05")


def test_split_refuses_a_value_out_of_reach():
    with pytest.raises(CannotFit):
        split_minutes(
            600, Decimal(1), (Decimal("16.43"), Decimal("17.06")), share_first=Decimal("0.5")
        )
