"""A commissioner and a period chosen in a page's query (the dashboard, the committee pack):
the first commissioner and the 13 weeks to today unless the query says otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request

from caremarket.services import market
from caremarket.services.ports import UnitOfWork
from caremarket.web.report_files import default_since

MISSING = "Enter a day, month and year"


@dataclass(frozen=True)
class PeriodChoice:
    commissioners: list[tuple[str, str]]  # code, name
    values: dict[str, str]  # as the form shows them again
    errors: dict[str, str]  # for the error summary, by field
    since: date | None
    on: date | None


def choose_period(request: Request, uow: UnitOfWork) -> PeriodChoice:
    query = request.query_params
    today = datetime.now(request.app.state.settings.zone).date()
    commissioners = market.list_commissioners(uow)
    values = {
        "commissioner": query.get("commissioner")
        or (commissioners[0].code if commissioners else ""),
        **date_values(query, "from_", default_since(today)),
        **date_values(query, "to_", today),
    }
    errors: dict[str, str] = {}
    if values["commissioner"] not in {c.code for c in commissioners}:
        errors["commissioner"] = "Choose a commissioner from the list"
    since = query_day(values, errors, prefix="from_", field="from", missing=MISSING)
    on = query_day(values, errors, prefix="to_", field="to", missing=MISSING)
    if since and on and since > on:
        errors["from"] = "The period's first day must be on or before its last"
    return PeriodChoice([(c.code, c.name) for c in commissioners], values, errors, since, on)


def date_values(query: Any, prefix: str, default: date) -> dict[str, str]:
    """A date's three boxes in a page's query ({prefix}day, {prefix}month, {prefix}year) as
    the form shows them again: as sent, or `default`'s."""
    return {
        f"{prefix}{part}": query.get(f"{prefix}{part}", str(getattr(default, part))).strip()
        for part in ("day", "month", "year")
    }


def query_day(
    values: dict[str, str], errors: dict[str, str], *, prefix: str, field: str, missing: str
) -> date | None:
    """The date in the three boxes `date_values` gave; wrong, None and why under `field`."""
    parts = (values[f"{prefix}year"], values[f"{prefix}month"], values[f"{prefix}day"])
    if not all(parts):
        errors[field] = missing
        return None
    try:
        return date(*(int(p) for p in parts))
    except ValueError:
        errors[field] = "The date must be a real date, like 1 4 2025"
        return None
