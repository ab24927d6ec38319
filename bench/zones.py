"""How long the zone designer takes to propose maps of k = 3..8 zones, and the gap it reaches.

    PYTHONPATH=src .venv/bin/python bench/zones.py [--time-limit 25] [--k 3..8] [--area NAME]

Two areas, on the shipped postcodes and ward boundaries:

* Herefordshire: the `herefordshire` preset's packages (826 packages, 11,529 hours a week) in
  its 53 wards (6,828 postcodes);
* Liverpool City Region: its 159 wards (37,802 postcodes). The preset's packages are too few
  for zones of 700 hours (1,464 hours a week), so the demand is made up: 25,000 hours a week
  shared among the wards in proportion to their postcodes, 12 hours a client and 30-minute
  visits (2 visits an hour).

Each k runs the designer (HiGHS, balance within 75% of the mean, zones of at least 700 hours)
and the k-means baseline, and prints a Markdown table: seconds, the solver's status and gap
(and whose bound: HiGHS's own, or the LP relaxation's where HiGHS stopped before its first), and
the travel hours a week of both.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from datetime import date

from caremarket.demo.places import read_postcodes
from caremarket.optimise.zone_design import DesignOptions, NoDesign, design, kmeans
from caremarket.services.zone_design import (
    AREAS,
    ZoneStudy,
    demand_study,
    option_of,
    preset_study,
)

LCR_HOURS = 25_000


def made_up_demand(area: str, total_hours: int) -> list[dict[str, str]]:
    counts = Counter(row["ward_code"] for row in read_postcodes(AREAS[area].postcodes))
    everyone = sum(counts.values())
    rows = []
    for ward, n in sorted(counts.items()):
        hours = total_hours * n / everyone
        rows.append(
            {
                "ward_code": ward,
                "clients": str(round(hours / 12)),
                "weekly_hours": f"{hours:.2f}",
                "visits_per_week": str(round(2 * hours)),
            }
        )
    return rows


def studies(only: str | None) -> dict[str, ZoneStudy]:
    made = {}
    if only in (None, "herefordshire"):
        made["Herefordshire"] = preset_study("herefordshire")
    if only in (None, "liverpool-city-region"):
        made["Liverpool City Region"] = demand_study(
            "liverpool-city-region",
            made_up_demand("liverpool-city-region", LCR_HOURS),
            on=date(2020, 3, 1),
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=25.0)
    parser.add_argument("--k", default="3..8")
    parser.add_argument("--area", choices=["herefordshire", "liverpool-city-region"])
    args = parser.parse_args()
    low, high = (int(x) for x in args.k.split(".."))
    print(f"load average before: {os.getloadavg()}")
    started = time.perf_counter()
    made = studies(args.area)
    print(f"studies (wards, demand, legs) built in {time.perf_counter() - started:.1f} s")
    options = DesignOptions(time_limit=args.time_limit)
    print(
        "| Area | Wards | k | Seconds | Status | Gap | Bound | Travel h/week (designer) |"
        " Travel h/week (k-means) | Hours a zone (designer) | Contiguous, viable |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, study in made.items():
        for k in range(low, high + 1):
            try:
                found = option_of(study, design(study.problem, k, options), 700, None)
            except NoDesign as error:
                print(f"| {name} | {len(study.wards.wards)} | {k} | | {error} | | | | | | |")
                continue
            base = option_of(study, kmeans(study.problem, k), 700, None)
            d = found.design
            least, most = found.hours_spread
            lp = any("LP relaxation" in note for note in d.notes)
            print(
                f"| {name} | {len(study.wards.wards)} | {k} | {d.seconds:.1f} | {d.status} |"
                f" {100 * (d.gap or 0):.2f}% | {'LP' if lp else 'HiGHS'} |"
                f" {found.travel_hours_per_week:,.0f} |"
                f" {base.travel_hours_per_week:,.0f} | {least:,.0f}-{most:,.0f} |"
                f" {'yes' if found.contiguous else 'no'}, {'yes' if found.viable else 'no'} |",
                flush=True,
            )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
