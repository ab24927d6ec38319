"""Admitting providers to lots from checked membership rows, by the lot's own rules."""

from __future__ import annotations

from caremarket.domain.errors import InvalidLot, InvalidMembership
from caremarket.domain.market import Lot, Membership, Vehicle
from caremarket.imports.memberships import MembershipRow
from caremarket.imports.problems import Problems
from caremarket.services.lookups import Lookup
from caremarket.services.ports import UnitOfWork


def admit_members(
    uow: UnitOfWork, rows: list[MembershipRow], problems: Problems
) -> list[tuple[Vehicle, Lot, Membership]]:
    """Admit each row's provider to its lot, in the file's order (a subcontractor after its
    lead); a row the lot refuses (Lot.admit) is a problem. The lots keep the memberships, so
    they are written with the unit of work's commit, and dropped unless it commits."""
    vehicle = Lookup(uow.vehicles.find, "vehicle", problems)
    provider = Lookup(uow.providers.find, "provider", problems)
    admitted = []
    for row in rows:
        before = len(problems)
        found = vehicle(row.line, "vehicle", row.vehicle)
        lot = _lot(found, row, problems) if found else None
        member = provider(row.line, "provider", row.provider)
        lead = provider(row.line, "lead", row.lead) if row.lead else None
        if found is None or lot is None or member is None or len(problems) > before:
            continue
        try:
            membership = lot.admit(member, row.tier, lead=lead, joined_on=row.joined_on)
        except InvalidMembership as refused:
            problems.add(row.line, "provider", row.provider, str(refused))
            continue
        admitted.append((found, lot, membership))
    return admitted


def _lot(vehicle: Vehicle, row: MembershipRow, problems: Problems) -> Lot | None:
    try:
        return vehicle.lot(row.lot)
    except InvalidLot as missing:
        problems.add(row.line, "lot", row.lot, str(missing))
        return None
