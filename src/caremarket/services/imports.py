"""Importing commissioners, service types, zones, providers, rate cards, procurement vehicles,
their lots and the providers in them, care packages and the postcode gazetteer from CSV files.

Every import reads the whole file, checks every row (first on its own, then against the
database) and either writes all of it in one commit or raises ImportRejected listing each
bad row with its line number and reason, having written nothing. File formats:
docs/formats.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.errors import ImportRejected, RowProblem
from caremarket.domain.market import Commissioner, Provider, Zone
from caremarket.imports.commissioner_rows import COMMISSIONER_COLUMNS, parse_commissioners
from caremarket.imports.commissioners import FileCommissioner
from caremarket.imports.csvfile import Source, read_table
from caremarket.imports.lots import LOT_COLUMNS, lot_reference, parse_lots
from caremarket.imports.memberships import MEMBERSHIP_COLUMNS, parse_memberships
from caremarket.imports.packages import package_columns, parse_packages
from caremarket.imports.postcodes import POSTCODE_COLUMNS, parse_postcodes
from caremarket.imports.problems import Problems
from caremarket.imports.providers import PROVIDER_COLUMNS, parse_providers
from caremarket.imports.rates import parse_rates, rate_columns
from caremarket.imports.service_types import SERVICE_COLUMNS, parse_services
from caremarket.imports.vehicles import VEHICLE_COLUMNS, parse_vehicles
from caremarket.imports.zones import ZoneRow, check_overlaps, parse_zones, zone_columns
from caremarket.services.lookups import Lookup
from caremarket.services.membership_rows import admit_members
from caremarket.services.package_rows import build_packages
from caremarket.services.ports import UnitOfWork
from caremarket.services.rate_rows import add_rates, build_rates
from caremarket.services.vehicle_rows import build_lots, build_vehicles

__all__ = [
    "ImportRejected",
    "ImportResult",
    "RowProblem",
    "import_commissioners",
    "import_lots",
    "import_memberships",
    "import_packages",
    "import_postcodes",
    "import_providers",
    "import_rates",
    "import_services",
    "import_vehicles",
    "import_zones",
]


@dataclass(frozen=True)
class ImportResult:
    """What an import added: codes, provider names, package references or postcodes."""

    kind: str  # "commissioners", "service types", "zones", "providers", "care packages", ...
    added: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    people_added: int = 0  # care packages: people new to caremarket
    already_known: int = 0  # postcodes: rows the gazetteer already held, left as they were

    @property
    def count(self) -> int:
        return len(self.added)

    def __str__(self) -> str:
        noun = SINGULAR.get(self.kind, self.kind) if self.count == 1 else self.kind
        text = f"Imported {self.count:,} {noun}"
        if self.people_added:
            people = "person" if self.people_added == 1 else "people"
            text += f" for {self.people_added:,} new {people}"
        if self.already_known:
            text += f" ({self.already_known:,} already known, left as they were)"
        return text + "."


def import_commissioners(
    uow: UnitOfWork, source: Source, *, by: Actor, now: datetime
) -> ImportResult:
    """Add the councils and ICBs in a file, with their pathway rules; a code already recorded
    is refused."""
    with uow:
        table = read_table(source, COMMISSIONER_COLUMNS)
        problems = Problems()
        parsed = parse_commissioners(table, problems)
        _check_codes_new(
            ((line, c.code) for line, c in parsed),
            (c.code for c in uow.commissioners.list()),
            "commissioner",
            problems,
        )
        problems.raise_if_any(table.warnings)
        uow.commissioners.add_all(commissioner for _, commissioner in parsed)
        result = ImportResult("commissioners", tuple(c.code for _, c in parsed), table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_services(uow: UnitOfWork, source: Source, *, by: Actor, now: datetime) -> ImportResult:
    """Add the service types in a file; a code already recorded is refused."""
    with uow:
        table = read_table(source, SERVICE_COLUMNS)
        problems = Problems()
        parsed = parse_services(table, problems)
        _check_codes_new(
            ((line, s.code) for line, s in parsed),
            (s.code for s in uow.services.list()),
            "service type",
            problems,
        )
        problems.raise_if_any(table.warnings)
        uow.services.add_all(service for _, service in parsed)
        result = ImportResult("service types", tuple(s.code for _, s in parsed), table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_zones(
    uow: UnitOfWork,
    source: Source,
    *,
    commissioner: str | None = None,
    by: Actor,
    now: datetime,
) -> ImportResult:
    """Add the zones in a file; with `commissioner`, the file may leave out that column."""
    with uow:
        for_file = _file_commissioner(uow, commissioner)
        table = read_table(source, zone_columns(for_file))
        problems = Problems()
        rows = parse_zones(table, problems, commissioner=for_file)
        owners = Lookup(uow.commissioners.find, "commissioner", problems)
        rows = [r for r in rows if owners(r.line, "commissioner", r.commissioner)]
        existing = [z for owner in _found(owners) for z in uow.zones.list(commissioner=owner)]
        _check_zones_new(rows, existing, problems)
        check_overlaps(rows, existing, problems)
        problems.raise_if_any(table.warnings)
        uow.zones.add_all(Zone(owners.found[r.commissioner], r.code, r.name, r.areas) for r in rows)
        result = ImportResult("zones", tuple(r.code for r in rows), table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_providers(uow: UnitOfWork, source: Source, *, by: Actor, now: datetime) -> ImportResult:
    """Add the providers in a file; a provider already recorded under its name is refused."""
    with uow:
        table = read_table(source, PROVIDER_COLUMNS)
        problems = Problems()
        parsed = parse_providers(table, problems)
        _check_providers_new(parsed, uow.providers.list(), problems)
        problems.raise_if_any(table.warnings)
        uow.providers.add_all(provider for _, provider in parsed)
        result = ImportResult("providers", tuple(p.name for _, p in parsed), table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_rates(
    uow: UnitOfWork,
    source: Source,
    *,
    commissioner: str | None = None,
    by: Actor,
    now: datetime,
) -> ImportResult:
    """Add rate card lines; a card not yet recorded is created, and one recorded gains lines.
    A line with the same card, service, zone and date as one recorded is refused."""
    with uow:
        for_file = _file_commissioner(uow, commissioner)
        table = read_table(source, rate_columns(for_file))
        problems = Problems()
        rates = build_rates(uow, parse_rates(table, problems, commissioner=for_file), problems)
        problems.raise_if_any(table.warnings)
        add_rates(uow, rates)
        result = ImportResult("rate lines", tuple(r.row.describe() for r in rates), table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_vehicles(uow: UnitOfWork, source: Source, *, by: Actor, now: datetime) -> ImportResult:
    """Add procurement vehicles and the commissioners they are for; a code already recorded
    is refused."""
    with uow:
        table = read_table(source, VEHICLE_COLUMNS)
        problems = Problems()
        vehicles = build_vehicles(uow, parse_vehicles(table, problems), problems)
        problems.raise_if_any(table.warnings)
        uow.vehicles.add_all(vehicles)
        result = ImportResult("vehicles", tuple(v.code for v in vehicles), table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_lots(uow: UnitOfWork, source: Source, *, by: Actor, now: datetime) -> ImportResult:
    """Add lots to vehicles already recorded, with their zones, services and pathway."""
    with uow:
        table = read_table(source, LOT_COLUMNS)
        problems = Problems()
        lots = build_lots(uow, parse_lots(table, problems), problems)
        problems.raise_if_any(table.warnings)
        for vehicle, lot in lots:
            vehicle.lots.append(lot)
        added = tuple(lot_reference(vehicle.code, lot.code) for vehicle, lot in lots)
        result = ImportResult("lots", added, table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_memberships(
    uow: UnitOfWork, source: Source, *, by: Actor, now: datetime
) -> ImportResult:
    """Admit providers to lots at their tiers, by each lot's rules (Lot.admit)."""
    with uow:
        table = read_table(source, MEMBERSHIP_COLUMNS)
        problems = Problems()
        admitted = admit_members(uow, parse_memberships(table, problems), problems)
        problems.raise_if_any(table.warnings)
        added = tuple(
            f"{lot_reference(vehicle.code, lot.code)} {membership.provider.name}"
            for vehicle, lot, membership in admitted
        )
        result = ImportResult("lot memberships", added, table.warnings)
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_packages(
    uow: UnitOfWork,
    source: Source,
    *,
    commissioner: str | None = None,
    by: Actor,
    now: datetime,
) -> ImportResult:
    """Add people and their care packages; each package's zone follows from its postcode."""
    with uow:
        for_file = _file_commissioner(uow, commissioner)
        table = read_table(source, package_columns(for_file))
        problems = Problems()
        rows = parse_packages(table, problems, commissioner=for_file)
        packages = build_packages(uow, rows, problems)
        problems.raise_if_any(table.warnings)
        people_added = len({id(p.person) for p in packages if p.person.id is None})
        uow.packages.add_all(packages)
        result = ImportResult(
            "care packages", tuple(p.reference for p in packages), table.warnings, people_added
        )
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def import_postcodes(uow: UnitOfWork, source: Source, *, by: Actor, now: datetime) -> ImportResult:
    """Load postcodes into the gazetteer (a .csv or .csv.gz); those already held are kept."""
    with uow:
        table = read_table(source, POSTCODE_COLUMNS)
        problems = Problems()
        entries = parse_postcodes(table, problems)
        problems.raise_if_any(table.warnings)
        known = uow.postcodes.known(e["postcode"] for e in entries)
        uow.postcodes.load(entries)
        added = tuple(e["postcode"] for e in entries if e["postcode"] not in known)
        result = ImportResult("postcodes", added, table.warnings, already_known=len(known))
        record(uow, result, by=by, now=now)
        uow.commit()
    return result


def _file_commissioner(uow: UnitOfWork, chosen: str | None) -> FileCommissioner:
    """Where caremarket holds only one commissioner, a file need not name it."""
    if chosen is not None:
        return FileCommissioner(chosen=chosen)
    commissioners = uow.commissioners.list()
    return FileCommissioner(default=commissioners[0].code if len(commissioners) == 1 else None)


def _found(lookup: Lookup[Commissioner]) -> list[Commissioner]:
    return [item for item in lookup.found.values() if item is not None]


def _check_codes_new(
    coded: Iterable[tuple[int, str]], recorded: Iterable[str], what: str, problems: Problems
) -> None:
    """Each (line, code) of the file whose code is already recorded is a problem."""
    known = set(recorded)
    for line, code in coded:
        if code in known:
            problems.add(line, "code", code, f"{what} {code} is already recorded")


def _check_zones_new(rows: list[ZoneRow], existing: list[Zone], problems: Problems) -> None:
    recorded = {(z.commissioner.code, z.code) for z in existing}
    for row in rows:
        if (row.commissioner, row.code) in recorded:
            problems.add(
                row.line,
                "code",
                row.code,
                f"zone {row.code} of {row.commissioner} is already recorded",
            )


def _check_providers_new(
    parsed: list[tuple[int, Provider]], recorded: Sequence[Provider], problems: Problems
) -> None:
    names = {p.name.casefold() for p in recorded}
    locations = {location: p.name for p in recorded for location in p.cqc_location_ids}
    for line, provider in parsed:
        if provider.name.casefold() in names:
            problems.add(
                line, "name", provider.name, f"provider {provider.name} is already recorded"
            )
        for location in provider.cqc_location_ids:
            if location in locations:
                problems.add(
                    line,
                    "cqc_location_ids",
                    location,
                    f"CQC location {location} is {locations[location]}'s",
                )


SINGULAR = {  # what one item of each kind of import is called, here and in the audit trail
    "commissioners": "commissioner",
    "service types": "service type",
    "zones": "zone",
    "providers": "provider",
    "rate lines": "rate line",
    "vehicles": "vehicle",
    "lots": "lot",
    "lot memberships": "lot membership",
    "care packages": "care package",
    "postcodes": "postcode",
}


def record(uow: UnitOfWork, result: ImportResult, *, by: Actor, now: datetime) -> None:
    """One audit entry for each thing added; the gazetteer's postcodes get one for the file."""
    if result.kind == "postcodes":
        changes = {"added": result.count, "already known": result.already_known}
        uow.audit.record(entry(by, now, "postcodes imported", ("gazetteer", "postcodes"), changes))
        return
    object_type = SINGULAR[result.kind]
    uow.audit.record(
        *(entry(by, now, f"{object_type} imported", (object_type, ref)) for ref in result.added)
    )
