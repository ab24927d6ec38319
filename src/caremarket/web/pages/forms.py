"""Reading GOV.UK forms: dates in three boxes, amounts of money, choices and notes.

Each reader takes the posted values, records a message for the error summary under the id of
the field to link to, and gives back the value or None.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from caremarket.domain.errors import Conflict, DomainError, NotFound

T = TypeVar("T")

NOTE_LENGTH = 500  # as the API allows a decline's note
LONG_NOTE_LENGTH = 1000  # as the API allows for hand-backs, changes and decisions
MOST_HOURS = Decimal(100_000)  # spare hours a week, as the API allows (7 digits, 2 places)


async def posted(request: Request) -> dict[str, str]:
    """The form's fields (text only); read once, then cached by Starlette for the request."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


FormDep = Annotated[dict[str, str], Depends(posted)]


def date_field(
    values: dict[str, str],
    name: str,
    errors: dict[str, str],
    *,
    what: str,
    required: bool = True,
) -> date | None:
    """A GOV.UK date input's day, month and year (``{name}-day`` ...); errors link to the day.
    Left empty, an optional date is None."""
    parts = [values.get(f"{name}-{part}", "").strip() for part in ("day", "month", "year")]
    key = f"{name}-day"
    if not any(parts):
        if required:
            errors[key] = f"Enter {what}"
        return None
    if not all(parts):
        errors[key] = f"{sentence(what)} must include a day, month and year"
        return None
    try:
        day, month, year = (int(p) for p in parts)
        return date(year, month, day)
    except (ValueError, OverflowError):
        errors[key] = f"{sentence(what)} must be a real date, like 27 3 2026"
        return None


def money_field(
    values: dict[str, str], name: str, errors: dict[str, str], *, what: str
) -> Decimal | None:
    """An amount in pounds and pence, with or without the £."""
    text = values.get(name, "").strip().removeprefix("£").replace(",", "")
    return _hundredths(
        text,
        name,
        errors,
        what=what,
        not_a_number="must be an amount in pounds, like 18.50",
        not_above_nothing="must be more than £0",
        out_of_range="must be in pounds and pence, like 18.50",
    )


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


def hours_field(
    values: dict[str, str], name: str, errors: dict[str, str], *, what: str
) -> Decimal | None:
    """A number of hours above nothing, to two decimal places at most."""
    return _hundredths(
        values.get(name, "").strip(),
        name,
        errors,
        what=what,
        not_a_number="must be a number, like 20 or 7.5",
        not_above_nothing="must be more than 0",
        out_of_range="must be a number of hours, like 20 or 7.5",
        below=MOST_HOURS,
    )


def whole_number_field(
    values: dict[str, str],
    name: str,
    errors: dict[str, str],
    *,
    what: str,
    low: int,
    high: int,
) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        errors[name] = f"Enter {what}"
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or not low <= int(text) <= high:
        errors[name] = f"{sentence(what)} must be a whole number from {low} to {high}"
        return None
    return int(text)


def text_field(
    values: dict[str, str],
    name: str,
    errors: dict[str, str],
    *,
    what: str,
    length: int = NOTE_LENGTH,
) -> str | None:
    """Text that must be given."""
    text = values.get(name, "").strip()
    if not text:
        errors[name] = f"Enter {what}"
        return None
    if len(text) > length:
        errors[name] = f"{sentence(what)} must be {length} characters or fewer"
        return None
    return text


def checked(values: dict[str, str], name: str) -> bool:
    """A single checkbox: present in the form only when ticked."""
    return values.get(name) == "yes"


def note_field(
    values: dict[str, str],
    name: str,
    errors: dict[str, str],
    *,
    what: str,
    length: int = NOTE_LENGTH,
) -> str:
    note = values.get(name, "").strip()
    if len(note) > length:
        errors[name] = f"{sentence(what)} must be {length} characters or fewer"
    return note


def _hundredths(
    text: str,
    name: str,
    errors: dict[str, str],
    *,
    what: str,
    not_a_number: str,
    not_above_nothing: str,
    out_of_range: str,
    below: Decimal | None = None,
) -> Decimal | None:
    """A number above nothing (and `below`, where given) to two decimal places at most; each
    way of being wrong has its own message, after the field's `what`."""
    if not text:
        errors[name] = f"Enter {what}"
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[name] = f"{sentence(what)} {not_a_number}"
        return None
    if not amount.is_finite() or amount <= 0:
        errors[name] = f"{sentence(what)} {not_above_nothing}"
        return None
    if (below is not None and amount >= below) or not _in_hundredths(amount):
        errors[name] = f"{sentence(what)} {out_of_range}"
        return None
    return amount


def _in_hundredths(amount: Decimal) -> bool:
    """Two decimal places at most (an amount too large to round to them is not)."""
    try:
        return amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        return False


def sentence(text: str) -> str:
    """A message begun with a capital, as the error summary shows it."""
    return text[:1].upper() + text[1:]


def refusal_status(error: DomainError) -> int:
    """A refused form: 409 when things as they stand refuse it, else 400 (what was sent)."""
    return 409 if isinstance(error, Conflict) else 400


def attempt(
    errors: dict[str, str], field: str, action: Callable[[], T], *, refused: str = ""
) -> tuple[T | None, int]:
    """Run a form's use case: its result and 200; or, refused, None and the status to answer
    with (`refusal_status`), the reason in `errors` under `field`, after `refused` ("Nothing
    was changed") where given. A missing object is not a refusal of the form: NotFound goes
    on to become a 404."""
    try:
        return action(), 200
    except NotFound:
        raise
    except DomainError as error:
        errors[field] = f"{refused}: {error}" if refused else sentence(str(error))
        return None, refusal_status(error)
