"""The growth of the population aged 65 and over, from the ONS projection shipped with
caremarket (data/snpp2016_65plus_demo_areas.csv, see data/NOTICE.md): the demand forecast's
default growth rate.

A commissioner is matched to its districts by code: the demo presets' councils are listed in
``AREAS``. A county's growth is that of the sum of its districts.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from functools import cache
from importlib import resources

SOURCE = "snpp2016_65plus_demo_areas.csv"
LEICESTERSHIRE = tuple(f"E070001{n}" for n in range(29, 36))
AREAS: dict[str, tuple[str, ...]] = {  # commissioner code: ONS 2016 district codes
    "HFD": ("E06000019",),
    "LCC": LEICESTERSHIRE,
    "ELRCCG": ("E07000129", "E07000131", "E07000133", "E07000135", "E06000017"),
    "WLCCG": ("E07000130", "E07000132", "E07000134"),
    "LIV": ("E08000012",),
    "KNO": ("E08000011",),
    "SEF": ("E08000014",),
    "STH": ("E08000013",),
    "HAL": ("E06000006",),
    "WIR": ("E08000015",),
}


@cache
def people_65_plus() -> dict[tuple[str, int], int]:
    raw = resources.files("caremarket.data").joinpath(SOURCE).read_text(encoding="utf-8")
    return {
        (row["lad16_code"], int(row["year"])): int(row["pop_65plus"])
        for row in csv.DictReader(io.StringIO(raw))
    }


def growth_65_plus(commissioner: str, year: int) -> Decimal | None:
    """Percent growth of the commissioner's people aged 65+ from ``year`` to the next, exact;
    None where caremarket holds no projection for its area or years."""
    codes = AREAS.get(commissioner)
    people = people_65_plus()
    if not codes or any((c, y) not in people for c in codes for y in (year, year + 1)):
        return None
    now = sum(people[(c, year)] for c in codes)
    then = sum(people[(c, year + 1)] for c in codes)
    return Decimal(then - now) * 100 / Decimal(now)


def growth_65_plus_to(commissioner: str, year: int, ahead: int) -> Decimal | None:
    """Percent growth of the commissioner's people aged 65+ from ``year`` to ``ahead``, exact;
    None where caremarket holds no projection for its area or years."""
    codes = AREAS.get(commissioner)
    people = people_65_plus()
    if not codes or any((c, y) not in people for c in codes for y in (year, ahead)):
        return None
    now = sum(people[(c, year)] for c in codes)
    then = sum(people[(c, ahead)] for c in codes)
    return Decimal(then - now) * 100 / Decimal(now)
