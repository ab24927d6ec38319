"""A zone design applied: which wards and postcode sectors each zone holds, from a date.

A design whose day is still to come is kept and waits: the zones change on that day (the
server's daily job, or ``caremarket zones apply-due``), not when it is applied.

Zones cover postcode districts and sectors (``Zone.areas``); a design is drawn on wards. When a
design is applied, each postcode sector goes to the zone holding most of its postcodes (by
their wards), and a package moves to the zone its person's postcode now falls in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from caremarket.domain.errors import DomainError
from caremarket.domain.market import Commissioner


class InvalidDesign(DomainError):
    """A design that cannot be applied (a ward in two zones, a zone with no sector...)."""


@dataclass(eq=False)
class ZoneDesign:
    commissioner: Commissioner
    name: str
    area: str  # the demo area whose wards it is drawn on
    method: str  # "HiGHS", "k-means", ...
    wards: dict[str, tuple[str, ...]]  # zone code -> ward codes
    sectors: dict[str, tuple[str, ...]]  # zone code -> postcode sectors
    effective_from: date
    applied_at: datetime
    applied_by: str
    redrawn_at: datetime | None = None  # when the zones took it; None while it waits
    id: int | None = None

    @property
    def scheduled(self) -> bool:
        """Applied with a day still to come: the zones are as they were until that day."""
        return self.redrawn_at is None

    def due_on(self, day: date) -> bool:
        return self.scheduled and self.effective_from <= day


def sectors_of(
    wards: Mapping[str, Iterable[str]], postcodes: Iterable[tuple[str, str]]
) -> dict[str, tuple[str, ...]]:
    """Each zone's postcode sectors: a sector goes to the zone holding most of its postcodes.

    ``postcodes`` are (sector, ward code) pairs, one for each postcode; ties go to the zone
    first in code order. A sector none of whose postcodes are in a zone's ward is left out.
    """
    zone_of: dict[str, str] = {}
    for zone, held in wards.items():
        for ward in held:
            if ward in zone_of:
                raise InvalidDesign(f"ward {ward} is in zone {zone_of[ward]} and zone {zone}")
            zone_of[ward] = zone
    counts: dict[str, Counter[str]] = {}
    for sector, ward in postcodes:
        if ward in zone_of:
            counts.setdefault(sector, Counter())[zone_of[ward]] += 1
    sectors: dict[str, list[str]] = {zone: [] for zone in sorted(wards)}
    for sector in sorted(counts):
        best = max(sorted(counts[sector]), key=lambda z: counts[sector][z])
        sectors[best].append(sector)
    empty = [zone for zone, held in sectors.items() if not held]
    if empty:
        raise InvalidDesign(f"zone {', '.join(empty)} would cover no postcode sector")
    return {zone: tuple(held) for zone, held in sectors.items()}
