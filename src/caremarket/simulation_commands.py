"""`caremarket simulate SCENARIO`: a scenario's options compared on the same random demand.
Kept beside cli.py, which imports this module last so the command joins its app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from caremarket.cli import DbOption, app, settings_for, unit_of_work, users_errors


@app.command()
def simulate(
    scenario_file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="The scenario (TOML; docs/simulation.md).",
        ),
    ],
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications", "-n", min=2, help="Runs of each option (default: the file's)."
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="The random seed (default: the file's).")] = None,
    processes: Annotated[
        int | None,
        typer.Option(min=1, help="Processes to run replications in (default: one a CPU)."),
    ] = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Also write every estimate to this CSV file.")
    ] = None,
    charts_out: Annotated[
        Path | None,
        typer.Option("--charts", help="Write the charts (SVG) into this folder (made if missing)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run every option of a scenario on the same random demand and show each output's mean
    with its 95 % confidence interval, side by side."""
    from caremarket.holidays import working_week
    from caremarket.simulation.compare import (
        as_csv,
        as_rows,
        charts,
        compare,
        differences_as_rows,
    )
    from caremarket.simulation.scenario import calibration, read_data, read_scenario

    with users_errors():
        market = None
        asked = calibration(read_data(scenario_file))
        if asked is not None:  # a market calibrated from the live database
            from datetime import date

            from caremarket.services.simulation import calibrate_market

            market = calibrate_market(
                unit_of_work(settings_for(db)),
                asked.commissioner,
                on=asked.on or date.today(),
                weeks=asked.weeks,
                headroom=asked.headroom,
                cost_share=asked.cost_share,
                behaviour=asked.behaviour,
                demand=asked.demand,
            )
        scenario = read_scenario(scenario_file, market=market)
    count = replications or scenario.replications
    jobs = count * len(scenario.options)
    err = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("simulating", total=jobs)
        comparison = compare(
            scenario,
            replications=count,
            seed=seed,
            processes=processes or os.cpu_count() or 1,
            progress=lambda done, total: bar.update(task, completed=done),
            week=working_week(),
        )
    console = Console(width=max(100, 32 + 28 * len(scenario.options)))
    console.print(
        _table(
            as_rows(comparison),
            f"{scenario.title}\n{count} replications of {scenario.weeks:g} weeks, seed"
            f" {comparison.seed}: mean (95% confidence interval)",
        )
    )
    if len(scenario.options) > 1:
        console.print(
            _table(
                differences_as_rows(comparison),
                "Each option less the first, run by run on the same demand:"
                " mean difference (95% confidence interval)",
            )
        )
    for name in comparison.runs:
        below = comparison.below_viability(name)
        if below:
            listed = ", ".join(f"{p} ({n} of {count} runs)" for p, n in below.items())
            typer.echo(f"{name}: below the viability threshold at the end: {listed}")
    if csv_out is not None:
        csv_out.write_text(as_csv(comparison), encoding="utf-8")
        typer.echo(f"Wrote {csv_out}", err=True)
    if charts_out is not None:
        charts_out.mkdir(parents=True, exist_ok=True)
        for n, (_, svg) in enumerate(charts(comparison), start=1):
            (charts_out / f"chart-{n:02d}.svg").write_text(svg, encoding="utf-8")
        typer.echo(f"Wrote the charts into {charts_out}", err=True)
    sys.stdout.flush()


def _table(rows: list[list[str]], title: str) -> Table:
    table = Table(title=title, show_lines=True)
    for heading in rows[0]:
        table.add_column(heading)
    for row in rows[1:]:
        table.add_row(*row)
    return table
