"""Cost of care: scenarios saved and compared, the gap to the commissioned rates, and
providers' open-book costs beside the model.

``gap_by_zone`` is what the commissioner's dashboard calls: a list of ``ZoneGap`` (see
reports/cost_of_care.py), one per zone of the commissioner, exact Decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import differences, entry
from caremarket.domain.cost_of_care import (
    CostOfCareScenario,
    InvalidCostInputs,
    OpenBookSubmission,
    Price,
    ZoneTravel,
    in_force,
    inputs_from,
    open_book_lines,
    price,
    to_json,
    zone_travel_from,
)
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Commissioner
from caremarket.reports import cost_of_care as report
from caremarket.reports.cost_of_care import ActiveCare, ZoneGap
from caremarket.reports.costing import card_in_force
from caremarket.reports.tables import Column, Measure, Row, Table
from caremarket.services.brokerage import acting_provider
from caremarket.services.ports import UnitOfWork

DEFAULTS = "Defaults"  # the scenario used when a commissioner has saved none in force


def save_scenario(
    uow: UnitOfWork,
    *,
    commissioner: str,
    name: str,
    effective_from: date,
    inputs: Mapping[str, object],
    zones: Mapping[str, tuple[object, object]] | None = None,
    by: Actor,
    now: datetime,
) -> CostOfCareScenario:
    """Save a scenario's inputs (text or numbers by name; others keep the scenario's or the
    defaults) and each zone's (travel minutes, miles) a visit; saving a name again replaces it.
    Every unusable input is named at once in ``InvalidCostInputs``."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidCostInputs({"name": "give the scenario a name of up to 200 characters"})
    with uow:
        owner = uow.commissioners.get(commissioner)
        before = uow.scenarios.find(owner, name)
        problems: dict[str, str] = {}
        try:
            chosen = inputs_from(inputs, before.inputs if before else None)
        except InvalidCostInputs as error:
            problems |= error.problems
        try:
            travel = _zones(uow, owner, zones, before)
        except InvalidCostInputs as error:
            problems |= error.problems
        if problems:
            raise InvalidCostInputs(problems)
        scenario = CostOfCareScenario(owner, name, effective_from, chosen, travel, now, by.name)
        uow.scenarios.save(scenario)
        stored = {"effective_from": effective_from.isoformat(), **_flat(scenario)}
        changes = (
            differences(
                {"effective_from": before.effective_from.isoformat(), **_flat(before)}, stored
            )
            if before
            else stored
        )
        uow.audit.record(
            entry(
                by,
                now,
                "cost-of-care scenario changed" if before else "cost-of-care scenario saved",
                ("cost-of-care scenario", f"{owner.code}/{name}"),
                changes,
            )
        )
        uow.commit()
    return scenario


def list_scenarios(uow: UnitOfWork, *, commissioner: str) -> list[CostOfCareScenario]:
    with uow:
        return uow.scenarios.list(uow.commissioners.get(commissioner))


def scenario_of(
    uow: UnitOfWork, *, commissioner: str, name: str | None = None, on: date | None = None
) -> CostOfCareScenario:
    """The named scenario, else the one in force on the day, else the defaults (unsaved)."""
    with uow:
        return _scenario(uow, uow.commissioners.get(commissioner), name, on)


def gap_by_zone(
    uow: UnitOfWork, commissioner: str, on: date, scenario: str | None = None
) -> list[ZoneGap]:
    """For each of the commissioner's zones: weekly hours active on the day, the model's rate,
    the commissioned rate (None where nothing is active), the gap an hour (commissioned -
    model) and the annual gap. ``scenario``: a name, else the one in force on the day."""
    return _gaps(uow, commissioner, on, scenario)[0]


def cost_of_care_report(
    uow: UnitOfWork, *, commissioner: str, on: date, scenario: str | None = None
) -> Table:
    """The gap per zone and per provider, as a report."""
    zones, providers, chosen, name = _gaps(uow, commissioner, on, scenario, with_providers=True)
    return report.gap_table(chosen, zones, providers, commissioner=name, on=on)


def breakdown(
    uow: UnitOfWork, *, commissioner: str, scenario: str | None = None, on: date | None = None
) -> tuple[CostOfCareScenario, Table, Table]:
    """The scenario, its price an hour component by component in each zone, and its inputs."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        chosen = _scenario(uow, owner, scenario, on)
        zones = _zone_names(uow, owner)
        return (
            chosen,
            report.breakdown_table(chosen, zones, commissioner=owner.name),
            report.inputs_table(chosen, commissioner=owner.name),
        )


def compare_scenarios(uow: UnitOfWork, *, commissioner: str, names: list[str]) -> Table:
    """The price an hour in each zone under each named scenario, side by side."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        chosen = [_scenario(uow, owner, name, None) for name in names]
        zones = _zone_names(uow, owner)
        return Table(
            title="Cost of care: scenarios compared",
            commissioner=owner.name,
            on=max((s.effective_from for s in chosen), default=date.min),
            columns=(
                Column("Zone"),
                *(Column(_heading(s), Measure.PENCE) for s in chosen),
            ),
            rows=tuple(
                Row((f"{code}: {zone}", *(s.price_in(code).per_hour for s in chosen)))
                for code, zone in zones
            ),
            notes=("The price of a contact hour in each zone under each scenario.",),
        )


def submit_open_book(
    uow: UnitOfWork,
    *,
    commissioner: str,
    period_start: date,
    period_end: date,
    lines: Mapping[str, object],
    by: Actor,
    now: datetime,
) -> SubmissionSummary:
    """A provider's actual costs an hour for a period, by the model's lines (blank lines left
    out); a second submission for the same period start replaces the first."""
    if by.role is not Role.PROVIDER or by.provider_id is None:
        raise NotFound("only a provider's own people or systems submit its open book")
    read = open_book_lines(lines)
    with uow:
        provider = acting_provider(uow, by)
        owner = uow.commissioners.get(commissioner)
        submission = OpenBookSubmission(
            provider, owner, period_start, period_end, read, now, by.name
        )
        uow.open_book.save(submission)
        uow.audit.record(
            entry(
                by,
                now,
                "open book submitted",
                ("open book", f"{provider.name}/{owner.code}/{period_start.isoformat()}"),
                {"period_end": period_end.isoformat(), **{k: str(v) for k, v in read.items()}},
            )
        )
        summary = SubmissionSummary(
            provider.name,
            owner.code,
            period_start,
            period_end,
            read,
            submission.total,
            now,
            by.name,
        )
        uow.commit()
    return summary


@dataclass(frozen=True)
class SubmissionSummary:
    provider: str
    commissioner: str  # its code
    period_start: date
    period_end: date
    lines: dict[str, Decimal]
    total: Decimal
    submitted_at: datetime | None
    submitted_by: str | None


def open_book_submissions(
    uow: UnitOfWork, *, by: Actor, commissioner: str | None = None
) -> list[SubmissionSummary]:
    """The submissions a person may see, newest period first: a provider only its own."""
    with uow:
        owner = uow.commissioners.get(commissioner) if commissioner else None
        provider = acting_provider(uow, by) if by.role is Role.PROVIDER else None
        return [
            SubmissionSummary(
                s.provider.name,
                s.commissioner.code,
                s.period_start,
                s.period_end,
                s.lines,
                s.total,
                s.submitted_at,
                s.submitted_by,
            )
            for s in uow.open_book.search(commissioner=owner, provider=provider)
        ]


def open_book_comparisons(
    uow: UnitOfWork,
    *,
    commissioner: str,
    on: date,
    by: Actor,
    scenario: str | None = None,
) -> list[Table]:
    """Each provider's latest submission starting on or before the day (a provider: only its
    own) beside the model's cost lines at the provider's hours-weighted zone price."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        chosen = _scenario(uow, owner, scenario, on)
        provider = acting_provider(uow, by) if by.role is Role.PROVIDER else None
        latest: dict[int | None, OpenBookSubmission] = {}
        for found in uow.open_book.search(commissioner=owner, provider=provider):
            if found.period_start <= on:
                latest.setdefault(found.provider.id, found)  # newest period first
        submissions = sorted(latest.values(), key=lambda s: s.provider.name)
        care = uow.records.active_care(owner.id, on)
        tables = []
        for submission in submissions:
            theirs = [p for p in care if p.provider == submission.provider.name]
            tables.append(
                report.open_book_table(
                    submission, _weighted_price(chosen, theirs), scenario=chosen.name, on=on
                )
            )
        return tables


def _gaps(
    uow: UnitOfWork,
    commissioner: str,
    on: date,
    scenario: str | None,
    *,
    with_providers: bool = False,
) -> tuple[list[ZoneGap], list[ZoneGap], CostOfCareScenario, str]:
    with uow:
        owner = uow.commissioners.get(commissioner)
        chosen = _scenario(uow, owner, scenario, on)
        zones, providers = report.zone_gaps(
            chosen,
            _zone_names(uow, owner),
            uow.records.active_care(owner.id, on),
            card=card_in_force(uow.rate_cards.list(commissioner=owner), on),
            services={s.code: s for s in uow.services.list()},
            on=on,
        )
        return zones, providers if with_providers else [], chosen, owner.name


def _scenario(
    uow: UnitOfWork, owner: Commissioner, name: str | None, on: date | None
) -> CostOfCareScenario:
    if name and name != DEFAULTS:
        return uow.scenarios.get(owner, name)
    found = None if name == DEFAULTS else in_force(uow.scenarios.list(owner), on or date.max)
    return found or CostOfCareScenario(owner, DEFAULTS, on or date.min)


def _heading(scenario: CostOfCareScenario) -> str:
    if scenario.id is None:
        return scenario.name
    return f"{scenario.name} (from {scenario.effective_from:%-d %b %Y})"


def _zone_names(uow: UnitOfWork, owner: Commissioner) -> list[tuple[str, str]]:
    return sorted((z.code, z.name) for z in uow.zones.list(commissioner=owner))


def _zones(
    uow: UnitOfWork,
    owner: Commissioner,
    zones: Mapping[str, tuple[object, object]] | None,
    before: CostOfCareScenario | None,
) -> tuple[ZoneTravel, ...]:
    if zones is None:
        return before.zones if before else ()
    known = {z.code for z in uow.zones.list(commissioner=owner)}
    problems = {
        f"zone {code}": "is not one of the commissioner's zones"
        for code in zones
        if code not in known
    }
    if problems:
        raise InvalidCostInputs(problems)
    travel: list[ZoneTravel] = []
    for code, (minutes, miles) in sorted(zones.items()):
        try:
            travel.append(zone_travel_from(code, minutes, miles))
        except InvalidCostInputs as error:
            problems |= error.problems
    if problems:
        raise InvalidCostInputs(problems)
    return tuple(travel)


def _flat(scenario: CostOfCareScenario) -> dict[str, str]:
    stored = to_json(scenario.inputs, scenario.zones)
    flat = dict(stored["inputs"])
    for code, travel in stored["zones"].items():
        flat[f"zone {code}"] = (
            f"{travel['travel_minutes_per_visit']} minutes, {travel['miles_per_visit']} miles"
        )
    return flat


def _weighted_price(scenario: CostOfCareScenario, packages: list[ActiveCare]) -> Price:
    """The zones' exact prices weighted by the provider's weekly minutes in each."""
    minutes: dict[str, int] = {}
    for package in packages:
        minutes[package.zone.code] = minutes.get(package.zone.code, 0) + package.weekly_minutes
    total = sum(minutes.values())
    if not total:
        return price(scenario.inputs)
    exact: dict[str, Decimal] = {}
    for code, share in minutes.items():
        for line, amount in scenario.price_in(code).exact.items():
            exact[line] = exact.get(line, Decimal(0)) + amount * share / total
    return Price(exact)
