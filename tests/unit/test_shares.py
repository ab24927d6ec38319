"""Shares of a whole, in percent, adding up to exactly 100."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.errors import SharesDoNotAddUp
from caremarket.domain.shares import check_shares_total, parse_share, split


def shares(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


@pytest.mark.parametrize(
    "values",
    [("100",), ("50", "50"), ("33.33", "33.33", "33.34"), ("90", "10"), ("62.5", "37.50")],
)
def test_shares_adding_up_to_exactly_100_are_accepted(values: tuple[str, ...]) -> None:
    check_shares_total(shares(*values), what="the pooled budget")


@pytest.mark.parametrize(
    ("values", "total"),
    [(("33.33", "33.33", "33.33"), "99.99"), (("60", "50"), "110"), (("99.999",), "99.999")],
)
def test_shares_not_adding_up_to_100_are_refused_naming_the_total(
    values: tuple[str, ...], total: str
) -> None:
    with pytest.raises(SharesDoNotAddUp) as refused:
        check_shares_total(shares(*values), what="the pooled budget of Wirral")
    assert str(refused.value) == (
        f"the pooled budget of Wirral must add up to exactly 100%, not {total}%"
    )


def test_no_shares_at_all_are_refused() -> None:
    with pytest.raises(SharesDoNotAddUp, match="the funding of PKG-1 needs at least one share"):
        check_shares_total([], what="the funding of PKG-1")


def test_shares_are_checked_from_any_iterable() -> None:
    check_shares_total((Decimal(v) for v in ("25", "75")), what="the funding")


@pytest.mark.parametrize(
    ("typed", "share"),
    [
        ("62.5", "62.50"),
        ("62.5%", "62.50"),
        (" 62.5 % ", "62.50"),
        ("100", "100.00"),
        (10, "10.00"),
    ],
)
def test_a_share_is_read_as_a_percentage_to_two_places(typed: str | int, share: str) -> None:
    assert str(parse_share(typed)) == share


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0", "more than 0%"),
        ("-5", "more than 0%"),
        ("100.01", "at most 100%"),
        ("NaN", "more than 0%"),
        ("12.345", "at most two decimal places"),
        ("half", "is not a percentage"),
        ("", "is not a percentage"),
    ],
)
def test_a_share_that_is_not_a_percentage_to_two_places_is_refused(typed: str, reason: str) -> None:
    with pytest.raises(SharesDoNotAddUp, match=reason):
        parse_share(typed)


def test_an_amount_is_split_by_shares_exactly_without_rounding() -> None:
    parts = split(Decimal("100.00"), shares("33.33", "33.33", "33.34"))
    assert parts == shares("33.3300", "33.3300", "33.3400")
    assert sum(parts) == Decimal("100.00")


def test_a_split_keeps_fractions_of_a_penny_for_the_caller_to_round_once() -> None:
    assert split(Decimal("0.01"), shares("50", "50")) == shares("0.005", "0.005")


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.lists(st.integers(1, 10_000), min_size=1, max_size=6),
)
def test_the_parts_of_a_split_add_up_to_the_amount(amount: Decimal, weights: list[int]) -> None:
    # shares in hundredths of a percent, the last taking what is left so they total exactly 100
    total = sum(weights)
    hundredths = [w * 10_000 // total for w in weights]
    hundredths[-1] += 10_000 - sum(hundredths)
    if hundredths[-1] <= 0:
        return
    percent = [Decimal(h) / 100 for h in hundredths]
    check_shares_total(percent, what="the shares")
    assert sum(split(amount, percent)) == amount
