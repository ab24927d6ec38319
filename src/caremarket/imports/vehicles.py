"""Procurement vehicles file: code, name, kind, commissioners (';'-separated), starts_on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caremarket.domain.market import VehicleKind
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_choice, parse_code, parse_date, parse_list, parse_name
from caremarket.imports.problems import Problems

VEHICLE_COLUMNS = Columns(
    required=("code", "name", "kind", "commissioners"), optional=("starts_on",)
)


@dataclass(frozen=True)
class VehicleRow:
    line: int
    code: str
    name: str
    kind: VehicleKind
    commissioners: tuple[str, ...]
    starts_on: date | None


def parse_vehicles(table: Table, problems: Problems) -> list[VehicleRow]:
    """Checked vehicle rows; the bad ones are left out and noted in problems."""
    parsed = [vehicle for row in table.rows if (vehicle := _vehicle(row, problems))]
    problems.duplicates(((v.line, v.code, v.code) for v in parsed), "code", "vehicle")
    return parsed


def _vehicle(row: Row, problems: Problems) -> VehicleRow | None:
    before = len(problems)
    code = problems.cell(row, "code", parse_code)
    name = problems.cell(row, "name", parse_name)
    kind = problems.cell(row, "kind", lambda t: parse_choice(t, VehicleKind))
    commissioners = problems.cell(row, "commissioners", _parse_commissioners)
    starts_on = problems.cell(row, "starts_on", parse_date, required=False)
    if len(problems) > before or not (code and name and kind and commissioners):
        return None
    return VehicleRow(row.line, code, name, kind, commissioners, starts_on)


def _parse_commissioners(text: str) -> tuple[str, ...]:
    codes = parse_list(text)
    if not codes:
        raise ValueError("a vehicle needs at least one commissioner")
    if len(set(codes)) != len(codes):
        raise ValueError("a commissioner is named twice")
    return codes
