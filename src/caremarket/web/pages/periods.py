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
        **_date_values(query, "from", default_since(today)),
        **_date_values(query, "to", today),
    }
    errors: dict[str, str] = {}
    if values["commissioner"] not in {c.code for c in commissioners}:
        errors["commissioner"] = "Choose a commissioner from the list"
    since = _day(values, "from", errors)
    on = _day(values, "to", errors)
    if since and on and since > on:
        errors["from"] = "The period's first day must be on or before its last"
    return PeriodChoice([(c.code, c.name) for c in commissioners], values, errors, since, on)


def _date_values(query: Any, prefix: str, default: date) -> dict[str, str]:
    return {
        f"{prefix}_{part}": query.get(f"{prefix}_{part}", str(getattr(default, part))).strip()
        for part in ("day", "month", "year")
    }


def _day(values: dict[str, str], prefix: str, errors: dict[str, str]) -> date | None:
    parts = (values[f"{prefix}_year"], values[f"{prefix}_month"], values[f"{prefix}_day"])
    if not all(parts):
        errors[prefix] = "Enter a day, month and year"
        return None
    try:
        return date(*(int(p) for p in parts))
    except ValueError:
        errors[prefix] = "The date must be a real date, like 1 4 2025"
        return None
