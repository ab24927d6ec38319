"""Zone map options as report tables: the options side by side, and each map's zones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from caremarket.reports.tables import Column, Measure, Row, Table
from caremarket.services.zone_design import MapOption

OPTION_COLUMNS = (
    Column("Zones"),
    Column("Method"),
    Column("Status"),
    Column("Gap %", Measure.TENTHS),
    Column("Seconds", Measure.TENTHS),
    Column("Least weekly hours", Measure.HOURS),
    Column("Most weekly hours", Measure.HOURS),
    Column("Travel hours a week", Measure.HOURS),
    Column("Travel share %", Measure.TENTHS),
    Column("Contiguous"),
    Column("Every zone viable"),
)
ZONE_COLUMNS = (
    Column("Zone"),
    Column("Wards", Measure.COUNT),
    Column("Clients", Measure.COUNT),
    Column("Weekly hours", Measure.HOURS),
    Column("Annual hours", Measure.HOURS),
    Column("Indicative annual cost", Measure.POUNDS),
    Column("Travel minutes a visit", Measure.TENTHS),
    Column("Travel hours a week", Measure.TENTHS),
    Column("Travel share %", Measure.TENTHS),
    Column("Viable providers", Measure.COUNT),
    Column("Cost of care an hour", Measure.PENCE),
)


def options_table(
    options: Sequence[MapOption], *, area: str, on: date, viability_hours: int
) -> Table:
    rows = []
    for option in options:
        d = option.design
        least, most = option.hours_spread
        travel = option.travel_hours_per_week
        care = sum((z.weekly_hours for z in option.zones), Decimal(0))
        rows.append(
            Row(
                (
                    str(d.k),
                    d.method,
                    d.status,
                    Decimal(repr(100 * d.gap)) if d.gap is not None else None,
                    Decimal(repr(d.seconds)),
                    least,
                    most,
                    travel,
                    100 * travel / (care + travel) if care + travel else Decimal(0),
                    "yes" if option.contiguous else "no",
                    "yes" if option.viable else "no",
                )
            )
        )
    return Table(
        title="Zone map options",
        commissioner=area,
        on=on,
        columns=OPTION_COLUMNS,
        rows=tuple(rows),
        notes=(
            "Gap: the solver's optimality gap on its objective (visit-minutes to each zone's"
            " centre) when it stopped, against its bound or, where it stopped before its first,"
            " the LP relaxation's; k-means has none.",
            "Travel: visits a week x the mean leg between two visits of the zone (the"
            " straight-line estimate unless a routing service gave the legs).",
            f"Viable: every zone holds at least one provider at {viability_hours:,} hours a week.",
        ),
    )


def zones_table(option: MapOption, *, area: str, on: date) -> Table:
    d = option.design
    rows = tuple(
        Row(
            (
                z.zone,
                len(z.areas),
                z.clients,
                z.weekly_hours,
                z.annual_hours,
                z.indicative_annual_cost,
                z.travel_minutes_per_visit,
                z.travel_hours_per_week,
                z.travel_share,
                z.viable_providers,
                z.cost_of_care_rate,
            )
        )
        for z in option.zones
    )
    return Table(
        title=f"{d.k} zones by {d.method}",
        commissioner=area,
        on=on,
        columns=ZONE_COLUMNS,
        rows=rows,
        notes=d.notes,
    )
