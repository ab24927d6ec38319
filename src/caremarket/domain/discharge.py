"""Hospital discharges: delay days, and bridging care while a package is sourced.

A package may carry the date its person was "medically fit for discharge". Every day from
then until care starts is a delay day (a delayed transfer of care, DToC, attributable to
awaiting a package of care). When nobody can start at discharge, a broker places bridging
care — a named short-term service such as a discharge response team or the council's
reablement team — for one to three working days; the bridge ends when the package starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.errors import DomainError
from caremarket.domain.packages import CarePackage

BRIDGE_DAYS = range(1, 4)  # working days a bridge may be planned for


class InvalidBridge(DomainError):
    pass


@dataclass(eq=False)
class Bridging:
    package: CarePackage
    service: str  # the bridging service, by name: "Discharge Response Team", "HART"
    starts_on: date
    planned_end_on: date
    placed_at: datetime
    placed_by: str
    ended_on: date | None = None
    id: int | None = None

    def end(self, on: date) -> None:
        """The bridge ends (the package started, or the broker ended it)."""
        if self.ended_on is None:
            self.ended_on = max(on, self.starts_on)

    @property
    def active(self) -> bool:
        return self.ended_on is None


def plan_bridge(
    package: CarePackage,
    service: str,
    *,
    starts_on: date,
    working_days: int,
    week: WorkingWeek,
    placed_at: datetime,
    placed_by: str,
) -> Bridging:
    """A bridge of 1 to 3 working days from `starts_on` (the day of discharge)."""
    if not service.strip():
        raise InvalidBridge("name the bridging service (for example the discharge team)")
    if working_days not in BRIDGE_DAYS:
        raise InvalidBridge(f"bridging care lasts 1 to 3 working days, not {working_days}")
    end = week.add_working_days(starts_on, working_days - 1) if working_days > 1 else starts_on
    if not week.is_working_day(starts_on):
        end = week.add_working_days(starts_on, working_days)
    return Bridging(package, service.strip(), starts_on, end, placed_at, placed_by)


def delay_days(fit_for_discharge_on: date | None, care_starts_on: date | None, on: date) -> int:
    """Days from medically fit to the start of care (or to `on`, if care has not started)."""
    if fit_for_discharge_on is None:
        return 0
    until = care_starts_on if care_starts_on is not None and care_starts_on <= on else on
    return max((until - fit_for_discharge_on).days, 0)
