"""NHS numbers: ten digits whose last is a modulus-11 check digit."""

from __future__ import annotations

import re

from caremarket.domain.errors import InvalidNhsNumber


def parse_nhs_number(text: str) -> str:
    """Validate an NHS number and return its ten digits ('943 476 5919' -> '9434765919')."""
    digits = re.sub(r"[\s-]", "", str(text))
    if not re.fullmatch(r"[0-9]{10}", digits):  # not \d, which matches other scripts' digits
        raise InvalidNhsNumber(f"{text!r} is not an NHS number: it must have ten digits")
    if check_digit(digits[:9]) != int(digits[9]):
        raise InvalidNhsNumber(f"{text!r} is not a valid NHS number: its check digit is wrong")
    return digits


def check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits; None where no valid number exists."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    remainder = 11 - total % 11
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def format_nhs_number(digits: str) -> str:
    """'9434765919' -> '943 476 5919', as the NHS shows it."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
