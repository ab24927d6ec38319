"""England and Wales bank holidays, from the copy of GOV.UK's list shipped with caremarket."""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources

from caremarket.domain.calendar import WorkingWeek, england_and_wales

SOURCE = "bank_holidays_england_and_wales.json"  # see data/NOTICE.md


@cache
def bank_holidays() -> frozenset[date]:
    raw = resources.files("caremarket.data").joinpath(SOURCE).read_text(encoding="utf-8")
    return frozenset(date.fromisoformat(event["date"]) for event in json.loads(raw)["events"])


def working_week() -> WorkingWeek:
    """The default working week for business-hours windows."""
    return england_and_wales(bank_holidays())
