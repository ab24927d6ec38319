"""The set-based import (db/ecm_staging.py) against the reference path (row by row, in
Python): the same files, in the same order, give the same records, versions, queries, bad-row
reports, warnings and audit on PostgreSQL; and on both paths a file with 3 bad rows among
10,000 reports exactly those 3, and the same visits sent twice change nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, text

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.schedules import DateRange, PlannedVisit, schedule_of
from caremarket.services.ecm import DuplicateEcmFile, EcmSummary, import_ecm_file
from tests.builders import A_MOMENT, a_care_package
from tests.import_files import EXAMPLES
from tests.integration.ecm_market import WYESIDE, build_ecm_market, provider_actor

BY = provider_actor(WYESIDE)
COLUMNS = (
    "visit_id",
    "package_reference",
    "person_reference",
    "planned_start",
    "planned_minutes",
    "status",
    "actual_start",
    "actual_end",
    "carers_planned",
    "carers_present",
    "cancelled_at",
    "verification",
    "notes",
    "carer_ids",
    "claimed",
)
Rows = list[dict[str, str]]


@pytest.fixture
def market(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    build_ecm_market(uow)
    return uow


def planned(uow: SqlUnitOfWork, first: date, last: date) -> list[PlannedVisit]:
    with uow:
        package = uow.packages.get("PKG-1002")
        return schedule_of(package).visits(DateRange(first, last))


def visit_rows(visits: Sequence[PlannedVisit], *, prefix: str = "V") -> Rows:
    """Each planned visit delivered as planned (a carer of its own: no overlaps)."""
    rows = []
    for number, visit in enumerate(visits):
        start = visit.starts_at + timedelta(minutes=2)
        carers = [f"{prefix}-C{number}-{n}" for n in range(visit.carers)]
        rows.append(
            {
                "visit_id": f"{prefix}-{number:05d}",
                "package_reference": visit.package_reference,
                "planned_start": visit.starts_at.isoformat(timespec="seconds"),
                "planned_minutes": str(visit.minutes),
                "status": "completed",
                "actual_start": start.isoformat(timespec="seconds"),
                "actual_end": (start + timedelta(minutes=visit.minutes - 3)).isoformat(
                    timespec="seconds"
                ),
                "carers_planned": str(visit.carers),
                "carers_present": str(visit.carers),
                "verification": "app",
                "carer_ids": "; ".join(carers),
            }
        )
    return rows


def csv_file(rows: Rows, columns: Sequence[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def week(uow: SqlUnitOfWork) -> Rows:
    return visit_rows(planned(uow, date(2017, 7, 3), date(2017, 7, 9)))


# Scenarios: each a list of files, imported in order ------------------------------------------


def good(uow: SqlUnitOfWork) -> list[bytes]:
    return [csv_file(week(uow))]


def with_bad_rows(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    rows[1] |= {"planned_start": "2017-07-03T25:00:00+01:00"}
    rows[2] |= {"planned_minutes": "0"}
    rows[3] |= {"status": "done"}
    rows[4] |= {"package_reference": "PKG-9999"}
    rows[5] |= {"package_reference": "PKG-2001"}  # Marches's
    rows[6] |= {"carer_ids": "C-1; C-2; C-3"}
    rows[7] |= {"actual_end": ""}
    rows[8] |= {"carers_present": "0", "carer_ids": ""}
    rows[9] |= {"planned_start": "2017-02-30T08:00:00+00:00"}
    rows[10] |= {"claimed": "12.345", "cancelled_at": "yesterday"}
    rows[11] |= {"verification": "pigeon", "carers_planned": "7"}
    # read by the reference reader only: other forms, or no package but the person
    rows[12] |= {"planned_start": rows[12]["planned_start"][:16].replace("T", " ")}
    rows[13] |= {"package_reference": "", "person_reference": "P-0002"}
    rows[14] |= {"status": " Completed ", "verification": "NFC"}
    rows[15] |= {"planned_start": "2017-07-04T09:00:00Z", "claimed": "£12.50"}
    rows[16] |= {"status": "cancelled", "cancelled_at": "2017-07-03 06:00"}
    rows[17] |= {"status": "missed", "carers_present": "", "carer_ids": ""}
    return [csv_file(rows)]


def reimported_unchanged(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    return [csv_file(rows), csv_file(rows[::-1]), csv_file(rows[:5] + rows[:5])]


def reimported_changed(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    changed = [dict(r) for r in rows]
    changed[0] |= {"notes": "left early"}
    changed[1] |= {"actual_end": changed[1]["actual_start"]}
    changed[2] |= {"verification": "manual"}
    changed[3] |= {"claimed": "7.5"}
    changed[4] |= {"carer_ids": "X-1"}
    again = [dict(r) for r in changed]
    again[0] |= {"notes": "left early, again"}
    return [csv_file(rows), csv_file(changed), csv_file(again), csv_file(changed[:3])]


def overlaps(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    first, later = rows[:10], rows[10:20]
    first[1] |= {"carer_ids": first[0]["carer_ids"], "actual_start": first[0]["actual_start"]}
    later[0] |= {
        "carer_ids": first[2]["carer_ids"],
        "planned_start": first[2]["planned_start"],
        "actual_start": first[2]["actual_start"],
        "actual_end": first[2]["actual_end"],
    }
    return [csv_file(first), csv_file(later)]


def unmatched(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    rows[0] |= {"planned_minutes": "60"}
    extra = dict(rows[1]) | {"visit_id": "EXTRA-1"}
    before = dict(rows[2]) | {
        "visit_id": "EARLY-1",
        "planned_start": "2017-06-01T09:00:00+01:00",
        "actual_start": "2017-06-01T09:00:00+01:00",
        "actual_end": "2017-06-01T09:40:00+01:00",
    }
    return [csv_file([*rows, extra, before])]


def manual_and_durations(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    rows[0] |= {"verification": "manual"}
    rows[1] |= {"verification": "Manual", "notes": "timesheet"}
    rows[2] |= {"actual_end": rows[2]["actual_start"]}  # no time at all
    rows[3] |= {"actual_end": "2017-07-03T23:59:00+01:00"}  # far too long
    rows[4] |= {"status": "cancelled", "actual_start": "", "actual_end": ""}
    rows[5] |= {"status": "cancelled", "cancelled_at": "2017-07-01T10:00:00+01:00"}
    rows[6] |= {"actual_end": "2017-07-03T07:00:00+01:00"}  # out before in
    return [csv_file(rows)]


def duplicates(uow: SqlUnitOfWork) -> list[bytes]:
    rows = week(uow)
    differently = dict(rows[3]) | {"notes": "another"}
    return [csv_file([*rows, dict(rows[0]), differently, dict(rows[5])])]


def example_and_extra_columns(uow: SqlUnitOfWork) -> list[bytes]:
    example = (EXAMPLES / "ecm" / "visits.csv").read_bytes()
    rows = [r | {"agency": "Wyeside", "": "x"} for r in week(uow)[10:20]]
    return [example, csv_file(rows, [*COLUMNS, "agency", ""]), example.replace(b"\n", b"\r\n")]


def a_persons_two_packages(uow: SqlUnitOfWork) -> list[bytes]:
    """A record naming only the person matches a planned visit of the person's other package
    (PKG-1002, whose visits in the second file come again unchanged): PKG-1003, started last,
    is the record's package but plans nothing on a Wednesday."""
    with uow:
        first = uow.packages.get("PKG-1002")
        uow.packages.add(
            a_care_package(
                reference="PKG-1003",
                commissioner=first.commissioner,
                zone=first.zone,
                service=first.service,
                person=first.person,
                pattern=parse_pattern("1x60 Sat"),
                start_on=date(2017, 7, 4),
                provider=first.provider,
            )
        )
        uow.commit()
    rows = week(uow)
    wednesday = [r for r in rows if r["planned_start"].startswith("2017-07-05")]
    left, rest = wednesday[0], [r for r in rows if r is not wednesday[0]]
    by_person = left | {
        "visit_id": "PERSON-1",
        "package_reference": "",
        "person_reference": "P-0002",
    }
    return [csv_file(rest), csv_file([*rest, by_person])]


SCENARIOS: dict[str, Callable[[SqlUnitOfWork], list[bytes]]] = {
    "good": good,
    "bad rows": with_bad_rows,
    "re-imported unchanged": reimported_unchanged,
    "re-imported changed": reimported_changed,
    "overlaps": overlaps,
    "unmatched": unmatched,
    "manual and durations": manual_and_durations,
    "duplicates": duplicates,
    "example, extra columns, CRLF": example_and_extra_columns,
    "a person's two packages": a_persons_two_packages,
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_staged_import_gives_what_the_reference_path_gives(
    market: SqlUnitOfWork, scenario: str
) -> None:
    connection = _postgres_connection(market)
    files = SCENARIOS[scenario](market)
    results = {}
    for staged in (True, False):
        savepoint = connection.begin_nested()
        summaries = [_import(market, content, staged=staged) for content in files]
        results[staged] = (summaries, _kept(connection))
        savepoint.rollback()
    (staged_summaries, staged_rows), (reference_summaries, reference_rows) = (
        results[True],
        results[False],
    )
    assert [s.staged for s in staged_summaries if not isinstance(s, str)] == [True] * len(
        [s for s in staged_summaries if not isinstance(s, str)]
    )
    assert not any(s.staged for s in reference_summaries if not isinstance(s, str))
    assert [_comparable(s) for s in staged_summaries] == [
        _comparable(s) for s in reference_summaries
    ]
    for table in reference_rows:
        assert staged_rows[table] == reference_rows[table], table


def test_the_scenarios_reach_every_problem_and_check(market: SqlUnitOfWork) -> None:
    """The comparison above is only as good as its files: they bring bad rows, every kind of
    visit, new, changed and unchanged versions, and every check."""
    _postgres_connection(market)
    summaries = []
    for scenario in SCENARIOS.values():
        for content in scenario(market):
            summaries.append(_import(market, content, staged=True))
    found = [s for s in summaries if isinstance(s, EcmSummary)]  # the others sent before
    assert sum(s.visits_new for s in found) and sum(s.visits_changed for s in found)
    assert sum(s.visits_unchanged for s in found)
    codes = {code for s in found for _, code, _ in s.queries}
    assert codes >= {
        "not planned",
        "overlap",
        "check-out before check-in",
        "implausible duration",
        "manual",
        "cancelled without notice time",
    }
    reasons = " ".join(p.reason for s in found for p in s.problems)
    for words in ("there is no package", "is not Wyeside", "is not a status", "differently"):
        assert words in reasons
    assert any("read once" in w for s in found for w in s.warnings)


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "reference"])
def test_three_bad_rows_among_ten_thousand_are_exactly_those_reported(
    market: SqlUnitOfWork, staged: bool
) -> None:
    if staged:
        _postgres_connection(market)
    rows = visit_rows(planned(market, date(2017, 7, 3), date(2025, 12, 31)))[:10_000]
    assert len(rows) == 10_000
    rows[41] |= {"planned_minutes": "forty"}
    rows[4_999] |= {"status": "done"}
    rows[9_998] |= {"package_reference": "PKG-9999"}
    summary = import_ecm_file(
        market, csv_file(rows), provider=WYESIDE, by=BY, now=A_MOMENT, staged=staged
    )
    assert [p.line for p in summary.problems] == [43, 5_001, 10_000]
    assert (summary.rows, summary.visits_new) == (10_000, 9_997)
    with pytest.raises(DuplicateEcmFile):
        import_ecm_file(market, csv_file(rows), provider=WYESIDE, by=BY, now=A_MOMENT)
    # the same visits in another file (the rows reversed): nothing new, nothing twice
    again = import_ecm_file(
        market, csv_file(rows[::-1]), provider=WYESIDE, by=BY, now=A_MOMENT, staged=staged
    )
    assert (again.visits_new, again.visits_changed, again.visits_unchanged) == (0, 0, 9_997)
    assert again.queries == () and again.staged is staged
    with market:
        pid = market.providers.get(WYESIDE).id
        kept = market.visits.current(
            DateRange(date(2017, 7, 3), date(2025, 12, 31)), provider_id=pid
        )
        assert len(kept) == 9_997
        assert {v.version for v in kept} == {1}


# Helpers --------------------------------------------------------------------------------------


def _postgres_connection(uow: SqlUnitOfWork) -> Connection:
    connection: Connection = uow.session_factory.kw["bind"]
    if connection.dialect.name != "postgresql":
        pytest.skip("the set-based import runs on PostgreSQL")
    return connection


def _import(uow: SqlUnitOfWork, content: bytes, *, staged: bool) -> EcmSummary | str:
    try:
        return import_ecm_file(
            uow, content, provider=WYESIDE, filename="f.csv", by=BY, now=A_MOMENT, staged=staged
        )
    except DuplicateEcmFile as error:
        return str(error)


def _comparable(summary: EcmSummary | str) -> Any:
    if isinstance(summary, str):
        return summary
    return asdict(replace(summary, file_id=None, staged=False))


def _kept(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the imports wrote, without their ids (versions named by visit and version)."""
    queries = {
        "visit_records": """
            SELECT v.provider_id, v.visit_id, v.version, v.current, f.reference, p.reference,
                v.package_reference, v.person_reference, v.planned_start_at, v.planned_minutes,
                v.status, v.actual_start_at, v.actual_end_at, v.carers_planned,
                v.carers_present, v.cancelled_at, v.verification, v.notes,
                CAST(v.carer_ids AS jsonb), v.service, v.contract, v.claimed, v.received_at
            FROM visit_records v JOIN ecm_files f ON f.id = v.file_id
            LEFT JOIN care_packages p ON p.id = v.package_id
            ORDER BY v.id""",
        "visit_queries": """
            SELECT v.visit_id, v.version, q.code, q.message, q.holds, q.raised_at
            FROM visit_queries q JOIN visit_records v ON v.id = q.record_id
            ORDER BY q.id""",
        "ecm_files": """
            SELECT provider_id, reference, profile, filename, rows, visits_new, visits_changed,
                visits_unchanged, CAST(problems AS jsonb), received_at, received_by
            FROM ecm_files ORDER BY id""",
        "audit_entries": """
            SELECT at, actor, role, action, object_type, object_ref, CAST(changes AS jsonb)
            FROM audit_entries ORDER BY id""",
    }
    return {
        table: list(map(tuple, connection.execute(text(sql)))) for table, sql in queries.items()
    }
