"""Zones file: commissioner, code, name, areas (postcode districts or sectors, ';'-separated)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from caremarket.domain.market import Zone
from caremarket.domain.postcodes import parse_area
from caremarket.imports.commissioners import NAMED_IN_EACH_ROW, FileCommissioner
from caremarket.imports.csvfile import Columns, Table
from caremarket.imports.fields import parse_list
from caremarket.imports.problems import Problems


@dataclass(frozen=True)
class ZoneRow:
    line: int
    commissioner: str
    code: str
    name: str
    areas: tuple[str, ...]


def zone_columns(commissioner: FileCommissioner = NAMED_IN_EACH_ROW) -> Columns:
    required, optional = commissioner.columns()
    return Columns(required=(*required, "code", "name", "areas"), optional=optional)


def parse_zones(
    table: Table, problems: Problems, *, commissioner: FileCommissioner = NAMED_IN_EACH_ROW
) -> list[ZoneRow]:
    """Checked zone rows; the bad ones are left out and noted in problems."""
    parsed = []
    for row in table.rows:
        owner = commissioner.of(row, problems)
        code = problems.cell(row, "code", str)
        name = problems.cell(row, "name", str)
        areas = problems.cell(row, "areas", _parse_areas)
        if owner and code and name and areas:
            parsed.append(ZoneRow(row.line, owner, code, name, areas))
    problems.duplicates(
        ((z.line, (z.commissioner, z.code), z.code) for z in parsed), "code", "zone"
    )
    return parsed


def check_overlaps(rows: Iterable[ZoneRow], existing: Iterable[Zone], problems: Problems) -> None:
    """An area may be in only one zone of a commissioner: among the rows, or already recorded."""
    holders: dict[tuple[str, str], tuple[int | None, str]] = {
        (zone.commissioner.code, area): (None, f"zone {zone.code}")
        for zone in existing
        for area in zone.areas
    }
    for row in rows:
        for area in row.areas:
            line, holder = holders.setdefault(
                (row.commissioner, area), (row.line, f"zone {row.code} (line {row.line})")
            )
            if line != row.line:
                problems.add(row.line, "areas", area, f"{area} is already in {holder}")


def _parse_areas(text: str) -> tuple[str, ...]:
    areas = tuple(parse_area(a) for a in parse_list(text))
    if not areas:
        raise ValueError("a zone needs at least one postcode district or sector")
    repeated = sorted({a for a in areas if areas.count(a) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} is listed twice")
    return areas
