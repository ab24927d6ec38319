"""Lots file: vehicle, code, name, zones (';'-separated), services (optional, ';'-separated),
pathway (optional), min_providers, max_providers (optional).

Also how other files name a lot: "VEHICLE/LOT", e.g. "HTLAH/O-A".
"""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.domain.errors import InvalidLot
from caremarket.domain.market import Lot
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_code, parse_count, parse_list, parse_name
from caremarket.imports.problems import Problems

LOT_COLUMNS = Columns(
    required=("vehicle", "code", "name", "zones", "min_providers"),
    optional=("services", "pathway", "max_providers"),
)
LOT_SEPARATOR = "/"


@dataclass(frozen=True)
class LotRow:
    line: int
    vehicle: str
    lot: Lot  # without its zones and services, which the database holds
    zones: tuple[str, ...]
    services: tuple[str, ...]  # empty: every service


def parse_lots(table: Table, problems: Problems) -> list[LotRow]:
    """Checked lot rows; the bad ones are left out and noted in problems."""
    parsed = [lot for row in table.rows if (lot := _lot(row, problems))]
    problems.duplicates(
        ((r.line, (r.vehicle, r.lot.code), lot_reference(r.vehicle, r.lot.code)) for r in parsed),
        "code",
        "lot",
    )
    return parsed


def lot_reference(vehicle: str, lot: str) -> str:
    return f"{vehicle}{LOT_SEPARATOR}{lot}"


def parse_lot_reference(text: str) -> tuple[str, str]:
    """'HTLAH/O-A' -> ('HTLAH', 'O-A'): a vehicle's code and its lot's."""
    vehicle, separator, lot = text.partition(LOT_SEPARATOR)
    if not separator:
        raise ValueError(f"{text!r} is not a lot: write VEHICLE/LOT, e.g. HTLAH/O-A")
    return parse_code(vehicle.strip()), parse_code(lot.strip())


def _lot(row: Row, problems: Problems) -> LotRow | None:
    before = len(problems)
    vehicle = problems.cell(row, "vehicle", str)
    code = problems.cell(row, "code", parse_code)
    name = problems.cell(row, "name", parse_name)
    zones = problems.cell(row, "zones", _parse_zones)
    services = problems.cell(row, "services", parse_list, required=False) or ()
    least = problems.cell(row, "min_providers", parse_count)
    most = problems.cell(row, "max_providers", parse_count, required=False)
    if len(problems) > before or not (vehicle and code and name and zones) or least is None:
        return None
    try:
        lot = Lot(
            code, name, pathway=row.get("pathway") or None, min_providers=least, max_providers=most
        )
    except InvalidLot as error:  # the domain's rule: a maximum below the minimum
        problems.add(row.line, "max_providers", row.get("max_providers"), str(error))
        return None
    return LotRow(row.line, vehicle, lot, zones, services)


def _parse_zones(text: str) -> tuple[str, ...]:
    zones = parse_list(text)
    if not zones:
        raise ValueError("a lot needs at least one zone")
    if len(set(zones)) != len(zones):
        raise ValueError("a zone is named twice")
    return zones
