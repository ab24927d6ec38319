"""Turning checked vehicle and lot rows into vehicles and their lots, against the database."""

from __future__ import annotations

from caremarket.domain.market import Commissioner, Lot, ServiceType, Vehicle, Zone
from caremarket.imports.lots import LotRow, lot_reference
from caremarket.imports.problems import Problems
from caremarket.imports.vehicles import VehicleRow
from caremarket.services.lookups import Lookup
from caremarket.services.ports import UnitOfWork


def build_vehicles(uow: UnitOfWork, rows: list[VehicleRow], problems: Problems) -> list[Vehicle]:
    """A vehicle for each row that passes: a new code, and commissioners already recorded."""
    recorded = {v.code for v in uow.vehicles.list()}
    commissioner = Lookup(uow.commissioners.find, "commissioner", problems)
    vehicles = []
    for row in rows:
        before = len(problems)
        if row.code in recorded:
            problems.add(row.line, "code", row.code, f"vehicle {row.code} is already recorded")
        owners = [commissioner(row.line, "commissioners", code) for code in row.commissioners]
        if len(problems) == before:
            vehicles.append(
                Vehicle(
                    row.code,
                    row.name,
                    row.kind,
                    commissioners=[o for o in owners if o is not None],
                    starts_on=row.starts_on,
                )
            )
    return vehicles


def build_lots(
    uow: UnitOfWork, rows: list[LotRow], problems: Problems
) -> list[tuple[Vehicle, Lot]]:
    """(vehicle, lot) for each row that passes: a lot code new to a vehicle already recorded,
    its zones those of the vehicle's commissioners, its pathway one their rules class into."""
    vehicle = Lookup(uow.vehicles.find, "vehicle", problems)
    services: dict[str, ServiceType] = {s.code: s for s in uow.services.list()}
    service = Lookup(services.get, "service", problems)
    zones_of: dict[str, dict[str, list[Zone]]] = {}
    lots = []
    for row in rows:
        before = len(problems)
        found = vehicle(row.line, "vehicle", row.vehicle)
        lot = row.lot
        lot.services = [s for code in row.services if (s := service(row.line, "services", code))]
        if found is None:
            continue
        if any(recorded.code == lot.code for recorded in found.lots):
            reference = lot_reference(found.code, lot.code)
            problems.add(row.line, "code", lot.code, f"lot {reference} is already recorded")
        if found.code not in zones_of:
            zones_of[found.code] = _zones_by_code(uow, found.commissioners)
        lot.zones = [z for c in row.zones if (z := _zone(zones_of[found.code], c, row, problems))]
        _check_pathway(found, row, problems)
        if len(problems) == before:
            lots.append((found, lot))
    return lots


def _zones_by_code(uow: UnitOfWork, commissioners: list[Commissioner]) -> dict[str, list[Zone]]:
    by_code: dict[str, list[Zone]] = {}
    for commissioner in commissioners:
        for zone in uow.zones.list(commissioner=commissioner):
            by_code.setdefault(zone.code, []).append(zone)
    return by_code


def _zone(
    by_code: dict[str, list[Zone]], code: str, row: LotRow, problems: Problems
) -> Zone | None:
    zones = by_code.get(code, [])
    if len(zones) == 1:
        return zones[0]
    if zones:
        owners = " and ".join(z.commissioner.code for z in zones)
        problems.add(row.line, "zones", code, f"zone {code} is a zone of both {owners}")
    else:
        problems.add(
            row.line,
            "zones",
            code,
            f"there is no zone {code} of vehicle {row.vehicle}'s commissioners",
        )
    return None


def _check_pathway(vehicle: Vehicle, row: LotRow, problems: Problems) -> None:
    """A lot for a pathway no commissioner's rules class packages into would never be used."""
    pathway = row.lot.pathway
    known = {p for c in vehicle.commissioners if c.pathway_rules for p in c.pathway_rules.pathways}
    if pathway is not None and pathway not in known:
        problems.add(
            row.line,
            "pathway",
            pathway,
            f"the commissioners of {vehicle.code} class no package into pathway {pathway}"
            + (f" (theirs: {', '.join(sorted(known))})" if known else ""),
        )
