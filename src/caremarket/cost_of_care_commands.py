"""Commands for the cost of care and the demand forecast: `caremarket cost-of-care show|save|
compare`, `caremarket report cost-of-care` and `caremarket report forecast`. Kept beside
cli.py, which imports this module last so the commands join its apps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from caremarket.cli import (
    CommissionerOption,
    DbOption,
    FormatOption,
    OnOption,
    ReportFormat,
    app,
    command_line_actor,
    fail,
    needs_a_file,
    only_commissioner,
    report_app,
    settings_for,
    unit_of_work,
    users_errors,
    write_report,
)

OutOption = Annotated[  # as cli.py's reports have it (its payments section has its own)
    Path | None, typer.Option("--out", "-o", help="Write to this file, not the screen.")
]
cost_app = typer.Typer(
    help="The cost of care: scenarios of the model's inputs, their price an hour by zone.",
    no_args_is_help=True,
)
app.add_typer(cost_app, name="cost-of-care")

ScenarioOption = Annotated[
    str | None,
    typer.Option("--scenario", "-s", help="A saved scenario (default: the one in force)."),
]


@cost_app.command("show")
def show(
    commissioner: CommissionerOption = None,
    scenario: ScenarioOption = None,
    on: OnOption = None,
    fmt: FormatOption = ReportFormat.TABLE,
    db: DbOption = None,
) -> None:
    """A scenario's price an hour in each zone, component by component, and its inputs."""
    from caremarket.reports import render
    from caremarket.services import cost_of_care

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    with users_errors():
        uow = unit_of_work(settings)
        code = _commissioner(uow, commissioner)
        _, prices, inputs = cost_of_care.breakdown(
            uow, commissioner=code, scenario=scenario, on=day
        )
    show_table = render.as_csv if fmt is ReportFormat.CSV else render.as_text
    write_report(show_table(prices) + "\n" + show_table(inputs), None)


@cost_app.command("save")
def save(
    name: Annotated[str, typer.Argument(help="The scenario's name (saving it again replaces it).")],
    effective_from: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="The day the scenario is in force from."),
    ],
    commissioner: CommissionerOption = None,
    inputs: Annotated[
        list[str] | None,
        typer.Option("--set", help="An input, NAME=VALUE, e.g. hourly_pay=12.71 (repeat)."),
    ] = None,
    zones: Annotated[
        list[str] | None,
        typer.Option("--zone", help="A zone's travel, CODE=MINUTES,MILES, e.g. E=25,8 (repeat)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Save a scenario: inputs not set keep the scenario's (or the defaults)."""
    from caremarket.services import cost_of_care

    values = dict(_pair(item, "--set") for item in inputs or [])
    travel = {}
    for item in zones or []:
        code, text = _pair(item, "--zone")
        minutes, _, miles = text.partition(",")
        travel[code] = (minutes, miles)
    settings = settings_for(db)
    with users_errors():
        uow = unit_of_work(settings)
        scenario = cost_of_care.save_scenario(
            uow,
            commissioner=_commissioner(uow, commissioner),
            name=name,
            effective_from=effective_from.date(),
            inputs=values,
            zones=travel if zones else None,
            by=command_line_actor(),
            now=datetime.now(settings.zone),
        )
    typer.echo(
        f"Saved the scenario {scenario.name!r}, in force from"
        f" {scenario.effective_from:%d %B %Y}: £{scenario.price_in('').per_hour} an hour where"
        " a zone has no travel of its own."
    )


@cost_app.command("compare")
def compare(
    names: Annotated[list[str], typer.Argument(help="The scenarios, by name ('Defaults' too).")],
    commissioner: CommissionerOption = None,
    fmt: FormatOption = ReportFormat.TABLE,
    db: DbOption = None,
) -> None:
    """The price an hour in each zone under each scenario, side by side."""
    from caremarket.reports import render
    from caremarket.services import cost_of_care

    settings = settings_for(db)
    with users_errors():
        uow = unit_of_work(settings)
        table = cost_of_care.compare_scenarios(
            uow, commissioner=_commissioner(uow, commissioner), names=names
        )
    write_report(render.as_csv(table) if fmt is ReportFormat.CSV else render.as_text(table), None)


@report_app.command("cost-of-care")
def report_cost_of_care(
    commissioner: CommissionerOption = None,
    on: OnOption = None,
    scenario: ScenarioOption = None,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """The gap: the model's rate per zone beside the commissioned rates, per zone and provider."""
    from caremarket.services import cost_of_care

    _report(
        lambda uow, code, day: cost_of_care.cost_of_care_report(
            uow, commissioner=code, on=day, scenario=scenario
        ),
        commissioner, on, fmt, out, db,
    )  # fmt: skip


@report_app.command("forecast")
def report_forecast(
    commissioner: CommissionerOption = None,
    on: OnOption = None,
    growth: Annotated[
        str | None,
        typer.Option(
            help="Growth a year, percent (default: people aged 65+ for 'level', none for 'trend')."
        ),
    ] = None,
    method: Annotated[
        str, typer.Option(help="'level' (the hours on the day) or 'trend' (the past year's).")
    ] = "level",
    ahead: Annotated[
        int | None,
        typer.Option(help="The year forecast: 1 to 5 years after --on's (default: the next)."),
    ] = None,
    fmt: FormatOption = ReportFormat.TABLE,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Demand forecast: next year's weekly hours and indicative cost by pathway and zone."""
    from caremarket.services import forecasts

    if method not in ("level", "trend"):
        fail("--method is 'level' or 'trend'")
    rate = _percent(growth) if growth is not None else None
    _report(
        lambda uow, code, day: forecasts.demand_forecast(
            uow, commissioner=code, on=day, growth=rate, method=method, ahead=ahead
        ),
        commissioner, on, fmt, out, db,
    )  # fmt: skip


def _report(run, commissioner, on, fmt: ReportFormat, out: Path | None, db) -> None:  # type: ignore[no-untyped-def]
    from caremarket.reports import render

    settings = settings_for(db)
    day = on.date() if on else datetime.now(settings.zone).date()
    if fmt is ReportFormat.XLSX:
        needs_a_file(out)
    with users_errors():
        uow = unit_of_work(settings)
        table = run(uow, _commissioner(uow, commissioner), day)
    if fmt is ReportFormat.XLSX:
        write_report(render.as_xlsx(table), out)
    else:
        write_report(
            render.as_text(table) if fmt is ReportFormat.TABLE else render.as_csv(table), out
        )


def _commissioner(uow, commissioner: str | None) -> str:  # type: ignore[no-untyped-def]
    from caremarket.services import market

    return commissioner or only_commissioner(market.list_commissioners(uow))


def _pair(item: str, option: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        fail(f"{option} takes NAME=VALUE, not {item!r}")
    return name.strip(), value.strip()


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        fail(f"--growth is a percentage, like 2.2, not {text!r}")
    if not value.is_finite():
        fail(f"--growth is a percentage, like 2.2, not {text!r}")
    return value
