"""Applying a zone design: zones redrawn over postcode sectors, packages re-zoned, audited."""

from __future__ import annotations

from datetime import date, timedelta

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.demo.places import read_postcodes
from caremarket.domain.market import Vehicle, VehicleKind, Zone
from caremarket.domain.packages import Person
from caremarket.domain.postcodes import parse_postcode
from caremarket.services.ports import AuditFilter
from caremarket.services.zone_design import (
    apply_design,
    apply_due_designs,
    decisions_before_applying,
)
from caremarket.wards import read_wards
from caremarket.web.ticker import zone_changes
from tests.builders import (
    A_MOMENT,
    AN_ADMIN,
    a_care_package,
    a_commissioner,
    a_lot,
    a_service,
)

ROWS = read_postcodes("postcodes_herefordshire.csv.gz")
WARDS = read_wards("wards_2025_herefordshire.geojson").wards
MIDDLE = sorted(w.point.latitude for w in WARDS.values())[len(WARDS) // 2]
NORTH_AND_SOUTH = {
    "N": sorted(c for c, w in WARDS.items() if w.point.latitude >= MIDDLE),
    "S": sorted(c for c, w in WARDS.items() if w.point.latitude < MIDDLE),
}
NORTHMOST = max(ROWS, key=lambda r: r["latitude"])["postcode"]
SOUTHMOST = min(ROWS, key=lambda r: r["latitude"])["postcode"]


def _one_zone_and_two_packages(uow: SqlUnitOfWork) -> None:
    """Council HFD with one zone A over all Herefordshire, a lot on it, and a package at the
    county's north and south ends."""
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
        uow.vehicles.add(
            Vehicle("HC", "Home care", VehicleKind.DPS, [council], lots=[a_lot(zones=[old])])
        )
        uow.commit()


def _apply(uow: SqlUnitOfWork, effective_from: date):  # noqa: ANN202
    return apply_design(
        uow,
        commissioner="HFD",
        name="North and south",
        area="herefordshire",
        method="HiGHS",
        wards=NORTH_AND_SOUTH,
        effective_from=effective_from,
        by=AN_ADMIN,
        now=A_MOMENT,
    )


def _redrawn(uow: SqlUnitOfWork) -> None:
    with uow:
        zones = {z.code: z for z in uow.zones.list(commissioner=uow.commissioners.get("HFD"))}
        assert zones["A"].areas == ()
        sectors = set(zones["N"].areas) | set(zones["S"].areas)
        assert sectors == {parse_postcode(r["postcode"]).sector for r in ROWS}
        assert not set(zones["N"].areas) & set(zones["S"].areas)
        assert uow.packages.get("PKG-1").zone.code == "N"
        assert uow.packages.get("PKG-2").zone.code == "S"


def test_applying_a_design_from_today_redraws_the_zones_and_moves_packages(
    uow: SqlUnitOfWork,
) -> None:
    _one_zone_and_two_packages(uow)

    applied = _apply(uow, A_MOMENT.date())

    assert not applied.scheduled
    assert applied.packages_moved == 2 and applied.zones_changed == ["A", "N", "S"]
    _redrawn(uow)
    with uow:
        (kept,) = uow.zone_designs.list(uow.commissioners.get("HFD"))
        assert kept.effective_from == A_MOMENT.date() and kept.redrawn_at == A_MOMENT
        assert kept.wards == {z: tuple(w) for z, w in NORTH_AND_SOUTH.items()}
        trail, _ = uow.audit.search(AuditFilter(object_type="package"), limit=10, offset=0)
        assert {e.action for e in trail} == {"package re-zoned"}
        designs, _ = uow.audit.search(AuditFilter(object_type="zone design"), limit=10, offset=0)
        assert designs[0].action == "zone design applied"
        assert designs[0].changes["packages_moved"] == 2
    assert nothing_due(uow, A_MOMENT.date() + timedelta(days=400))


def test_a_design_from_a_day_to_come_changes_nothing_until_that_day(uow: SqlUnitOfWork) -> None:
    _one_zone_and_two_packages(uow)
    day = date(2027, 4, 1)

    applied = _apply(uow, day)

    assert applied.scheduled and applied.zones_changed == [] and applied.packages_moved == 0
    with uow:
        owner = uow.commissioners.get("HFD")
        (zone,) = uow.zones.list(commissioner=owner)
        assert zone.code == "A" and zone.areas
        assert {uow.packages.get(r).zone.code for r in ("PKG-1", "PKG-2")} == {"A"}
        (kept,) = uow.zone_designs.list(owner)
        assert kept.scheduled and kept.effective_from == day
        designs, _ = uow.audit.search(AuditFilter(object_type="zone design"), limit=10, offset=0)
        assert [d.action for d in designs] == ["zone design scheduled"]
    # the day before: still nothing
    assert nothing_due(uow, day - timedelta(days=1))

    on_the_day = A_MOMENT.replace(year=2027, month=4, day=1)
    (done,) = apply_due_designs(uow, today=day, now=on_the_day, by=AN_ADMIN)

    assert done.packages_moved == 2 and done.zones_changed == ["A", "N", "S"]
    _redrawn(uow)
    with uow:
        (kept,) = uow.zone_designs.list(uow.commissioners.get("HFD"))
        assert not kept.scheduled and kept.redrawn_at == on_the_day
        designs, _ = uow.audit.search(AuditFilter(object_type="zone design"), limit=10, offset=0)
        assert {d.action for d in designs} == {"zone design scheduled", "zone design applied"}
        moves, _ = uow.audit.search(AuditFilter(object_type="package"), limit=10, offset=0)
        assert len(moves) == 2 and {m.at for m in moves} == {on_the_day}
    # done once: the next day has nothing to do
    assert nothing_due(uow, day + timedelta(days=1))


def test_the_lots_on_the_old_zones_are_shown_for_a_decision(uow: SqlUnitOfWork) -> None:
    _one_zone_and_two_packages(uow)

    before = decisions_before_applying(
        uow, commissioner="HFD", area="herefordshire", wards=NORTH_AND_SOUTH
    )
    with uow:
        assert uow.zone_designs.list(uow.commissioners.get("HFD")) == []  # nothing written
    applied = _apply(uow, date(2027, 4, 1))

    assert before == applied.lots_to_decide
    decisions = [(d.lot, d.zones, d.why) for d in applied.lots_to_decide]
    assert decisions == [
        ("O-A O pathway zone A", ("A",), "zone A will cover nothing"),
        ("", ("N",), "zone N is in no lot"),
        ("", ("S",), "zone S is in no lot"),
    ]
    with uow:
        designs, _ = uow.audit.search(AuditFilter(object_type="zone design"), limit=10, offset=0)
        assert designs[0].changes["lots_to_decide"] == [
            "O-A O pathway zone A: zone A will cover nothing",
            "zone N is in no lot",
            "zone S is in no lot",
        ]


def test_the_servers_daily_job_redraws_the_zones_on_the_day(uow: SqlUnitOfWork) -> None:
    _one_zone_and_two_packages(uow)
    _apply(uow, date.today())  # applied yesterday (A_MOMENT) for today
    redraw = zone_changes(lambda: uow)

    assert redraw() == []  # the first look is one interval after the server starts
    (done,) = redraw()
    assert done.packages_moved == 2
    _redrawn(uow)
    with uow:
        designs, _ = uow.audit.search(AuditFilter(object_type="zone design"), limit=10, offset=0)
        assert designs[0].actor == "caremarket (daily zone changes)"
    assert redraw() == []  # once a day


def test_a_design_is_taken_once_when_two_processes_find_it_due(uow: SqlUnitOfWork) -> None:
    _one_zone_and_two_packages(uow)
    _apply(uow, date(2027, 4, 1))
    with uow:  # another server process takes it first
        (design,) = uow.zone_designs.list(uow.commissioners.get("HFD"))
        assert uow.zone_designs.redrawn(design, A_MOMENT)
        uow.commit()
    with uow:  # a late look finds it taken
        (late,) = uow.zone_designs.list(uow.commissioners.get("HFD"))
        assert not uow.zone_designs.redrawn(late, A_MOMENT)
    assert nothing_due(uow, date(2027, 4, 1))


def nothing_due(uow: SqlUnitOfWork, day: date) -> bool:
    return apply_due_designs(uow, today=day, now=A_MOMENT, by=AN_ADMIN) == []
