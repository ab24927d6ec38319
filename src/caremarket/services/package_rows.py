"""Turning checked package rows into care packages, against what the database holds."""

from __future__ import annotations

from caremarket.domain.errors import InvalidLot
from caremarket.domain.market import Commissioner, Lot, Zone, ZoneMap
from caremarket.domain.packages import PERSONAL_CONTRIBUTION, CarePackage, Person, classify
from caremarket.imports.lots import lot_reference
from caremarket.imports.packages import PackageRow
from caremarket.imports.problems import Problems
from caremarket.services.lookups import Lookup
from caremarket.services.ports import UnitOfWork


def build_packages(
    uow: UnitOfWork, rows: list[PackageRow], problems: Problems
) -> list[CarePackage]:
    """Care packages for the rows that pass; each person made once however many packages."""
    return _Builder(uow, rows, problems).build()


class _Builder:
    def __init__(self, uow: UnitOfWork, rows: list[PackageRow], problems: Problems) -> None:
        self.uow, self.rows, self.problems = uow, rows, problems
        self.services = {s.code: s for s in uow.services.list()}
        self.commissioners = Lookup(uow.commissioners.find, "commissioner", problems)
        self.service = Lookup(self.services.get, "service", problems)
        self.provider = Lookup(uow.providers.find, "provider", problems)
        self.vehicle = Lookup(uow.vehicles.find, "vehicle", problems)
        self.zone_maps: dict[str, tuple[ZoneMap, dict[str, Zone]]] = {}
        self.references = uow.packages.references()
        postcodes = {str(r.postcode) for r in rows}
        self.known_postcodes = uow.postcodes.known(postcodes)
        self.districts_held = uow.postcodes.districts_held(
            r.postcode.district for r in rows if str(r.postcode) not in self.known_postcodes
        )
        self.people: dict[tuple[str, str], Person] = {}

    def build(self) -> list[CarePackage]:
        return [p for row in self.rows if (p := self._package(row)) is not None]

    def _package(self, row: PackageRow) -> CarePackage | None:
        before = len(self.problems)
        owner = self.commissioners(row.line, "commissioner", row.commissioner)
        service = self.service(row.line, "service", row.service)
        provider = self.provider(row.line, "provider", row.provider) if row.provider else None
        zone = self._zone(row, owner) if owner else None
        lot = self._lot(row) if row.lot else None
        self._check_postcode_known(row)
        self._check_pattern_services(row)
        self._check_funders(row)
        if row.reference in self.references:
            self.problems.add(
                row.line,
                "reference",
                row.reference,
                f"care package {row.reference} is already recorded",
            )
        person = self._person(row, owner) if owner else None
        if len(self.problems) > before:
            return None
        package = CarePackage(
            reference=row.reference,
            person=person,
            commissioner=owner,
            zone=zone,
            service=service,
            pattern=row.pattern,
            start_on=row.start_on,
            end_on=row.end_on,
            status=row.status,
            provider=provider,
            funding=row.funding,
            lot=lot,
            risk=row.risk,
            carer_breakdown=row.carer_breakdown,
            fit_for_discharge_on=row.fit_for_discharge_on,
        )
        package.pathway = classify(package, self.services)
        if lot is not None and not self._fits_lot(row, package, lot):
            return None
        return package

    def _lot(self, row: PackageRow) -> Lot | None:
        assert row.lot is not None
        vehicle_code, lot_code = row.lot
        vehicle = self.vehicle(row.line, "lot", vehicle_code)
        try:
            return vehicle.lot(lot_code) if vehicle else None
        except InvalidLot as missing:
            self.problems.add(row.line, "lot", lot_reference(*row.lot), str(missing))
            return None

    def _fits_lot(self, row: PackageRow, package: CarePackage, lot: Lot) -> bool:
        """The lot covers the package's zone, service and pathway, and holds its provider."""
        shown = lot_reference(*row.lot) if row.lot else lot.code
        fits = True
        if not lot.covers(package.zone, package.service, package.pathway):
            services = ", ".join(s.code for s in lot.services) or "any service"
            self.problems.add(
                row.line,
                "lot",
                shown,
                f"lot {shown} (zones {', '.join(z.code for z in lot.zones)}; {services};"
                f" pathway {lot.pathway or 'any'}) does not cover zone {package.zone.code},"
                f" {package.service.code}, pathway {package.pathway or 'none'}",
            )
            fits = False
        if package.provider is not None and lot.membership_of(package.provider) is None:
            self.problems.add(
                row.line,
                "provider",
                package.provider.name,
                f"{package.provider.name} is not in lot {shown}",
            )
            fits = False
        return fits

    def _zone(self, row: PackageRow, owner: Commissioner) -> Zone | None:
        """The zone the postcode is in; a zone written in the row must be that one."""
        zone_map, by_code = self._zones_of(owner)
        found = zone_map.find(row.postcode)
        if row.zone and row.zone not in by_code:
            self.problems.add(
                row.line,
                "zone",
                row.zone,
                f"there is no zone {row.zone} of commissioner {owner.code}",
            )
        elif found is None:
            self.problems.add(
                row.line,
                "postcode",
                str(row.postcode),
                f"{row.postcode} is in no zone of commissioner {owner.code}",
            )
        elif row.zone and row.zone != found.code:
            self.problems.add(
                row.line,
                "zone",
                row.zone,
                f"{row.postcode} is in zone {found.code}, not zone {row.zone}",
            )
        return found

    def _zones_of(self, owner: Commissioner) -> tuple[ZoneMap, dict[str, Zone]]:
        if owner.code not in self.zone_maps:
            zones = self.uow.zones.list(commissioner=owner)
            self.zone_maps[owner.code] = (ZoneMap(zones), {z.code: z for z in zones})
        return self.zone_maps[owner.code]

    def _check_postcode_known(self, row: PackageRow) -> None:
        """Where the gazetteer holds a district, a postcode in it must be one it holds."""
        postcode = row.postcode
        if str(postcode) not in self.known_postcodes and postcode.district in self.districts_held:
            self.problems.add(
                row.line,
                "postcode",
                str(postcode),
                f"{postcode} is not a known postcode in {postcode.district}",
            )

    def _check_pattern_services(self, row: PackageRow) -> None:
        for line in row.pattern:
            if line.service and line.service not in self.services:
                self.problems.add(
                    row.line, "pattern", str(line), f"there is no service {line.service}"
                )

    def _check_funders(self, row: PackageRow) -> None:
        for share in row.funding:
            if share.funder != PERSONAL_CONTRIBUTION:
                self.commissioners(row.line, "funding", share.funder)

    def _person(self, row: PackageRow, owner: Commissioner) -> Person | None:
        key = (owner.code, row.person_reference)
        if key not in self.people:
            found = self.uow.people.find(owner, row.person_reference)
            self.people[key] = found or Person(
                commissioner=owner,
                reference=row.person_reference,
                postcode=str(row.postcode),
                nhs_number=row.nhs_number,
            )
        person = self.people[key]
        if person.id is not None:
            self._check_same_person(row, person)
        return person

    def _check_same_person(self, row: PackageRow, person: Person) -> None:
        recorded = {"postcode": person.postcode, "nhs_number": person.nhs_number}
        written = {"postcode": str(row.postcode), "nhs_number": row.nhs_number}
        for column, value in written.items():
            if value and value != recorded[column]:
                self.problems.add(
                    row.line,
                    column,
                    value,
                    f"person {person.reference} is recorded with {column}"
                    f" {recorded[column] or 'none'}",
                )
