"""Shares of a whole, in percent, that must add up to exactly 100."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from caremarket.domain.errors import SharesDoNotAddUp

HUNDRED = Decimal(100)
SHARE_PLACES = Decimal("0.01")


def parse_share(text: str | int | Decimal) -> Decimal:
    """'62.5', '62.5%' -> Decimal('62.50'); a share is a percentage with at most two places."""
    raw = str(text).strip().rstrip("%").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise SharesDoNotAddUp(f"{text!r} is not a percentage") from None
    if not value.is_finite() or value <= 0 or value > HUNDRED:
        raise SharesDoNotAddUp(f"a share must be more than 0% and at most 100%, not {text!r}")
    if value != value.quantize(SHARE_PLACES):
        raise SharesDoNotAddUp(f"a share has at most two decimal places, not {text!r}")
    return value.quantize(SHARE_PLACES)


def check_shares_total(shares: Iterable[Decimal], *, what: str) -> None:
    values = list(shares)
    if not values:
        raise SharesDoNotAddUp(f"{what} needs at least one share")
    total = sum(values, Decimal(0))
    if total != HUNDRED:
        raise SharesDoNotAddUp(f"{what} must add up to exactly 100%, not {total}%")


def split(amount: Decimal, shares: Iterable[Decimal]) -> list[Decimal]:
    """Split an amount by shares exactly (no rounding): the caller rounds once, where it shows."""
    return [amount * share / HUNDRED for share in shares]
