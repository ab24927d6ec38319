"""Cost of care: the model's price per zone, the gap to the commissioned rates, and providers'
open-book costs beside the model.

The commissioned rate of a zone is what the commissioner pays an hour for the care active
there on the day: the packages' weekly cost at the rate card in force, divided by their weekly
hours (so a zone of 24-hour care at £12.80 and visits at £15.80 shows their mix). The model's
rate is the scenario's price in the zone. The gap is commissioned minus model: below nothing,
the commissioner pays less than the model says care costs. A provider's model rate is the
zone prices weighted by its active hours in each zone, its commissioned rate its packages'
cost over their hours. The annual gap is the gap an hour x weekly hours x 52.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.cost_of_care import (
    COMPONENTS,
    INPUTS,
    MINIMUM_PRICE_NOTE,
    CostOfCareScenario,
    OpenBookSubmission,
    Price,
)
from caremarket.domain.market import ServiceType, Zone
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.patterns import VisitLine, weekly_minutes
from caremarket.domain.rates import RateCard, weekly_cost
from caremarket.reports.tables import Column, Measure, Row, Table


@dataclass(frozen=True)
class ZoneGap:
    """One zone's (or provider's) gap, exact: round where you show it.

    ``commissioned_rate`` and ``gap_per_hour`` are None when nothing is active there.
    """

    code: str  # the zone's code (or the provider's name)
    name: str
    weekly_hours: Decimal
    model_rate: Decimal  # the scenario's price an hour, as its breakdown shows it
    commissioned_rate: Decimal | None
    gap_per_hour: Decimal | None  # commissioned - model
    annual_gap: Decimal  # gap an hour x weekly hours x 52 (0 when nothing is active)


@dataclass(frozen=True)
class ActiveCare:
    """What the gap reads of one package active on the day (not the whole package)."""

    zone: Zone  # the session's own object: a rate card's zone lines are found by identity
    service: ServiceType  # likewise
    provider: str | None  # its name
    pattern: tuple[VisitLine, ...]

    @property
    def weekly_minutes(self) -> int:
        return weekly_minutes(self.pattern)


def zone_gaps(
    scenario: CostOfCareScenario,
    zones: Sequence[tuple[str, str]],
    care: Iterable[ActiveCare],
    *,
    card: RateCard,
    services: Mapping[str, ServiceType],
    on: date,
) -> tuple[list[ZoneGap], list[ZoneGap]]:
    """The gap in each of the ``zones`` (code, name), and for each provider with active care;
    ``care``: the packages active on the day, in a stable order (the sums are exact Decimals)."""
    rates = card.rates_on(on)
    by_zone: dict[str, _Tally] = {code: _Tally() for code, _ in zones}
    by_provider: dict[str, _Tally] = {}
    model = {code: scenario.price_in(code).per_hour for code, _ in zones}
    for package in care:
        code = package.zone.code
        if code not in model:
            by_zone[code] = _Tally()
            model[code] = scenario.price_in(code).per_hour
        hours = Decimal(package.weekly_minutes) / 60
        cost = weekly_cost(
            package.pattern,
            rates=rates,
            service=package.service,
            services=services,
            zone=package.zone,
        )
        by_zone[code].add(hours, cost, model[code])
        if package.provider is not None:
            by_provider.setdefault(package.provider, _Tally()).add(hours, cost, model[code])
    names = dict(zones)
    return (
        [by_zone[code].gap(code, names.get(code, code), model[code]) for code in by_zone],
        [tally.gap(name, name, None) for name, tally in sorted(by_provider.items())],
    )


GAP_COLUMNS = (
    Column("By"),
    Column("Zone or provider"),
    Column("Weekly hours", Measure.HOURS),
    Column("Model rate", Measure.PENCE),
    Column("Commissioned rate", Measure.PENCE),
    Column("Gap an hour", Measure.PENCE),
    Column("Annual gap", Measure.POUNDS),
)


def gap_table(
    scenario: CostOfCareScenario,
    zone_rows: Sequence[ZoneGap],
    provider_rows: Sequence[ZoneGap],
    *,
    commissioner: str,
    on: date,
) -> Table:
    rows = [_gap_row("Zone", gap) for gap in zone_rows]
    rows += [_gap_row("Provider", gap) for gap in provider_rows]
    hours = sum((g.weekly_hours for g in zone_rows), Decimal(0))
    weekly_cost = sum(
        (g.commissioned_rate * g.weekly_hours for g in zone_rows if g.commissioned_rate),
        Decimal(0),
    )
    weekly_model = sum((g.model_rate * g.weekly_hours for g in zone_rows), Decimal(0))
    totals = Row(
        (
            "All",
            "All zones",
            hours,
            weekly_model / hours if hours else None,
            weekly_cost / hours if hours else None,
            (weekly_cost - weekly_model) / hours if hours else None,
            sum((g.annual_gap for g in zone_rows), Decimal(0)),
        )
    )
    return Table(
        title="Cost of care: the gap",
        commissioner=commissioner,
        on=on,
        columns=GAP_COLUMNS,
        rows=tuple(rows),
        totals=totals,
        notes=(
            f"Model: {described(scenario)}.",
            "Commissioned rate: the weekly cost of the care active on the day at the rate card"
            " in force, over its weekly hours. Gap = commissioned rate - model rate; below"
            " nothing the commissioner pays less than the model's cost. A provider's model"
            " rate weights the zones' prices by its active hours in each. Annual gap = gap an"
            " hour x weekly hours x 52.",
        ),
    )


def breakdown_table(
    scenario: CostOfCareScenario, zones: Sequence[tuple[str, str]], *, commissioner: str
) -> Table:
    """Each component's contribution to the price an hour, in each zone (a committee's table)."""
    prices = [scenario.price_in(code) for code, _ in zones]
    columns = (Column("Component"), *(Column(f"Zone {code}", Measure.PENCE) for code, _ in zones))
    rows = [Row((name, *(p.components[name] for p in prices))) for name in COMPONENTS]
    travel = [scenario.travel_in(code) for code, _ in zones]
    return Table(
        title="Cost of care: the price an hour",
        commissioner=commissioner,
        on=scenario.effective_from,
        columns=columns,
        rows=tuple(rows),
        totals=Row(("Price an hour", *(p.per_hour for p in prices))),
        notes=(
            f"Model: {described(scenario)}.",
            "Travel a visit: "
            + "; ".join(
                f"{z.zone} {z.travel_minutes_per_visit} minutes, {z.miles_per_visit} miles"
                for z in travel
            )
            + ".",
            "Each component is rounded half-up to the penny; the price is their sum.",
            MINIMUM_PRICE_NOTE,
        ),
    )


def inputs_table(scenario: CostOfCareScenario, *, commissioner: str) -> Table:
    """The scenario's inputs beside where their defaults come from."""
    return Table(
        title="Cost of care: the inputs",
        commissioner=commissioner,
        on=scenario.effective_from,
        columns=(Column("Input"), Column("Value"), Column("Unit"), Column("Default's source")),
        rows=tuple(
            Row(
                (
                    item.label,
                    str(getattr(scenario.inputs, item.name)),
                    item.unit,
                    item.source.text,
                )
            )
            for item in INPUTS
        ),
    )


OPEN_BOOK_COLUMNS = (
    Column("Cost line"),
    Column("Provider's cost an hour", Measure.PENCE),
    Column("Model's cost an hour", Measure.PENCE),
    Column("Difference", Measure.PENCE),
)


def open_book_table(
    submission: OpenBookSubmission, model: Price, *, scenario: str, on: date
) -> Table:
    """A provider's cost lines beside the model's, line by line; lines it left out are blank."""
    shown = model.components
    rows = []
    for name in COMPONENTS:
        theirs = submission.lines.get(name)
        rows.append(
            Row((name, theirs, shown[name], None if theirs is None else theirs - shown[name]))
        )
    return Table(
        title=f"Open book: {submission.provider.name}",
        commissioner=submission.commissioner.name,
        on=on,
        columns=OPEN_BOOK_COLUMNS,
        rows=tuple(rows),
        totals=Row(("Total", submission.total, model.per_hour, submission.total - model.per_hour)),
        notes=(
            f"Period {submission.period_start:%d %B %Y} to {submission.period_end:%d %B %Y};"
            f" model: scenario {scenario!r} at its hours-weighted price across the provider's"
            " zones (its default travel where it has no active care).",
            "Difference = provider's cost - model's cost; the total compares only the lines"
            " given with the whole model.",
        ),
    )


def described(scenario: CostOfCareScenario) -> str:
    """'scenario '2017 model', in force from 1 April 2017', or 'the defaults' (never saved)."""
    if scenario.id is None:
        return "the defaults (no scenario saved in force on the day)"
    return f"scenario {scenario.name!r}, in force from {scenario.effective_from:%-d %B %Y}"


def _gap_row(by: str, gap: ZoneGap) -> Row:
    label = gap.name if by == "Provider" else f"{gap.code}: {gap.name}"
    return Row(
        (
            by,
            label,
            gap.weekly_hours,
            gap.model_rate,
            gap.commissioned_rate,
            gap.gap_per_hour,
            gap.annual_gap,
        )
    )


class _Tally:
    def __init__(self) -> None:
        self.hours = Decimal(0)
        self.cost = Decimal(0)
        self.model_cost = Decimal(0)

    def add(self, hours: Decimal, cost: Decimal, model_rate: Decimal) -> None:
        self.hours += hours
        self.cost += cost
        self.model_cost += model_rate * hours

    def gap(self, code: str, name: str, model_rate: Decimal | None) -> ZoneGap:
        if not self.hours:
            return ZoneGap(code, name, Decimal(0), model_rate or Decimal(0), None, None, Decimal(0))
        model = model_rate if model_rate is not None else self.model_cost / self.hours
        commissioned = self.cost / self.hours
        return ZoneGap(
            code,
            name,
            self.hours,
            model,
            commissioned,
            commissioned - model,
            (self.cost - model * self.hours) * WEEKS_PER_YEAR,
        )
