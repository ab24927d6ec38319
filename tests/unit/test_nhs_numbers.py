"""NHS numbers: ten digits, the last a modulus-11 check digit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.errors import InvalidNhsNumber
from caremarket.domain.nhs_numbers import check_digit, format_nhs_number, parse_nhs_number

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@pytest.mark.parametrize(
    "typed", ["943 476 5919", "9434765919", "943-476-5919", " 943 476 5919 ", "943 4765919"]
)
def test_a_valid_nhs_number_is_read_as_its_ten_digits(typed: str) -> None:
    assert parse_nhs_number(typed) == "9434765919"


@pytest.mark.parametrize("number", ["4010232137", "9876543210", "0000000000"])
def test_other_valid_nhs_numbers_are_accepted(number: str) -> None:
    assert parse_nhs_number(number) == number


def test_an_nhs_number_with_the_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidNhsNumber, match="its check digit is wrong"):
        parse_nhs_number("943 476 5918")


def test_nine_digits_whose_check_digit_would_be_ten_have_no_valid_nhs_number() -> None:
    # 6 x 2 = 12; 11 - 12 % 11 = 10, which cannot be a digit
    assert check_digit("000000006") is None
    for last in "0123456789":
        with pytest.raises(InvalidNhsNumber, match="check digit"):
            parse_nhs_number("000000006" + last)


def test_a_check_digit_of_eleven_is_written_as_nought() -> None:
    assert check_digit("000000000") == 0


@pytest.mark.parametrize("typed", ["943 476 591", "94347659190", "", "943 476 59 19 0"])
def test_an_nhs_number_without_ten_digits_is_refused(typed: str) -> None:
    with pytest.raises(InvalidNhsNumber, match="it must have ten digits"):
        parse_nhs_number(typed)


@pytest.mark.parametrize("typed", ["943476591A", "943.476.5919", "NHS9434765919", "+943476591"])
def test_an_nhs_number_with_other_than_digits_is_refused(typed: str) -> None:
    with pytest.raises(InvalidNhsNumber, match="it must have ten digits"):
        parse_nhs_number(typed)


def test_digits_of_other_scripts_are_not_an_nhs_number() -> None:
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "9434765919")
    with pytest.raises(InvalidNhsNumber):
        parse_nhs_number(arabic_indic)


def test_the_refusal_names_what_was_typed() -> None:
    with pytest.raises(InvalidNhsNumber, match="'12345'"):
        parse_nhs_number("12345")


def test_an_nhs_number_is_shown_three_three_four() -> None:
    assert format_nhs_number("9434765919") == "943 476 5919"


@given(nine_digits)
def test_every_number_made_with_its_check_digit_is_valid_and_no_other_last_digit_is(
    first_nine: str,
) -> None:
    digit = check_digit(first_nine)
    if digit is None:
        return
    assert 0 <= digit <= 9
    number = first_nine + str(digit)
    assert parse_nhs_number(number) == number
    assert parse_nhs_number(format_nhs_number(number)) == number
    for other in set("0123456789") - {str(digit)}:
        with pytest.raises(InvalidNhsNumber):
            parse_nhs_number(first_nine + other)


@given(nine_digits, st.integers(0, 9))
def test_the_check_digit_of_a_valid_number_is_its_last_digit(first_nine: str, last: int) -> None:
    number = first_nine + str(last)
    try:
        parse_nhs_number(number)
    except InvalidNhsNumber:
        assert check_digit(first_nine) != last
    else:
        assert check_digit(number[:9]) == int(number[9])
