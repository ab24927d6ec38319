"""Importing files: every bad row reported with its line, and nothing written unless all pass."""

from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.errors import RowProblem
from caremarket.domain.market import CommissionerKind, ServiceKind
from caremarket.domain.packages import FundingShare
from caremarket.services.imports import (
    import_commissioners,
    import_lots,
    import_memberships,
    import_packages,
    import_postcodes,
    import_providers,
    import_rates,
    import_services,
    import_vehicles,
    import_zones,
)
from tests.builders import (
    A_MOMENT,
    AN_ADMIN,
    HEREFORDSHIRE_RULES,
    a_commissioner,
    a_service,
    a_zone,
)
from tests.import_files import EXAMPLES, csv_file, lines_and_columns, rejected

PACKAGE_HEADER = (
    "reference,person_reference,nhs_number,postcode,commissioner,zone,service,pattern,"
    "weekly_hours,start_on,end_on,status,provider,funding"
)


def test_the_example_packages_import_with_zones_pathways_and_one_record_per_person(
    herefordshire: SqlUnitOfWork,
) -> None:
    result = import_packages(
        herefordshire, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "packages.csv"
    )

    assert result.added == ("PKG-1001", "PKG-1002", "PKG-1003", "PKG-1004")
    assert result.people_added == 3
    assert str(result) == "Imported 4 care packages for 3 new people."
    with herefordshire as uow:
        first, second = uow.packages.get("PKG-1001"), uow.packages.get("PKG-1002")
        assert first.zone.code == "A" and second.zone.code == "B"
        assert first.pathway == "O"
        assert first.person.nhs_number == "9434765919"
        assert second.funding == (
            FundingShare("HFD", Decimal(80)),
            FundingShare("PERSON", Decimal(20)),
        )
        assert len(uow.people.list()) == 3
        assert (first.lot.code, second.lot.code) == ("O-A", "O-B")
        assert uow.packages.get("PKG-1004").pathway == "D"
        assert uow.packages.get("PKG-1003").person is first.person


def test_a_packages_file_with_bad_rows_writes_nothing_and_lists_every_bad_row(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        PACKAGE_HEADER,
        "PKG-1,P-1,,HR6 8BY,HFD,,PC,4x30 daily,14,2017-07-01,,active,,",
        "PKG-2,P-2,,HR99 XYZ,HFD,,PC,4x30 daily,,2017-07-01,,active,,",
        "PKG-3,P-3,,HR6 8BY,HFD,Z,PC,4x30 daily,,2017-07-01,,active,,",
        "PKG-4,P-4,,HR6 8BY,HFD,,PC,4x30 daily,-14,2017-07-01,,active,,",
        "PKG-5,P-5,943 476 5918,HR6 8BY,HFD,,PC,4x30 daily,,2017-07-01,,active,,",
        "PKG-1,P-6,,HR6 8BY,HFD,,PC,4x30 daily,,2017-07-01,,active,,",
    )

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert lines_and_columns(error) == [
        (3, "postcode"),
        (4, "zone"),
        (5, "weekly_hours"),
        (6, "nhs_number"),
        (7, "reference"),
    ]
    assert "also on line 2" in error.problems[-1].reason
    assert "line 6, nhs_number '943 476 5918'" in str(error)
    with herefordshire as uow:
        assert uow.packages.list() == [] and uow.people.list() == []


def test_a_reference_already_recorded_is_refused(herefordshire: SqlUnitOfWork) -> None:
    import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "packages.csv")
    source = csv_file(
        PACKAGE_HEADER, "PKG-1001,P-9,,HR6 8BY,HFD,,PC,1x30 daily,,2018-01-01,,active,,"
    )

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert error.problems == (
        RowProblem(2, "reference", "PKG-1001", "care package PKG-1001 is already recorded"),
    )


def test_a_weekly_contribution_imported_is_kept_and_a_bad_one_refuses_the_file(
    herefordshire: SqlUnitOfWork,
) -> None:
    header = PACKAGE_HEADER + ",weekly_contribution"
    bad = csv_file(
        header,
        package_row(reference="PKG-7") + ",12.50",
        package_row(reference="PKG-8", person_reference="P-8") + ",12.5p",
    )

    error = rejected(lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=bad))

    assert lines_and_columns(error) == [(3, "weekly_contribution")]
    source = csv_file(
        header,
        package_row(reference="PKG-7", funding="HFD 100") + ",12.50",
        package_row(reference="PKG-8", person_reference="P-8") + ",",
    )
    import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    with herefordshire as uow:
        assert uow.packages.get("PKG-7").funding == (
            FundingShare("PERSON", Decimal(0), Decimal("12.50")),
            FundingShare("HFD", Decimal(100)),
        )
        assert uow.packages.get("PKG-8").funding == (FundingShare("HFD", Decimal(100)),)


def package_row(**cells: str) -> str:
    """A good package row of the PACKAGE_HEADER columns, with some cells changed."""
    values = {
        "reference": "PKG-9",
        "person_reference": "P-9",
        "nhs_number": "",
        "postcode": "HR6 8BY",
        "commissioner": "HFD",
        "zone": "",
        "service": "PC",
        "pattern": "4x30 daily",
        "weekly_hours": "",
        "start_on": "2017-07-01",
        "end_on": "",
        "status": "active",
        "provider": "",
        "funding": "",
    } | cells
    return ",".join(values.values())


def test_a_postcode_the_gazetteer_does_not_hold_in_a_district_it_covers_is_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(PACKAGE_HEADER, package_row(postcode="HR6 8ZZ"))

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert error.problems == (
        RowProblem(2, "postcode", "HR6 8ZZ", "HR6 8ZZ is not a known postcode in HR6"),
    )


def test_a_postcode_in_a_district_the_gazetteer_lacks_is_accepted_on_its_zone(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(PACKAGE_HEADER, package_row(postcode="HR9 5AA"))

    assert import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source).added == (
        "PKG-9",
    )


def test_a_postcode_in_no_zone_of_the_commissioner_is_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(PACKAGE_HEADER, package_row(postcode="LE1 1AA"))

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert error.problems[0].reason == "LE1 1AA is in no zone of commissioner HFD"


def test_a_zone_written_in_the_row_must_be_the_postcodes_zone(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(PACKAGE_HEADER, package_row(zone="B"))

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert error.problems[0].reason == "HR6 8BY is in zone A, not zone B"


def test_unknown_commissioner_service_provider_and_funder_are_each_reported(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        PACKAGE_HEADER,
        package_row(reference="PKG-1", commissioner="NOPE"),
        package_row(reference="PKG-2", service="XX"),
        package_row(reference="PKG-3", provider="Nobody Ltd"),
        package_row(reference="PKG-4", funding="HFD 50; ICB 50"),
        package_row(reference="PKG-5", pattern="1x600@SLEEP-IN Fri"),
    )

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert [(p.line, p.column, p.reason) for p in error.problems] == [
        (2, "commissioner", "there is no commissioner NOPE"),
        (3, "service", "there is no service XX"),
        (4, "provider", "there is no provider Nobody Ltd"),
        (5, "funding", "there is no commissioner ICB"),
        (6, "pattern", "there is no service SLEEP-IN"),
    ]


def test_a_person_recorded_with_another_postcode_is_refused(herefordshire: SqlUnitOfWork) -> None:
    import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "packages.csv")
    source = csv_file(PACKAGE_HEADER, package_row(person_reference="P-0002"))

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert error.problems[0].reason == "person P-0002 is recorded with postcode HR4 0LE"


def test_the_commissioner_column_may_be_left_out_when_the_file_is_for_one(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        "Reference, Person Reference ,postcode,service,pattern,start_on,status",
        "PKG-9,P-9,HR6 8BY,PC,4x30 daily,2017-07-01,active",
    )

    result = import_packages(
        herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source, commissioner="HFD"
    )

    assert result.added == ("PKG-9",)
    with herefordshire as uow:
        assert uow.packages.get("PKG-9").commissioner.code == "HFD"


def test_a_row_for_another_commissioner_is_refused_when_the_file_is_for_one(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(PACKAGE_HEADER, package_row(commissioner="HCCG"))

    error = rejected(
        lambda: import_packages(
            herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source, commissioner="HFD"
        )
    )

    assert error.problems[0].reason == "this file is being imported for commissioner HFD"


def test_a_file_without_required_columns_is_refused_with_one_problem(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file("reference,postcode", "PKG-9,HR6 8BY")

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert len(error.problems) == 1
    assert error.problems[0].line == 1
    assert "person_reference, commissioner, service, pattern, start_on, status" in str(error)


def test_unknown_columns_are_warned_about_not_refused(herefordshire: SqlUnitOfWork) -> None:
    source = csv_file("\ufeffcommissioner,code,name,areas,Notes", "HFD,D,Zone D,HR8,rural")

    result = import_zones(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)

    assert result.added == ("D",)
    assert result.warnings == ("column 'notes' is not one caremarket reads; it was ignored",)


def test_zones_that_overlap_in_the_file_or_with_recorded_zones_are_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        "commissioner,code,name,areas",
        "HFD,D,Zone D,HR8; HR6",
        "HFD,E,Zone E,HR8",
        "HCCG,A,CCG zone A,HR6",
    )

    error = rejected(lambda: import_zones(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert [str(p) for p in error.problems] == [
        "line 2, areas 'HR6': HR6 is already in zone A",
        "line 3, areas 'HR8': HR8 is already in zone D (line 2)",
    ]


def test_a_zone_already_recorded_or_of_an_unknown_commissioner_is_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file("commissioner,code,name,areas", "HFD,A,Zone A,HR8", "XYZ,A,Zone A,HR8")

    error = rejected(lambda: import_zones(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert [p.reason for p in error.problems] == [
        "zone A of HFD is already recorded",
        "there is no commissioner XYZ",
    ]


def test_zones_need_no_commissioner_column_where_caremarket_holds_only_one(
    uow: SqlUnitOfWork,
) -> None:
    with uow:
        uow.commissioners.add(a_commissioner())
        uow.commit()

    result = import_zones(
        uow, by=AN_ADMIN, now=A_MOMENT, source=csv_file("code,name,areas", "A,Zone A,HR6; HR5 3")
    )

    assert result.added == ("A",)
    with uow:
        assert uow.zones.list()[0].areas == ("HR6", "HR5 3")


def test_providers_with_bad_cqc_ids_or_already_recorded_are_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        "name,cqc_location_ids,cqc_rating,status",
        "New Care Ltd,1-12345,Good,active",
        "wyeside home care,1-101634899,Good,active",
        "Wye Care,1-101634823,Good,active",
    )

    error = rejected(
        lambda: import_providers(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert lines_and_columns(error) == [
        (2, "cqc_location_ids"),
        (3, "name"),
        (4, "cqc_location_ids"),
    ]
    assert error.problems[-1].reason == "CQC location 1-101634823 is Wyeside Home Care's"
    with herefordshire as uow:
        assert uow.providers.find("New Care Ltd") is None


def test_postcodes_load_from_a_gzipped_file_keeping_those_already_known(
    herefordshire: SqlUnitOfWork, tmp_path: Path
) -> None:
    path = tmp_path / "postcodes.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.write(
            "postcode,latitude,longitude,easting,northing,pqi,lad_code,ward_code\n"
            "hr6 8by,52.226308,-2.736412,349000,258000,10,E06000019,E05009468\n"
            "HR5 3DL,52.203067,-3.028509,329000,255000,10,E06000019,E05009464\n"
        )

    result = import_postcodes(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=path)

    assert result.added == ("HR5 3DL",)
    assert result.already_known == 1
    assert result.warnings == ()
    with herefordshire as uow:
        assert uow.postcodes.count() == 4


def test_the_zones_a_package_names_exist_before_it_is_imported(uow: SqlUnitOfWork) -> None:
    with uow:
        uow.zones.add(a_zone())
        uow.services.add(a_service())
        uow.commit()
    source = csv_file(PACKAGE_HEADER, package_row(zone="A"))

    assert import_packages(uow, by=AN_ADMIN, now=A_MOMENT, source=source).added == ("PKG-9",)


def test_an_empty_database_takes_every_example_file_in_the_documented_order(
    uow: SqlUnitOfWork,
) -> None:
    assert str(
        import_commissioners(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "commissioners.csv")
    ) == ("Imported 2 commissioners.")
    assert (
        str(import_services(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "services.csv"))
        == "Imported 3 service types."
    )
    import_zones(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "zones.csv")
    import_providers(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "providers.csv")
    import_postcodes(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "postcodes.csv")
    import_rates(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "rates.csv")
    import_vehicles(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "vehicles.csv")
    import_lots(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "lots.csv")
    import_memberships(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "memberships.csv")

    result = import_packages(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "packages.csv")

    assert result.added == ("PKG-1001", "PKG-1002", "PKG-1003", "PKG-1004")
    with uow:
        council = uow.commissioners.get("HFD")
        assert council.kind is CommissionerKind.COUNCIL
        assert council.pathway_rules == HEREFORDSHIRE_RULES
        assert uow.commissioners.get("HCCG").kind is CommissionerKind.ICB
        assert uow.services.get("SLEEP-IN").kind is ServiceKind.SLEEP_IN
        assert uow.packages.get("PKG-1001").pathway == "O"


def test_imported_pathway_rules_class_the_packages_imported_after_them(
    uow: SqlUnitOfWork,
) -> None:
    import_commissioners(
        uow,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file(
            "code,name,kind,pathway_rules",
            "HFD,Herefordshire,council,D if weekly hours >= 10 or service is 24-hour; else O",
        ),
    )
    import_services(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "services.csv")
    import_zones(uow, by=AN_ADMIN, now=A_MOMENT, source=EXAMPLES / "zones.csv")

    import_packages(
        uow,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file(
            PACKAGE_HEADER,
            package_row(reference="PKG-1", pattern="1x30 daily"),
            package_row(reference="PKG-2", pattern="2x45 daily"),
            package_row(reference="PKG-3", service="24H", pattern="1x1440 Mon"),
        ),
    )

    with uow:
        assert [uow.packages.get(f"PKG-{n}").pathway for n in (1, 2, 3)] == ["O", "D", "D"]


def test_commissioners_already_recorded_or_twice_in_the_file_are_refused_writing_nothing(
    uow: SqlUnitOfWork,
) -> None:
    with uow:
        uow.commissioners.add(a_commissioner())
        uow.commit()
    source = csv_file(
        "code,name,kind",
        "WOR,Worcestershire County Council,council",
        "HFD,Herefordshire Council,council",
        "HWICB,Herefordshire and Worcestershire ICB,icb",
        "WOR,Worcestershire again,council",
    )

    error = rejected(lambda: import_commissioners(uow, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert [str(p) for p in error.problems] == [
        "line 3, code 'HFD': commissioner HFD is already recorded",
        "line 5, code 'WOR': commissioner WOR is also on line 2",
    ]
    with uow:
        assert [c.code for c in uow.commissioners.list()] == ["HFD"]


def test_commissioners_with_unreadable_pathway_rules_are_refused_with_the_reason(
    uow: SqlUnitOfWork,
) -> None:
    source = csv_file("code,name,kind,pathway_rules", "HFD,Herefordshire,council,D if hours > 28")

    error = rejected(lambda: import_commissioners(uow, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert lines_and_columns(error) == [(2, "pathway_rules")]
    assert "'D if hours > 28'" in str(error)


def test_service_types_already_recorded_or_twice_in_the_file_are_refused_writing_nothing(
    uow: SqlUnitOfWork,
) -> None:
    with uow:
        uow.services.add(a_service())
        uow.commit()
    source = csv_file(
        "code,name,kind,rate",
        "24H,24-hour care,24-hour,12.80",
        "PC,Personal care,visits,15.80",
        "24H,Live-in care,24-hour,12.80",
    )

    error = rejected(lambda: import_services(uow, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert [str(p) for p in error.problems] == [
        "line 3, code 'PC': service type PC is already recorded",
        "line 4, code '24H': service type 24H is also on line 2",
    ]
    assert error.warnings == ("column 'rate' is not one caremarket reads; it was ignored",)
    with uow:
        assert [s.code for s in uow.services.list()] == ["PC"]
