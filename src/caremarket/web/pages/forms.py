"""Reading GOV.UK forms: dates in three boxes, amounts of money, choices and notes.

Each reader takes the posted values, records a message for the error summary under the id of
the field to link to, and gives back the value or None.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import Depends, Request

NOTE_LENGTH = 500  # as the API allows


async def posted(request: Request) -> dict[str, str]:
    """The form's fields (text only); read once, then cached by Starlette for the request."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(posted)]


def date_field(
    values: dict[str, str], name: str, errors: dict[str, str], *, what: str
) -> date | None:
    """A GOV.UK date input's day, month and year (``{name}-day`` ...); errors link to the day."""
    parts = [values.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")]
    key = f"{name}-day"
    if not any(parts):
        errors[key] = f"Enter {what}"
        return None
    if not all(parts):
        errors[key] = f"{_capital(what)} must include a day, month and year"
        return None
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day)
    except ValueError:
        errors[key] = f"{_capital(what)} must be a real date, like 27 3 2026"
        return None


def money_field(
    values: dict[str, str], name: str, errors: dict[str, str], *, what: str
) -> Decimal | None:
    """An amount in pounds and pence, with or without the £."""
    text = values.get(name, "").strip().removeprefix("£").replace(",", "")
    if not text:
        errors[name] = f"Enter {what}"
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[name] = f"{_capital(what)} must be an amount in pounds, like 18.50"
        return None
    if not amount.is_finite() or amount <= 0:
        errors[name] = f"{_capital(what)} must be more than £0"
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[name] = f"{_capital(what)} must be in pounds and pence, like 18.50"
        return None
    return amount


def choice_field(
    values: dict[str, str],
    name: str,
    options: dict[str, str],
    errors: dict[str, str],
    *,
    message: str,
) -> str | None:
    """One of the options' values (radios or a select); errors link to the first option."""
    chosen = values.get(name, "")
    if chosen not in options:
        errors[name] = message
        return None
    return chosen


def note_field(values: dict[str, str], name: str, errors: dict[str, str], *, what: str) -> str:
    note = values.get(name, "").strip()
    if len(note) > NOTE_LENGTH:
        errors[name] = f"{_capital(what)} must be {NOTE_LENGTH} characters or fewer"
    return note


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
