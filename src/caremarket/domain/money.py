"""Money is Decimal pounds, rounded half-up to the penny at one point: `to_pennies`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
POUND = Decimal("1")
WEEKS_PER_YEAR = 52


def to_pennies(amount: Decimal) -> Decimal:
    """Round an exact amount half-up to the penny: the only rounding of money in caremarket."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def to_pounds(amount: Decimal) -> Decimal:
    """Round half-up to the whole pound, as councils' tables show annual costs."""
    return amount.quantize(POUND, rounding=ROUND_HALF_UP)


def parse_money(text: str | int | Decimal) -> Decimal:
    """Read '£15.80', '15.8' or '1,381,931' as Decimal pounds; refuse more than pennies."""
    raw = str(text).strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")  # not a number at all: refused below like any other
    try:
        in_pennies = value.is_finite() and value == value.quantize(PENNY)
    except InvalidOperation:  # too large to hold to the penny
        in_pennies = False
    if not in_pennies:
        raise ValueError(f"{text!r} is not an amount in pounds and pence")
    return value.quantize(PENNY)


def format_pounds(amount: Decimal, *, pence: bool = False) -> str:
    """'£1,381,931' (or '£15.80' with pence), half-up."""
    rounded = to_pennies(amount) if pence else to_pounds(amount)
    sign = "-" if rounded < 0 else ""
    return f"{sign}£{abs(rounded):,.2f}" if pence else f"{sign}£{abs(rounded):,.0f}"


def format_millions(amount: Decimal) -> str:
    """'£10.8m': a year's value as committee papers show it."""
    millions = (amount / Decimal(1_000_000)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "-" if millions < 0 else ""  # '-£1.3m', as format_pounds writes '-£1,500'
    return f"{sign}£{abs(millions)}m"
