"""Re-pointing a lot: the zones it covers, changed by a commissioner. After a zone redesign
(applying one lists the lots to decide: docs/zones.md) or when a lot is re-let for other areas,
the packages of a zone are offered in the lots that cover it from then on; offers already made
and packages already awarded are not touched. Audited, with the zones before and after.

A zone is named by its code, or, where two of the vehicle's commissioners have a zone of the
same code (a regional vehicle), by the commissioner's code and its own: `WIR:W1`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.errors import InvalidLot
from caremarket.domain.market import Lot, Vehicle, Zone
from caremarket.imports.lots import lot_reference
from caremarket.services.ports import UnitOfWork

QUALIFIER = ":"


@dataclass(frozen=True)
class ZoneChoice:
    key: str  # how the zone is named: its code, or "COMMISSIONER:CODE" where codes clash
    label: str
    chosen: bool  # the lot covers it now


@dataclass(frozen=True)
class LotZones:
    vehicle: str  # the vehicle's code
    vehicle_name: str
    lot: str  # the lot's code
    lot_name: str
    choices: tuple[ZoneChoice, ...]  # every zone of the vehicle's commissioners

    @property
    def chosen(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.choices if c.chosen)


def lot_zones(uow: UnitOfWork, vehicle: str, lot: str) -> LotZones:
    """The lot with every zone it could cover, those it covers chosen."""
    with uow:
        found = uow.vehicles.get(vehicle)
        return _lot_zones(found, found.lot(lot), _zones(uow, found))


def set_lot_zones(
    uow: UnitOfWork,
    vehicle: str,
    lot: str,
    zones: Sequence[str],
    *,
    by: Actor,
    now: datetime,
) -> LotZones:
    """Make the lot cover the zones named (at least one, each a zone of one of the vehicle's
    commissioners); InvalidLot saying which are not."""
    with uow:
        found = uow.vehicles.get(vehicle)
        chosen_lot = found.lot(lot)
        known = _zones(uow, found)
        wanted = list(dict.fromkeys(z.strip() for z in zones if z.strip()))
        unknown = [z for z in wanted if z not in known]
        if unknown:
            raise InvalidLot(
                f"{' and '.join(unknown)}: not a zone of vehicle {found.code}'s commissioners"
                f" ({_listed(known)})"
            )
        if not wanted:
            raise InvalidLot(f"lot {lot_reference(found.code, lot)} must cover at least one zone")
        before = _keys(chosen_lot.zones, known)
        chosen_lot.zones = [known[z] for z in wanted]
        after = _keys(chosen_lot.zones, known)
        uow.audit.record(
            entry(
                by,
                now,
                "lot zones changed",
                ("lot", lot_reference(found.code, chosen_lot.code)),
                {"zones": [", ".join(before), ", ".join(after)]},
            )
        )
        uow.commit()
        return _lot_zones(found, chosen_lot, known)


def _zones(uow: UnitOfWork, vehicle: Vehicle) -> dict[str, Zone]:
    """The zones of the vehicle's commissioners by the name a user gives them: the code, unless
    two commissioners share it; and always `COMMISSIONER:CODE`."""
    zones = [z for c in vehicle.commissioners for z in uow.zones.list(commissioner=c)]
    codes = Counter(z.code for z in zones)
    named: dict[str, Zone] = {}
    for zone in sorted(zones, key=lambda z: (z.commissioner.code, z.code)):
        if codes[zone.code] == 1:
            named[zone.code] = zone
        named[f"{zone.commissioner.code}{QUALIFIER}{zone.code}"] = zone
    return named


def _keys(zones: Sequence[Zone], known: dict[str, Zone]) -> list[str]:
    """Each zone's shortest name: its code where that names it alone."""
    names = {}
    for key, zone in known.items():
        names.setdefault(id(zone), key)
    return [names.get(id(z), f"{z.commissioner.code}{QUALIFIER}{z.code}") for z in zones]


def _lot_zones(vehicle: Vehicle, lot: Lot, known: dict[str, Zone]) -> LotZones:
    covered = {id(z) for z in lot.zones}
    shown = {}
    for key, zone in known.items():
        if id(zone) not in shown:  # the shortest name: the code where it names the zone alone
            shown[id(zone)] = ZoneChoice(
                key, f"{zone.name} ({key}), {zone.commissioner.name}", id(zone) in covered
            )
    return LotZones(vehicle.code, vehicle.name, lot.code, lot.name, tuple(shown.values()))


def _listed(known: dict[str, Zone]) -> str:
    return ", ".join(dict.fromkeys(_keys(list(known.values()), known)))
