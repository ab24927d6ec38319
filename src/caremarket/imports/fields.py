"""Parsers for cells that several kinds of file share. Each raises ValueError, said plainly."""

from __future__ import annotations

import enum
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from caremarket.domain.money import parse_money

E = TypeVar("E", bound=enum.Enum)

LIST_SEPARATOR = ";"
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# A code is written inside other cells ('HFD 80' in funding, '@SLEEP-IN' in a visit pattern),
# so it is one word of the characters those cells can carry.
_CODE = re.compile(r"[A-Za-z0-9_-]+")
CODE_LENGTH = 32
NAME_LENGTH = 200


def parse_list(text: str) -> tuple[str, ...]:
    """'HR6; HR5 3' -> ('HR6', 'HR5 3'); empty entries are dropped."""
    return tuple(item.strip() for item in text.split(LIST_SEPARATOR) if item.strip())


def parse_code(text: str) -> str:
    """'HFD', 'SLEEP-IN': letters, digits, '-' and '_', at most 32 of them."""
    if not _CODE.fullmatch(text):
        raise ValueError(
            f"{text!r} is not a code: use only letters, digits, '-' and '_', e.g. HFD or SLEEP-IN"
        )
    if len(text) > CODE_LENGTH:
        raise ValueError(f"a code is at most {CODE_LENGTH} characters long")
    return text


def parse_name(text: str) -> str:
    if len(text) > NAME_LENGTH:
        raise ValueError(f"a name is at most {NAME_LENGTH} characters long")
    return text


def parse_date(text: str) -> date:
    """'2017-07-01' or '01/07/2017' (day first, as in England)."""
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date: write YYYY-MM-DD or DD/MM/YYYY")


def parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not a number")
    return value


def parse_amount(text: str) -> Decimal:
    """'15.80' or '£15.80': pounds, to the penny at most, not negative."""
    amount = parse_money(text)
    if amount < 0:
        raise ValueError("an amount cannot be negative")
    return amount


def parse_count(text: str) -> int:
    """A whole number, not negative: '3'."""
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a whole number, 0 or more")
    return int(text)


def parse_choice(text: str, choices: type[E]) -> E:
    """An enum member by its value, ignoring case and surrounding spaces."""
    wanted = " ".join(text.split()).lower()
    for member in choices:
        if str(member.value).lower() == wanted:
            return member
    allowed = ", ".join(str(m.value) for m in choices)
    raise ValueError(f"{text!r} is not one of: {allowed}")


def parse_yes_no(text: str) -> bool:
    """'yes' or 'no' (also true/false, y/n, 1/0), ignoring case."""
    wanted = text.strip().lower()
    if wanted in ("yes", "y", "true", "1"):
        return True
    if wanted in ("no", "n", "false", "0"):
        return False
    raise ValueError(f"{text!r} is not yes or no")


def parse_float_between(text: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a {what}") from None
    if not low <= value <= high:
        raise ValueError(f"a {what} in Great Britain lies between {low} and {high}, not {text}")
    return value
