"""A package's lot: it must cover the package, and hold the package's provider."""

from __future__ import annotations

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.services.imports import import_packages
from tests.builders import A_MOMENT, AN_ADMIN
from tests.import_files import csv_file, rejected

HEADER = "reference,person_reference,postcode,commissioner,service,pattern,start_on,status,"
HEADER += "provider,lot"


def test_a_package_in_a_lot_covering_it_with_its_provider_a_member_is_imported(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        HEADER,
        "PKG-1,P-1,HR6 8BY,HFD,PC,4x30 daily,2017-07-01,active,Wyeside Home Care,HTLAH/O-A",
        "PKG-2,P-2,HR4 0LE,HFD,PC,4x60 daily,2017-07-01,waiting,,HTLAH/D-N",
    )

    import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)

    with herefordshire as uow:
        assert uow.packages.get("PKG-1").lot is uow.vehicles.get("HTLAH").lot("O-A")
        assert uow.packages.get("PKG-2").lot.code == "D-N"


def test_a_lot_that_does_not_cover_the_package_or_lacks_its_provider_is_refused(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        HEADER,
        "PKG-1,P-1,HR6 8BY,HFD,PC,4x30 daily,2017-07-01,active,,HTLAH/O-B",
        "PKG-2,P-2,HR6 8BY,HFD,PC,4x60 daily,2017-07-01,active,,HTLAH/O-A",
        "PKG-3,P-3,HR4 0LE,HFD,PC,4x30 daily,2017-07-01,active,Golden Valley Carers,HTLAH/O-B",
        "PKG-4,P-4,HR4 0LE,HFD,PC,4x30 daily,2017-07-01,active,,HTLAH/O-Z",
        "PKG-5,P-5,HR4 0LE,HFD,PC,4x30 daily,2017-07-01,active,,NOPE/O-B",
        "PKG-6,P-6,HR4 0LE,HFD,PC,4x30 daily,2017-07-01,active,,O-B",
    )

    error = rejected(
        lambda: import_packages(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)
    )

    assert [str(p) for p in error.problems] == [
        "line 2, lot 'HTLAH/O-B': lot HTLAH/O-B (zones B; PC; pathway O) does not cover"
        " zone A, PC, pathway O",
        "line 3, lot 'HTLAH/O-A': lot HTLAH/O-A (zones A; PC; pathway O) does not cover"
        " zone A, PC, pathway D",
        "line 4, provider 'Golden Valley Carers': Golden Valley Carers is not in lot HTLAH/O-B",
        "line 5, lot 'HTLAH/O-Z': vehicle HTLAH has no lot O-Z",
        "line 6, lot 'NOPE': there is no vehicle NOPE",
        "line 7, lot 'O-B': 'O-B' is not a lot: write VEHICLE/LOT, e.g. HTLAH/O-A",
    ]
    with herefordshire as uow:
        assert uow.packages.list() == []
