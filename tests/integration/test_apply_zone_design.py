"""Applying a zone design: zones redrawn over postcode sectors, packages re-zoned, audited."""

from __future__ import annotations

from datetime import date

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.demo.places import read_postcodes
from caremarket.domain.market import Zone
from caremarket.domain.packages import Person
from caremarket.domain.postcodes import parse_postcode
from caremarket.services.ports import AuditFilter
from caremarket.services.zone_design import apply_design
from caremarket.wards import read_wards
from tests.builders import A_MOMENT, AN_ADMIN, a_care_package, a_commissioner, a_service

ROWS = read_postcodes("postcodes_herefordshire.csv.gz")
WARDS = read_wards("wards_2025_herefordshire.geojson").wards
MIDDLE = sorted(w.point.latitude for w in WARDS.values())[len(WARDS) // 2]
NORTH_AND_SOUTH = {
    "N": sorted(c for c, w in WARDS.items() if w.point.latitude >= MIDDLE),
    "S": sorted(c for c, w in WARDS.items() if w.point.latitude < MIDDLE),
}
NORTHMOST = max(ROWS, key=lambda r: r["latitude"])["postcode"]
SOUTHMOST = min(ROWS, key=lambda r: r["latitude"])["postcode"]


def test_applying_a_design_redraws_the_zones_and_moves_packages(uow: SqlUnitOfWork) -> None:
    with uow:
        council = a_commissioner()
        service = a_service()
        districts = sorted({parse_postcode(r["postcode"]).district for r in ROWS})
        old = Zone(council, "A", "Zone A", tuple(districts))
        for n, postcode in enumerate((NORTHMOST, SOUTHMOST), start=1):
            person = Person(commissioner=council, reference=f"P-{n}", postcode=postcode)
            uow.packages.add(
                a_care_package(
                    commissioner=council,
                    zone=old,
                    service=service,
                    person=person,
                    reference=f"PKG-{n}",
                )
            )
        uow.commit()

    applied = apply_design(
        uow,
        commissioner=council.code,
        name="North and south",
        area="herefordshire",
        method="HiGHS",
        wards=NORTH_AND_SOUTH,
        effective_from=date(2027, 4, 1),
        by=AN_ADMIN,
        now=A_MOMENT,
    )

    assert applied.packages_moved == 2 and applied.zones_changed == ["A", "N", "S"]
    with uow:
        zones = {z.code: z for z in uow.zones.list(commissioner=uow.commissioners.get("HFD"))}
        assert zones["A"].areas == ()
        sectors = set(zones["N"].areas) | set(zones["S"].areas)
        assert sectors == {parse_postcode(r["postcode"]).sector for r in ROWS}
        assert not set(zones["N"].areas) & set(zones["S"].areas)
        assert uow.packages.get("PKG-1").zone.code == "N"
        assert uow.packages.get("PKG-2").zone.code == "S"
        (kept,) = uow.zone_designs.list(uow.commissioners.get("HFD"))
        assert kept.effective_from == date(2027, 4, 1) and kept.wards == {
            z: tuple(w) for z, w in NORTH_AND_SOUTH.items()
        }
        trail, _ = uow.audit.search(AuditFilter(object_type="package"), limit=10, offset=0)
        assert {e.action for e in trail} == {"package re-zoned"}
        designs, _ = uow.audit.search(AuditFilter(object_type="zone design"), limit=10, offset=0)
        assert designs[0].changes["packages_moved"] == 2
