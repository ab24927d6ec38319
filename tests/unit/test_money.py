"""Money: exact Decimal pounds, rounded half-up to the penny at one point."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.money import (
    format_millions,
    format_pounds,
    parse_money,
    to_pennies,
    to_pounds,
)


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("0.004", "0.00"),
        ("7.9", "7.90"),
        ("1.0049999", "1.00"),
        ("-0.005", "-0.01"),
        ("-2.675", "-2.68"),
        ("16.195", "16.20"),
    ],
)
def test_money_rounds_half_up_to_the_penny(exact: str, rounded: str) -> None:
    assert str(to_pennies(Decimal(exact))) == rounded


def test_half_a_pound_rounds_up_to_the_whole_pound() -> None:
    assert to_pounds(Decimal("1381930.50")) == Decimal(1381931)
    assert to_pounds(Decimal("1381930.49")) == Decimal(1381930)


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6))
def test_rounding_to_the_penny_moves_an_amount_by_at_most_half_a_penny(amount: Decimal) -> None:
    rounded = to_pennies(amount)
    assert abs(rounded - amount) <= Decimal("0.005")
    assert rounded == rounded.quantize(Decimal("0.01"))
    assert to_pennies(rounded) == rounded


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("1381931", "£1,381,931"),
        ("1381930.5", "£1,381,931"),
        ("965302.49", "£965,302"),
        ("0", "£0"),
        ("-1500", "-£1,500"),
        ("-0.4", "£0"),
    ],
)
def test_an_amount_is_shown_in_whole_pounds_with_thousands_separated(
    amount: str, shown: str
) -> None:
    assert format_pounds(Decimal(amount)) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("15.8", "£15.80"),
        ("7.9", "£7.90"),
        ("2.675", "£2.68"),
        ("208166", "£208,166.00"),
        ("-0.005", "-£0.01"),
    ],
)
def test_an_amount_is_shown_with_pence_when_asked(amount: str, shown: str) -> None:
    assert format_pounds(Decimal(amount), pence=True) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("10824632", "£10.8m"),
        ("16086772", "£16.1m"),
        ("5262140", "£5.3m"),
        ("1050000", "£1.1m"),
        ("1000000", "£1.0m"),
        ("49999", "£0.0m"),
        ("-1250000", "-£1.3m"),
    ],
)
def test_a_years_value_is_shown_in_millions_to_one_place(amount: str, shown: str) -> None:
    assert format_millions(Decimal(amount)) == shown


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("£15.80", "15.80"),
        ("15.8", "15.80"),
        ("1,381,931", "1381931.00"),
        (" £1,381,931 ", "1381931.00"),
        (12, "12.00"),
        (Decimal("12.5"), "12.50"),
    ],
)
def test_money_is_read_from_what_people_type(typed: str | int | Decimal, amount: str) -> None:
    value = parse_money(typed)
    assert value == Decimal(amount)
    assert str(value) == amount


@pytest.mark.parametrize(
    "typed", ["15.805", "0.001", "NaN", "Infinity", "abc", "", "£", "1.2.3", "1e30"]
)
def test_what_is_not_pounds_and_pence_is_refused_as_a_value_error(typed: str) -> None:
    with pytest.raises(ValueError, match="is not an amount in pounds and pence"):
        parse_money(typed)
