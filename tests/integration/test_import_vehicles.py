"""Importing procurement vehicles, their lots and the providers' places in them."""

from __future__ import annotations

from datetime import date

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.market import Tier, VehicleKind
from caremarket.services.imports import (
    import_lots,
    import_memberships,
    import_vehicles,
    import_zones,
)
from tests.builders import A_MOMENT, AN_ADMIN
from tests.import_files import csv_file, lines_and_columns, rejected

VEHICLES = "code,name,kind,commissioners,starts_on"
LOTS = "vehicle,code,name,zones,services,pathway,min_providers,max_providers"
MEMBERS = "vehicle,lot,provider,tier,lead,joined_on"


def test_the_example_vehicle_has_its_lots_and_members(herefordshire: SqlUnitOfWork) -> None:
    with herefordshire as uow:
        vehicle = uow.vehicles.get("HTLAH")
        assert vehicle.kind is VehicleKind.FRAMEWORK
        assert [c.code for c in vehicle.commissioners] == ["HFD", "HCCG"]
        assert vehicle.starts_on == date(2017, 7, 1)
        assert [lot.code for lot in vehicle.lots] == ["O-A", "O-B", "O-C", "D-N", "D-S"]
        north = vehicle.lot("D-N")
        assert [z.code for z in north.zones] == ["A", "B"] and north.services == []
        assert [s.code for s in vehicle.lot("O-A").services] == ["PC"]
        lead, subcontractor = north.members
        assert (lead.provider.name, lead.tier) == ("Marches Community Care", Tier.LEAD)
        assert subcontractor.tier is Tier.SUBCONTRACTOR
        assert subcontractor.lead is lead.provider


def test_vehicles_already_recorded_or_of_unknown_commissioners_are_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(VEHICLES, "HTLAH,Again,framework,HFD,", "CHC,CHC list,dps,HCCG; WOR,")

    error = rejected(
        lambda: import_vehicles(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert [str(p) for p in error.problems] == [
        "line 2, code 'HTLAH': vehicle HTLAH is already recorded",
        "line 3, commissioners 'WOR': there is no commissioner WOR",
    ]


def test_lots_must_be_new_on_a_recorded_vehicle_in_its_commissioners_zones_and_pathways(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        LOTS,
        "HTLAH,O-A,Zone A again,A,,O,1,3",
        "NOPE,X,Unknown vehicle,A,,,1,",
        "HTLAH,O-Z,Zone Z,A; Z,,O,1,",
        "HTLAH,O-E,Zone E,A,EOL,O,1,",
        "HTLAH,R-A,Reablement A,A,,R,1,",
        "HTLAH,ALL,Whole county,A; B; C,,,1,",
    )

    error = rejected(lambda: import_lots(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert [str(p) for p in error.problems] == [
        "line 2, code 'O-A': lot HTLAH/O-A is already recorded",
        "line 3, vehicle 'NOPE': there is no vehicle NOPE",
        "line 4, zones 'Z': there is no zone Z of vehicle HTLAH's commissioners",
        "line 5, services 'EOL': there is no service EOL",
        "line 6, pathway 'R': the commissioners of HTLAH class no package into pathway R"
        " (theirs: D, O)",
    ]
    with herefordshire as uow:
        assert len(uow.vehicles.get("HTLAH").lots) == 5


def test_a_zone_code_two_of_the_vehicles_commissioners_use_is_ambiguous(
    herefordshire: SqlUnitOfWork,
) -> None:
    import_zones(
        herefordshire,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file("commissioner,code,name,areas", "HCCG,A,ICB A,HR6"),
    )

    error = rejected(
        lambda: import_lots(
            herefordshire,
            by=AN_ADMIN,
            now=A_MOMENT,
            source=csv_file(LOTS, "HTLAH,X-A,Zone A,A,,,1,"),
        )
    )

    assert [str(p) for p in error.problems] == [
        "line 2, zones 'A': zone A is a zone of both HFD and HCCG"
    ]


def test_members_are_admitted_by_the_lots_rules_and_each_refusal_reported(
    herefordshire: SqlUnitOfWork,
) -> None:
    import_lots(
        herefordshire,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file(LOTS, "HTLAH,SOLO,Single provider,C,,,1,1"),
    )
    source = csv_file(
        MEMBERS,
        "HTLAH,SOLO,Wyeside Home Care,lead,,2018-01-01",
        "HTLAH,SOLO,Golden Valley Carers,subcontractor,Wyeside Home Care,",
        "HTLAH,SOLO,Marches Community Care,approved,,",
        "HTLAH,SOLO,Golden Valley Carers,subcontractor,Wyeside Home Care,",
        "HTLAH,O-A,Marches Community Care,subcontractor,,",
        "HTLAH,O-A,Marches Community Care,approved,Wyeside Home Care,",
        "HTLAH,O-Z,Marches Community Care,approved,,",
        "HTLAH,O-A,Nobody Ltd,approved,Somebody Ltd,",
    )

    error = rejected(
        lambda: import_memberships(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert [str(p) for p in error.problems] == [
        "line 4, provider 'Marches Community Care': lot SOLO already has its maximum of 1"
        " providers",
        "line 5, provider 'Golden Valley Carers': Golden Valley Carers is already in lot SOLO",
        "line 6, provider 'Marches Community Care': a subcontractor in lot O-A must name a lead"
        " or single provider already in the lot",
        "line 7, provider 'Marches Community Care': only a subcontractor names a lead provider",
        "line 8, lot 'O-Z': vehicle HTLAH has no lot O-Z",
        "line 9, provider 'Nobody Ltd': there is no provider Nobody Ltd",
        "line 9, lead 'Somebody Ltd': there is no provider Somebody Ltd",
    ]
    with herefordshire as uow:
        assert uow.vehicles.get("HTLAH").lot("SOLO").members == []


def test_a_good_members_file_admits_each_provider(herefordshire: SqlUnitOfWork) -> None:
    import_lots(
        herefordshire,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file(LOTS, "HTLAH,SOLO,Single provider,C,,,1,1"),
    )
    rows = (
        MEMBERS,
        "HTLAH,SOLO,Wyeside Home Care,lead,,2018-01-01",
        "HTLAH,SOLO,Golden Valley Carers,subcontractor,Wyeside Home Care,",
    )

    result = import_memberships(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=csv_file(*rows))

    assert result.added == ("HTLAH/SOLO Wyeside Home Care", "HTLAH/SOLO Golden Valley Carers")
    with herefordshire as uow:
        lead, subcontractor = uow.vehicles.get("HTLAH").lot("SOLO").members
        assert lead.joined_on == date(2018, 1, 1)
        assert subcontractor.lead is lead.provider
    assert lines_and_columns(
        rejected(
            lambda: import_memberships(
                herefordshire, by=AN_ADMIN, now=A_MOMENT, source=csv_file(*rows)
            )
        )
    ) == [
        (2, "provider"),
        (3, "provider"),
    ]
