"""The cost of care: scenarios (read by staff, saved by commissioners), the gap by zone, and
providers' open-book submissions (a provider sees and sends only its own)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from caremarket.domain.access import EVERYONE, POLICY_SETTERS, PROVIDERS, REPORT_READERS
from caremarket.reports.tables import Table
from caremarket.services import cost_of_care, forecasts
from caremarket.services.accounts import Principal
from caremarket.services.cost_of_care import SubmissionSummary
from caremarket.web import report_files
from caremarket.web.access import allow
from caremarket.web.api.reports import ReportData, ReportFormat, _data
from caremarket.web.deps import SettingsDep, UowDep

router = APIRouter(tags=["cost of care"])
Reader = Annotated[Principal, allow(*REPORT_READERS)]
Commissioner = Annotated[Principal, allow(*POLICY_SETTERS)]
Provider = Annotated[Principal, allow(*PROVIDERS)]
Anyone = Annotated[Principal, allow(*EVERYONE)]


class ZoneTravelData(BaseModel):
    travel_minutes_per_visit: Decimal = Field(ge=0)
    miles_per_visit: Decimal = Field(ge=0)


class ScenarioData(BaseModel):
    """A scenario's inputs (exact decimals) and its price an hour in each zone."""

    name: str
    effective_from: date
    inputs: dict[str, Decimal]
    zones: dict[str, ZoneTravelData]
    price_by_zone: dict[str, Decimal]
    components_by_zone: dict[str, dict[str, Decimal]]


class ScenarioBody(BaseModel):
    commissioner: str
    name: str = Field(min_length=1, max_length=200)
    effective_from: date
    inputs: dict[str, Decimal] = {}
    zones: dict[str, ZoneTravelData] | None = None  # None: keep the scenario's


class ZoneGapData(BaseModel):
    code: str
    name: str
    weekly_hours: Decimal
    model_rate: Decimal
    commissioned_rate: Decimal | None
    gap_per_hour: Decimal | None
    annual_gap: Decimal


class OpenBookBody(BaseModel):
    commissioner: str
    period_start: date
    period_end: date
    lines: dict[str, Decimal]  # the model's cost lines, pounds a contact hour


class OpenBookData(BaseModel):
    provider: str
    commissioner: str
    period_start: date
    period_end: date
    lines: dict[str, Decimal]
    total: Decimal
    submitted_at: datetime | None
    submitted_by: str | None


@router.get("/cost-of-care/scenarios")
def scenarios(uow: UowDep, by: Reader, commissioner: str) -> list[ScenarioData]:
    """The commissioner's saved scenarios, oldest first, each priced in every zone."""
    zones = [z.code for z in _zones(uow, commissioner)]
    return [
        _scenario(s, zones) for s in cost_of_care.list_scenarios(uow, commissioner=commissioner)
    ]


@router.put("/cost-of-care/scenarios")
def save_scenario(uow: UowDep, by: Commissioner, body: ScenarioBody) -> ScenarioData:
    """Save a scenario by name (again: replace its date and the inputs given)."""
    saved = cost_of_care.save_scenario(
        uow,
        commissioner=body.commissioner,
        name=body.name,
        effective_from=body.effective_from,
        inputs={k: str(v) for k, v in body.inputs.items()},
        zones=None
        if body.zones is None
        else {
            code: (str(z.travel_minutes_per_visit), str(z.miles_per_visit))
            for code, z in body.zones.items()
        },
        by=by.actor,
        now=datetime.now(UTC),
    )
    return _scenario(saved, [z.code for z in _zones(uow, body.commissioner)])


@router.get("/cost-of-care/gap")
def gap(
    uow: UowDep,
    settings: SettingsDep,
    by: Reader,
    commissioner: str,
    on: date | None = None,
    scenario: str | None = None,
) -> list[ZoneGapData]:
    """For each zone: the model's rate, the commissioned rate, the gap an hour and a year."""
    day = on or datetime.now(settings.zone).date()
    return [
        ZoneGapData(**vars(g)) for g in cost_of_care.gap_by_zone(uow, commissioner, day, scenario)
    ]


@router.post("/open-book", status_code=201)
def submit_open_book(uow: UowDep, by: Provider, body: OpenBookBody) -> OpenBookData:
    """Your actual costs an hour for a period, by the model's lines."""
    sent = cost_of_care.submit_open_book(
        uow,
        commissioner=body.commissioner,
        period_start=body.period_start,
        period_end=body.period_end,
        lines={k: str(v) for k, v in body.lines.items()},
        by=by.actor,
        now=datetime.now(UTC),
    )
    return _submission(sent)


@router.get("/open-book")
def open_book(uow: UowDep, by: Anyone, commissioner: str | None = None) -> list[OpenBookData]:
    """The submissions you may see (a provider: only its own), newest period first."""
    return [
        _submission(s)
        for s in cost_of_care.open_book_submissions(uow, by=by.actor, commissioner=commissioner)
    ]


@router.get("/open-book/comparison")
def open_book_comparison(
    uow: UowDep,
    settings: SettingsDep,
    by: Anyone,
    commissioner: str,
    on: date | None = None,
    scenario: str | None = None,
) -> list[ReportData]:
    """Each provider's latest submission beside the model, line by line (a provider: its own)."""
    day = on or datetime.now(settings.zone).date()
    return [
        _data(table)
        for table in cost_of_care.open_book_comparisons(
            uow, commissioner=commissioner, on=day, by=by.actor, scenario=scenario
        )
    ]


class ForecastMethod(StrEnum):
    LEVEL = "level"
    TREND = "trend"


@router.get("/reports/cost-of-care", dependencies=[allow(*REPORT_READERS)], response_model=None)
def cost_of_care_report(
    uow: UowDep,
    settings: SettingsDep,
    commissioner: str,
    on: date | None = None,
    scenario: str | None = None,
    format: ReportFormat = ReportFormat.JSON,
) -> ReportData | Response:
    """The gap per zone and per provider under a `scenario` (the one in force) on a day
    (today). Declared before `/reports/{name}`, which would otherwise take it."""
    day = on or datetime.now(settings.zone).date()
    table = cost_of_care.cost_of_care_report(
        uow, commissioner=commissioner, on=day, scenario=scenario
    )
    return _answer(table, "cost-of-care", commissioner, format)


@router.get("/reports/forecast", dependencies=[allow(*REPORT_READERS)], response_model=None)
def forecast_report(
    uow: UowDep,
    settings: SettingsDep,
    commissioner: str,
    on: date | None = None,
    growth: Decimal | None = None,
    method: ForecastMethod = ForecastMethod.LEVEL,
    format: ReportFormat = ReportFormat.JSON,
    ahead: int | None = None,
) -> ReportData | Response:
    """Weekly hours and cost by pathway and zone in the year `ahead` (the next; up to five
    years after the base day `on`): `growth` percent a year (by default, with `level`, the
    people aged 65+; with `trend`, none)."""
    day = on or datetime.now(settings.zone).date()
    table = forecasts.demand_forecast(
        uow, commissioner=commissioner, on=day, growth=growth, method=method.value, ahead=ahead
    )
    return _answer(table, "forecast", commissioner, format)


def _answer(table: Table, name: str, commissioner: str, format: ReportFormat):  # type: ignore[no-untyped-def]
    if format is ReportFormat.JSON:
        return _data(table)
    return report_files.download(
        table, name=name, commissioner=commissioner, file_format=format.value
    )


def _zones(uow: UowDep, commissioner: str):  # type: ignore[no-untyped-def]
    from caremarket.services import market

    return market.list_zones(uow, commissioner=commissioner)


def _scenario(scenario, zones: list[str]) -> ScenarioData:  # type: ignore[no-untyped-def]
    prices = {code: scenario.price_in(code) for code in zones}
    return ScenarioData(
        name=scenario.name,
        effective_from=scenario.effective_from,
        inputs={k: v for k, v in vars(scenario.inputs).items()},
        zones={
            z.zone: ZoneTravelData(
                travel_minutes_per_visit=z.travel_minutes_per_visit,
                miles_per_visit=z.miles_per_visit,
            )
            for z in scenario.zones
        },
        price_by_zone={code: p.per_hour for code, p in prices.items()},
        components_by_zone={code: p.components for code, p in prices.items()},
    )


def _submission(summary: SubmissionSummary) -> OpenBookData:
    return OpenBookData(**vars(summary))
