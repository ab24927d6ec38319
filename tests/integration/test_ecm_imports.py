"""Importing ECM files and pushed batches: duplicates refused, versions audited, every bad
row reported and none written, the good visits kept, and the checks raised as queries."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.audit import AuditEntry
from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.schedules import DateRange
from caremarket.imports.ecm import caremarket_row
from caremarket.imports.ecm_profiles import ABACUS
from caremarket.services.ecm import DuplicateEcmFile, import_ecm_file, push_visits
from caremarket.services.ports import AuditFilter
from tests.builders import A_MOMENT
from tests.import_files import EXAMPLES
from tests.integration.ecm_market import MARCHES, WYESIDE, build_ecm_market, provider_actor

ECM = EXAMPLES / "ecm"
VISITS = (ECM / "visits.csv").read_bytes()
BY = provider_actor(WYESIDE)
WEEK = DateRange(date(2017, 7, 3), date(2017, 7, 9))


@pytest.fixture
def market(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    build_ecm_market(uow)
    return uow


def test_the_example_file_is_stored_with_its_queries(market: SqlUnitOfWork) -> None:
    summary = import_ecm_file(
        market, VISITS, provider=WYESIDE, filename="visits.csv", by=BY, now=A_MOMENT
    )
    assert (summary.rows, summary.visits_new, summary.problems) == (6, 6, ())
    # MC-50006 was confirmed by hand: flagged, not held
    assert summary.queries == (("MC-50006", "manual", False),)
    with market:
        stored = market.visits.current(WEEK, provider_id=market.providers.get(WYESIDE).id)
        assert [v.record.visit_id for v in stored][:2] == ["MC-50001", "MC-50002"]
        assert {v.version for v in stored} == {1}
        [listed] = market.visits.open_queries()
        assert (listed.visit_id, listed.query.holds) == ("MC-50006", False)
        files, _ = market.visits.list_files()
        assert (files[0].rows, files[0].visits_new, files[0].filename) == (6, 6, "visits.csv")


def test_importing_the_same_file_twice_is_refused_and_changes_nothing(
    market: SqlUnitOfWork,
) -> None:
    import_ecm_file(market, VISITS, provider=WYESIDE, by=BY, now=A_MOMENT)
    with pytest.raises(DuplicateEcmFile, match="already sent"):
        import_ecm_file(market, VISITS, provider=WYESIDE, by=BY, now=A_MOMENT)
    # the same visits in another file (a blank line added) are all unchanged
    again = import_ecm_file(market, VISITS + b"\n", provider=WYESIDE, by=BY, now=A_MOMENT)
    assert (again.visits_new, again.visits_changed, again.visits_unchanged) == (0, 0, 6)
    assert again.queries == ()
    with market:
        pid = market.providers.get(WYESIDE).id
        assert len(market.visits.current(WEEK, provider_id=pid)) == 6
        assert len(market.visits.versions(pid, "MC-50001")) == 1
        assert len(market.visits.open_queries()) == 1


def test_an_abacus_file_reference_already_imported_is_refused(market: SqlUnitOfWork) -> None:
    content = (ECM / "abacus.csv").read_bytes()
    first = import_ecm_file(market, content, provider=WYESIDE, profile=ABACUS, by=BY, now=A_MOMENT)
    assert first.reference == "MCC000123"
    # three visits, matched to PKG-1002 through the person P-0002
    assert (first.rows, first.visits_new, first.problems) == (4, 3, ())
    edited = content.replace(b"08:02:00", b"08:05:00")
    with pytest.raises(DuplicateEcmFile, match="MCC000123"):
        import_ecm_file(market, edited, provider=WYESIDE, profile=ABACUS, by=BY, now=A_MOMENT)
    with market:
        stored = market.visits.current(WEEK, provider_id=market.providers.get(WYESIDE).id)
        assert {v.package_id for v in stored} == {market.packages.get("PKG-1002").id}


def test_a_changed_record_becomes_version_2_and_the_audit_says_what_changed(
    market: SqlUnitOfWork,
) -> None:
    import_ecm_file(market, VISITS, provider=WYESIDE, by=BY, now=A_MOMENT)
    corrected = VISITS.replace(
        b"2017-07-03 12:35,2017-07-03 13:02", b"2017-07-03 12:35,2017-07-03 13:20"
    )
    later = A_MOMENT + timedelta(days=1)
    summary = import_ecm_file(market, corrected, provider=WYESIDE, by=BY, now=later)
    assert (summary.visits_new, summary.visits_changed, summary.visits_unchanged) == (0, 1, 5)
    with market:
        pid = market.providers.get(WYESIDE).id
        versions = market.visits.versions(pid, "MC-50003")
        assert [(v.version, v.current) for v in versions] == [(1, False), (2, True)]
        assert versions[1].record.actual_end_at == datetime(2017, 7, 3, 12, 20, tzinfo=UTC)
        entries, _ = market.audit.search(AuditFilter(object_type="visit"), limit=10, offset=0)
        [changed] = entries
        assert isinstance(changed, AuditEntry)
        assert changed.object_ref == f"{WYESIDE}: MC-50003"
        assert changed.changes["version"] == [1, 2]
        assert changed.changes["actual_end_at"] == [
            "2017-07-03T12:02:00+00:00",
            "2017-07-03T12:20:00+00:00",
        ]
        assert set(changed.changes) == {"version", "actual_end_at"}


def test_a_file_with_3_bad_rows_among_10000_reports_exactly_those_3(
    market: SqlUnitOfWork,
) -> None:
    rows = [caremarket_row(r) for r in _visits_of_pkg_2001(10_000)]
    rows[10]["status"] = "delivered"
    rows[5000]["planned_minutes"] = "half an hour"
    rows[9998]["package_reference"] = "PKG-1002"  # Wyeside's, not Marches's
    summary = import_ecm_file(
        market, _csv(rows), provider=MARCHES, by=provider_actor(MARCHES), now=A_MOMENT
    )
    assert [(p.line, p.column) for p in summary.problems] == [
        (12, "status"),
        (5002, "planned_minutes"),
        (10_000, "package_reference"),
    ]
    assert "not Marches Care's" in summary.problems[2].reason
    assert (summary.rows, summary.visits_new) == (10_000, 9_997)
    assert summary.queries == ()  # every good visit matches its planned visit
    with market:
        pid = market.providers.get(MARCHES).id
        period = DateRange(date(2017, 7, 1), date(2025, 1, 1))
        assert len(market.visits.current(period, provider_id=pid)) == 9_997
        [stored] = market.visits.list_files(provider_id=pid)[0]
        assert [p["line"] for p in stored.problems] == [12, 5002, 10_000]


def test_visits_with_no_planned_counterpart_and_overlaps_are_held(
    market: SqlUnitOfWork,
) -> None:
    start = datetime(2017, 7, 3, 7, 30, tzinfo=LONDON)
    records = [
        _completed("V-1", start, ("C-9",)),
        _completed("V-2", start + timedelta(minutes=10), ("C-9",)),
        _completed("V-3", start - timedelta(days=3), ("C-8",)),  # before the package starts
    ]
    pushed = push_visits(
        market,
        [caremarket_row(r) for r in records],
        provider=MARCHES,
        by=provider_actor(MARCHES),
        now=A_MOMENT,
    )
    assert sorted(pushed.queries) == [
        ("V-1", "overlap", True),
        ("V-2", "overlap", True),
        ("V-3", "not planned", True),
    ]
    with market:
        assert len(market.visits.open_queries(held_only=True)) == 3


def test_a_pushed_batch_reports_each_bad_record_by_index_and_keeps_the_rest(
    market: SqlUnitOfWork,
) -> None:
    good, other = (caremarket_row(r) for r in _visits_of_pkg_2001(2))
    other["planned_start"] = "tomorrow"
    batch = [good, other, good | {"visit_id": "X-1", "package_reference": "NOPE"}]
    pushed = push_visits(market, batch, provider=MARCHES, by=provider_actor(MARCHES), now=A_MOMENT)
    assert [(p.line, p.column) for p in pushed.problems] == [
        (1, "planned_start"),
        (2, "package_reference"),
    ]
    assert pushed.visits_new == 1
    with pytest.raises(DuplicateEcmFile):
        push_visits(market, batch, provider=MARCHES, by=provider_actor(MARCHES), now=A_MOMENT)


def _visits_of_pkg_2001(count: int) -> list[VisitRecord]:
    """Four 30-minute calls a day from 1 July 2017, at the schedule's times, delivered."""
    records = []
    day = date(2017, 7, 1)
    while len(records) < count:
        for clock in ((7, 30), (11, 15), (15, 0), (18, 45))[: count - len(records)]:
            start = datetime(day.year, day.month, day.day, *clock, tzinfo=LONDON)
            records.append(_completed(f"MV-{len(records):05d}", start, ()))
        day += timedelta(days=1)
    return records


def _completed(
    visit_id: str, start: datetime, carers: tuple[str, ...], minutes: int = 30
) -> VisitRecord:
    return VisitRecord(
        visit_id=visit_id,
        planned_start_at=start,
        planned_minutes=minutes,
        status=VisitStatus.COMPLETED,
        package_reference="PKG-2001",
        actual_start_at=start,
        actual_end_at=start + timedelta(minutes=minutes),
        carers_present=1,
        carer_ids=carers,
    )


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
