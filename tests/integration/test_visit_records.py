"""Keeping visit records: versions, the current one, reading by period, and queries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.ecm import Verification, VisitRecord, VisitStatus
from caremarket.domain.errors import NotFound
from caremarket.domain.schedules import DateRange
from caremarket.domain.visit_queries import QueryAlreadyResolved, Resolution, VisitQuery, resolve
from caremarket.services.ports import EcmFileEntry, KeptVisit
from tests.builders import A_MOMENT, a_care_package, a_provider

START = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)


def a_record(visit_id: str = "V-1", **overrides: object) -> VisitRecord:
    values: dict[str, object] = {
        "visit_id": visit_id,
        "planned_start_at": START,
        "planned_minutes": 30,
        "status": VisitStatus.COMPLETED,
        "package_reference": "PKG-0001",
        "actual_start_at": START,
        "actual_end_at": START + timedelta(minutes=31),
        "carer_ids": ("C1",),
    }
    return VisitRecord(**(values | overrides))  # type: ignore[arg-type]


@pytest.fixture
def provider_with_package(uow: SqlUnitOfWork) -> tuple[int, int]:
    package = a_care_package()
    with uow:
        uow.providers.add(provider := a_provider())
        uow.packages.add(package)
        uow.flush()
        ids = (provider.id, package.id)
        uow.commit()
    return ids  # type: ignore[return-value]


def test_a_new_version_supersedes_the_current_one(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    provider_id, package_id = provider_with_package
    first = a_record()
    second = replace(first, actual_end_at=START + timedelta(minutes=25))
    with uow:
        uow.visits.add([KeptVisit(provider_id, first, 1, A_MOMENT, package_id)])
        uow.visits.add([KeptVisit(provider_id, second, 2, A_MOMENT, package_id)])
        uow.commit()
    with uow:
        held = uow.visits.held(provider_id, ["V-1", "V-2"])
        assert list(held) == ["V-1"]
        assert held["V-1"].version == 2 and held["V-1"].record == second
        assert [v.current for v in uow.visits.versions(provider_id, "V-1")] == [False, True]
        assert uow.visits.get(provider_id, "V-1").record.carer_ids == ("C1",)
        with pytest.raises(NotFound):
            uow.visits.get(provider_id, "V-2")


def test_the_last_of_one_visit_in_a_batch_is_current(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    provider_id, package_id = provider_with_package
    first = a_record()
    second = replace(first, notes="late: traffic")
    with uow:
        uow.visits.add(
            [
                KeptVisit(provider_id, first, 1, A_MOMENT, package_id),
                KeptVisit(provider_id, second, 2, A_MOMENT, package_id),
            ]
        )
        uow.commit()
    with uow:
        assert [v.current for v in uow.visits.versions(provider_id, "V-1")] == [False, True]


def test_current_visits_are_read_by_london_days_of_a_period(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    provider_id, package_id = provider_with_package
    in_period = a_record("V-1")
    # 23:30 UTC on 8 November is still 8 November in London (GMT)
    late = a_record("V-2", planned_start_at=datetime(2026, 11, 8, 23, 30, tzinfo=UTC))
    after = a_record("V-3", planned_start_at=datetime(2026, 11, 9, 0, 0, tzinfo=UTC))
    with uow:
        uow.visits.add(
            [KeptVisit(provider_id, r, 1, A_MOMENT, package_id) for r in (in_period, late, after)]
        )
        commissioner_id = uow.commissioners.get("HFD").id
        uow.commit()
    week = DateRange(date(2026, 11, 2), date(2026, 11, 8))
    with uow:
        ids = [v.record.visit_id for v in uow.visits.current(week, provider_id=provider_id)]
        assert ids == ["V-1", "V-2"]
        by_commissioner = uow.visits.current(week, commissioner_id=commissioner_id)
        assert [v.record.visit_id for v in by_commissioner] == ["V-1", "V-2"]
        assert uow.visits.current(week, commissioner_id=commissioner_id + 1) == []


def test_queries_are_raised_listed_and_resolved_once(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    provider_id, package_id = provider_with_package
    with uow:
        [record_id] = uow.visits.add([KeptVisit(provider_id, a_record(), 1, A_MOMENT, package_id)])
        uow.visits.add_queries(
            [
                VisitQuery(record_id, "not planned", "no visit planned", True, A_MOMENT),
                VisitQuery(record_id, "manual", "confirmed by hand", False, A_MOMENT),
            ]
        )
        uow.commit()
    with uow:
        listed = uow.visits.open_queries(provider_id=provider_id)
        assert [q.query.code for q in listed] == ["not planned", "manual"]
        assert listed[0].provider == "Wyeside Home Care"
        assert listed[0].package_reference == "PKG-0001"
        assert [q.query.code for q in uow.visits.open_queries(held_only=True)] == ["not planned"]
        query = uow.visits.get_query(listed[0].query.id)  # type: ignore[arg-type]
        resolved = resolve(query, Resolution.PAY, by="finance@example.org", at=A_MOMENT)
        uow.visits.save_resolution(resolved)
        uow.commit()
    with uow:
        assert [q.query.code for q in uow.visits.open_queries()] == ["manual"]
        [kept, _] = uow.visits.queries_of([record_id])[record_id]
        assert kept.resolution is Resolution.PAY and not kept.blocks_payment
        with pytest.raises(QueryAlreadyResolved):
            resolve(kept, Resolution.DO_NOT_PAY, by="x", at=A_MOMENT)


def test_a_periods_current_visits_are_read_back_as_kept_field_for_field(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    # every field, set and unset (on PostgreSQL the period is read through the driver)
    provider_id, package_id = provider_with_package
    full = a_record(
        "V-1",
        person_reference="P-1",
        carers_planned=2,
        carers_present=2,
        verification=Verification.MANUAL,
        notes="a note",
        carer_ids=("C1", "C2"),
        service="PC",
        contract="C-1",
        claimed=Decimal("12.34"),
    )
    cancelled = a_record(
        "V-2",
        status=VisitStatus.CANCELLED,
        actual_start_at=None,
        actual_end_at=None,
        cancelled_at=START - timedelta(hours=30),
        carer_ids=(),
    )
    kept = [
        KeptVisit(provider_id, full, 1, A_MOMENT, package_id),
        KeptVisit(provider_id, cancelled, 1, A_MOMENT, package_id),
    ]
    with uow:
        ids = uow.visits.add(kept)
        commissioner_id = uow.commissioners.get("HFD").id
        uow.commit()
    week = DateRange(date(2026, 11, 2), date(2026, 11, 8))
    with uow:
        read = uow.visits.current(week, commissioner_id=commissioner_id)
    assert read == [replace(k, id=i) for k, i in zip(kept, ids, strict=True)]
    assert [r.record.day for r in read] == [date(2026, 11, 2)] * 2


def test_the_queries_of_a_periods_current_visits_are_those_of_their_versions(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    provider_id, package_id = provider_with_package
    after = datetime(2026, 11, 9, 7, 30, tzinfo=UTC)
    with uow:
        old, current, later = uow.visits.add(
            [
                KeptVisit(provider_id, a_record("V-1"), 1, A_MOMENT, package_id),
                KeptVisit(provider_id, a_record("V-1", notes="again"), 2, A_MOMENT, package_id),
                KeptVisit(provider_id, a_record("V-2", planned_start_at=after), 1, A_MOMENT),
            ]
        )
        uow.visits.add_queries(
            [
                VisitQuery(r, code, code, True, A_MOMENT)
                for r, code in ((old, "old"), (current, "first"), (current, "second"), (later, "x"))
            ]
        )
        commissioner_id = uow.commissioners.get("HFD").id
        uow.commit()
    week = DateRange(date(2026, 11, 2), date(2026, 11, 8))
    with uow:
        found = uow.visits.queries_in(week, commissioner_id=commissioner_id)
        assert {k: [q.code for q in v] for k, v in found.items()} == {current: ["first", "second"]}
        kept = uow.visits.current(week, commissioner_id=commissioner_id)
        assert found == uow.visits.queries_of(k.id for k in kept if k.id is not None)
        assert uow.visits.queries_in(week, commissioner_id=commissioner_id + 1) == {}


def test_files_are_found_by_reference_and_listed_newest_first(
    uow: SqlUnitOfWork, provider_with_package: tuple[int, int]
) -> None:
    provider_id, _ = provider_with_package
    problem = {"line": 3, "field": "status", "reason": "not a status"}
    with uow:
        for number in (1, 2):
            uow.visits.add_file(
                EcmFileEntry(
                    provider_id, f"REF-{number}", "caremarket", "visits.csv", 10, 9, 0, 0,
                    (problem,), A_MOMENT + timedelta(hours=number), "p@example.org",
                )
            )  # fmt: skip
        uow.commit()
    with uow:
        found = uow.visits.find_file(provider_id, "REF-1")
        assert found is not None and found.problems == (problem,)
        assert found.provider == "Wyeside Home Care"
        assert uow.visits.find_file(provider_id, "REF-3") is None
        files, total = uow.visits.list_files(provider_id=provider_id)
        assert [f.reference for f in files] == ["REF-2", "REF-1"] and total == 2
