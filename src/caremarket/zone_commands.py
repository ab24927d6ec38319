"""Commands for zone design: `caremarket zones design|compare|map|apply|apply-due|lot`. Kept
beside cli.py, which imports this module last so the commands join its app."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from caremarket.cli import (
    DbOption,
    FormatOption,
    ReportFormat,
    app,
    command_line_actor,
    fail,
    settings_for,
    unit_of_work,
    users_errors,
    write_report,
)

if TYPE_CHECKING:
    from caremarket.services.zone_design import MapOption

zones_app = typer.Typer(
    help="Zone design: propose zone maps of wards and compare them (travel, viability, cost).",
    no_args_is_help=True,
)
app.add_typer(zones_app, name="zones")

PresetOption = Annotated[
    str | None,
    typer.Option("--preset", "-p", help="Design for a demo preset's packages (no database)."),
]
DemandOption = Annotated[
    Path | None,
    typer.Option(
        "--demand",
        help="Demand by ward, a CSV: ward_code, clients, weekly_hours, visits_per_week"
        " (weekly_cost optional); needs --area.",
    ),
]
AreaOption = Annotated[
    str | None,
    typer.Option(
        "--area",
        help="The wards and postcodes: herefordshire, leicestershire or"
        " liverpool-city-region (default: the preset's).",
    ),
]
KOption = Annotated[str, typer.Option("--k", help="Numbers of zones: 5, 3..8 or 3,5,7.")]
ViabilityOption = Annotated[
    int, typer.Option("--viability", help="Weekly hours a provider needs to be viable.")
]
ToleranceOption = Annotated[
    str,
    typer.Option(
        "--tolerance",
        help="Each zone's weekly hours within this share of the mean (0.75, the default: from a"
        " quarter to 1.75 times the mean); 'none' for only the viability threshold.",
    ),
]
TimeOption = Annotated[
    float, typer.Option("--time-limit", help="Seconds the solver may take for each k.")
]
FixedOption = Annotated[
    list[str] | None,
    typer.Option("--fixed", help="A zone kept as it is: its ward codes, comma-separated (repeat)."),
]
CouncilOption = Annotated[
    list[str] | None,
    typer.Option("--council", help="Keep within these councils' boundary (LAD code; repeat)."),
]
RoutingOption = Annotated[
    str | None,
    typer.Option(
        "--routing-url",
        help="An OSRM-compatible routing service for the travel legs (default: the estimate).",
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file, not the screen.")
]
SaveOption = Annotated[
    Path | None, typer.Option("--save", help="Save the proposed maps as JSON (for maps and apply).")
]


def _proposals(baseline: bool, doc: str) -> Callable[..., None]:
    """`zones design` and `zones compare`: the same options, with or without the baseline."""

    def command(
        preset: PresetOption = None,
        demand: DemandOption = None,
        area: AreaOption = None,
        k: KOption = "3..8",
        viability: ViabilityOption = 700,
        tolerance: ToleranceOption = "0.75",
        time_limit: TimeOption = 20.0,
        fixed: FixedOption = None,
        council: CouncilOption = None,
        routing_url: RoutingOption = None,
        fmt: FormatOption = ReportFormat.TABLE,
        out: OutOption = None,
        save: SaveOption = None,
    ) -> None:
        _run(
            preset, demand, area, k, viability, tolerance, time_limit, fixed, council,
            routing_url, fmt, out, save, baseline=baseline,
        )  # fmt: skip

    command.__doc__ = doc
    return command


design = zones_app.command("design")(
    _proposals(False, "Propose a zone map for each k, with each zone's metrics.")
)
compare = zones_app.command("compare")(
    _proposals(True, "The designer's maps and the k-means baseline's, side by side for each k.")
)


def parse_ks(text: str) -> list[int]:
    """'5' -> [5]; '3..8' -> [3, ..., 8]; '3,5,7' -> [3, 5, 7]."""
    try:
        if ".." in text:
            low, high = text.split("..")
            return list(range(int(low), int(high) + 1))
        return [int(part) for part in text.split(",")]
    except ValueError:
        fail(f"--k {text!r}: give a number (5), a range (3..8) or a list (3,5,7)")


def _run(
    preset: str | None,
    demand: Path | None,
    area: str | None,
    k: str,
    viability: int,
    tolerance: str,
    time_limit: float,
    fixed: list[str] | None,
    council: list[str] | None,
    routing_url: str | None,
    fmt: ReportFormat,
    out: Path | None,
    save: Path | None,
    *,
    baseline: bool,
) -> None:
    from caremarket.domain.cost_of_care import CostInputs
    from caremarket.optimise.zone_design import DesignOptions
    from caremarket.reports import render
    from caremarket.reports.zone_options import options_table, zones_table
    from caremarket.services import zone_design

    if (preset is None) == (demand is None):
        fail("give either --preset or --demand (with --area)")
    options = DesignOptions(
        viability_hours=viability,
        tolerance=None if tolerance.lower() == "none" else float(tolerance),
        fixed=[set(group.split(",")) for group in fixed or []],
        time_limit=time_limit,
    )
    travel = None
    if routing_url:
        from caremarket.routing import OsrmTravel

        travel = OsrmTravel(routing_url)
    councils = council or None
    with users_errors():
        if preset is not None:
            if area not in (None, preset):
                fail("--area comes with --demand; a preset has its own")
            study = zone_design.preset_study(preset, councils=councils, travel=travel)
        else:
            if area not in zone_design.AREAS:
                fail(f"--area: choose {', '.join(zone_design.AREAS)}")
            assert demand is not None and area is not None
            with demand.open(newline="", encoding="utf-8") as file:
                rows = list(csv.DictReader(file))
            study = zone_design.demand_study(
                area, rows, on=date.today(), councils=councils, travel=travel
            )
        found = zone_design.compare(
            study, parse_ks(k), options, baseline=baseline, cost_inputs=CostInputs()
        )
    name = preset or area
    tables = [options_table(found, area=name, on=study.on, viability_hours=viability)]
    tables += [zones_table(option, area=name, on=study.on) for option in found]
    show = render.as_csv if fmt is ReportFormat.CSV else render.as_text
    write_report("\n".join(show(table) for table in tables), out)
    if save is not None:
        save.write_text(json.dumps(_saved(name, study.on, found), indent=1), encoding="utf-8")


def _saved(area: str, on: date, found: list[MapOption]) -> dict[str, Any]:
    return {
        "area": area,
        "on": on.isoformat(),
        "saved_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "options": [
            {
                "k": option.design.k,
                "method": option.design.method,
                "status": option.design.status,
                "gap": option.design.gap,
                "zones": {z.zone: list(z.areas) for z in option.zones},
            }
            for option in found
        ],
    }


@zones_app.command("map")
def draw(
    saved: Annotated[Path, typer.Argument(help="Maps saved by design or compare (--save).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The SVG image to write.")],
    option: Annotated[
        int, typer.Option("--option", help="Which saved map: 1 for the first, and so on.")
    ] = 1,
) -> None:
    """Draw a saved map over the ward boundaries, as an SVG image for reports."""
    from caremarket.reports.zone_map import zone_map_svg
    from caremarket.services.zone_design import AREAS
    from caremarket.wards import read_wards

    maps = json.loads(saved.read_text(encoding="utf-8"))
    if not 1 <= option <= len(maps["options"]):
        fail(f"--option: {saved} holds maps 1 to {len(maps['options'])}")
    chosen = maps["options"][option - 1]
    wards = read_wards(AREAS[maps["area"]].wards)
    title = f"{maps['area']}: {chosen['k']} zones by {chosen['method']}"
    write_report(zone_map_svg(wards, chosen["zones"], title=title), out)


@zones_app.command("apply")
def apply(
    saved: Annotated[Path, typer.Argument(help="Maps saved by design or compare (--save).")],
    commissioner: Annotated[str, typer.Option("--commissioner", "-c", help="Whose zones.")],
    effective_from: Annotated[
        datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="The day the new zones apply from."),
    ],
    option: Annotated[
        int, typer.Option("--option", help="Which saved map: 1 for the first, and so on.")
    ] = 1,
    name: Annotated[
        str | None, typer.Option("--name", help="The design's name (default: its k and method).")
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only list the lots to decide; apply nothing."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Make a saved map the commissioner's zones: zones redrawn over postcode sectors, packages
    re-zoned, the design kept with its day, all audited. A day still to come waits: the zones
    change on that day (the server's daily job, or `zones apply-due`)."""
    from caremarket.services import zone_design

    maps = json.loads(saved.read_text(encoding="utf-8"))
    if not 1 <= option <= len(maps["options"]):
        fail(f"--option: {saved} holds maps 1 to {len(maps['options'])}")
    chosen = maps["options"][option - 1]
    settings = settings_for(db)
    if check:
        with users_errors():
            decisions = zone_design.decisions_before_applying(
                unit_of_work(settings),
                commissioner=commissioner,
                area=maps["area"],
                wards=chosen["zones"],
            )
        typer.echo(f"Nothing applied. {len(decisions)} lots or zones to decide first.")
        _echo_decisions(decisions)
        return
    with users_errors():
        applied = zone_design.apply_design(
            unit_of_work(settings),
            commissioner=commissioner,
            name=name or f"{chosen['k']} zones by {chosen['method']}",
            area=maps["area"],
            method=chosen["method"],
            wards=chosen["zones"],
            effective_from=effective_from.date(),
            by=command_line_actor(),
            now=datetime.now(settings.zone),
        )
    if applied.scheduled:
        typer.echo(
            f"Scheduled {applied.design.name!r} for {applied.design.effective_from:%d %B %Y}:"
            " the zones and packages change on that day."
        )
    else:
        typer.echo(
            f"Applied {applied.design.name!r} from {applied.design.effective_from:%d %B %Y}:"
            f" {len(applied.zones_changed)} zones redrawn, {applied.packages_moved} packages"
            " re-zoned. Lots keep their zones until they are re-let or re-pointed"
            " (caremarket zones lot)."
        )
    _echo_decisions(applied.lots_to_decide)


def _echo_decisions(decisions: list[Any]) -> None:
    if decisions:
        typer.echo("Lots to decide (re-let, re-point or leave):")
        for decision in decisions:
            typer.echo(f"  {decision.lot + ': ' if decision.lot else ''}{decision.why}")


@zones_app.command("apply-due")
def apply_due(
    on: Annotated[
        datetime | None,
        typer.Option("--on", formats=["%Y-%m-%d"], help="As of this day (default: today)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Redraw the zones of designs whose day has come (the server does this daily)."""
    from caremarket.services import zone_design

    settings = settings_for(db)
    now = datetime.now(settings.zone)
    with users_errors():
        done = zone_design.apply_due_designs(
            unit_of_work(settings),
            today=on.date() if on else now.date(),
            now=now,
            by=command_line_actor(),
        )
    if not done:
        typer.echo("No zone design is due.")
    for applied in done:
        typer.echo(
            f"Applied {applied.design.commissioner.code} {applied.design.name!r} from"
            f" {applied.design.effective_from:%d %B %Y}: {len(applied.zones_changed)} zones"
            f" redrawn, {applied.packages_moved} packages re-zoned."
        )
        _echo_decisions(applied.lots_to_decide)


@zones_app.command("lot")
def lot(
    vehicle: Annotated[str, typer.Argument(help="The vehicle's code, e.g. HFD-DPS.")],
    lot_code: Annotated[str, typer.Argument(metavar="LOT", help="The lot's code, e.g. O-A.")],
    zones: Annotated[
        list[str] | None,
        typer.Argument(
            help="The zones it covers from now on: codes, or COMMISSIONER:CODE where two of"
            " the vehicle's commissioners have that code. None: show those it covers."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show or re-point the zones a lot covers (after a zone redesign, say): packages of those
    zones are offered in the lot from now on; offers made and packages placed are kept."""
    from caremarket.services import lot_zones

    settings = settings_for(db)
    with users_errors():
        if not zones:
            shown = lot_zones.lot_zones(unit_of_work(settings), vehicle, lot_code)
        else:
            shown = lot_zones.set_lot_zones(
                unit_of_work(settings),
                vehicle,
                lot_code,
                zones,
                by=command_line_actor(),
                now=datetime.now(settings.zone),
            )
    covered = ", ".join(shown.chosen) or "no zone"
    typer.echo(f"Lot {shown.lot} of {shown.vehicle} ({shown.lot_name}) covers {covered}.")
