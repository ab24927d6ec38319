"""Reading ECM files: the caremarket layout, the Abacus Provider Portal file, and profiles for
other systems' exports; every bad row reported, none accepted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import Verification, VisitRecord, VisitStatus
from caremarket.domain.errors import ImportRejected
from caremarket.imports.ecm import caremarket_row, read_ecm_file
from caremarket.imports.ecm_profiles import ABACUS, CAREMARKET, InvalidProfile, profile_from_toml
from caremarket.imports.times import parse_with_formats

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
HEADER = (
    "visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end,"
    "carers_planned,carers_present,cancelled_at,verification,notes,carer_ids\n"
)
ABACUS_HEADER = (
    "FileReference,Description,Created,ProviderRef,ContractNumber,ServiceUserRef,"
    "ServiceUserDetails,WeekEnding,OurRef,ServiceUserContribution,PaymentClaimed,ServiceType,"
    "VisitDate,StartTimeClaimed,DurationClaimed,ActualStartTime,ActualDuration,SecondaryVisit,"
    "NumberOfCarers\n"
)
GOOD = "V-{n},PKG-1002,2017-07-03 08:00,45,completed,2017-07-03 08:02,2017-07-03 08:44,1,1,,app,,\n"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2017, 7, day, hour, minute, tzinfo=LONDON)


def read(text: str, profile=CAREMARKET):
    return read_ecm_file(io.StringIO(text), profile)


def abacus_row(
    *,
    visit_date: str = "03/07/2017",
    start: str = "08:00:00",
    duration: str = "00:45:00",
    actual: str = "08:02:00",
    actual_duration: str = "00:43:00",
    secondary: str = "False",
    carers: str = "1",
    file_reference: str = "MCC000123",
    week_ending: str = "09/07/2017",
) -> str:
    return (
        f"{file_reference},Week,2017-07-10T09:15:00,MCC01,HTLAH-O-B,P-0002,(withheld),"
        f"{week_ending},INV-27,0.00,11.85,HOME CARE,{visit_date},{start},{duration},{actual},"
        f"{actual_duration},{secondary},{carers}\n"
    )


def problems_of(text: str, profile=CAREMARKET) -> list[tuple[int, str, str]]:
    """What is wrong with a file; checking that no row reported is among the visits read."""
    try:
        ecm = read(text, profile)
    except ImportRejected as refused:  # the file as a whole: its header
        return [(p.line, p.column, p.reason) for p in refused.problems]
    assert not {p.line for p in ecm.problems} & {row.line for row in ecm.rows}
    return [(p.line, p.column, p.reason) for p in ecm.problems]


# The caremarket layout ------------------------------------------------------------------------


def test_the_example_file_in_the_caremarket_layout_is_read_visit_by_visit():
    ecm = read_ecm_file(EXAMPLES / "ecm" / "visits.csv")
    records = {r.visit_id: r for r in ecm.records}
    assert len(records) == 6
    first = records["MC-50001"]
    assert (first.package_reference, first.planned_start_at, first.planned_minutes) == (
        "PKG-1002",
        at(3, 8),
        45,
    )
    assert (first.actual_start_at, first.actual_end_at) == (at(3, 8, 2), at(3, 8, 44))
    assert (first.verification, first.carer_ids) == (Verification.APP, ("C-201",))
    short = records["MC-50002"]
    assert (short.carers_planned, short.carers_present) == (2, 1)
    cancelled = records["MC-50004"]
    assert (cancelled.status, cancelled.cancelled_at) == (VisitStatus.CANCELLED, at(3, 15, 10))
    assert cancelled.notes == "family visiting, cancelled by phone"
    assert records["MC-50005"].status is VisitStatus.MISSED
    assert records["MC-50006"].verification is Verification.MANUAL
    assert ecm.warnings == ()


def test_unknown_extra_columns_are_read_past_with_a_warning():
    text = HEADER.rstrip("\n") + ",rota_colour\n" + GOOD.format(n=1).rstrip("\n") + ",blue\n"
    ecm = read(text)
    assert len(ecm.records) == 1
    assert ecm.warnings == ("column 'rota_colour' is not one caremarket reads; it was ignored",)


def test_a_file_without_a_required_column_is_refused_at_once():
    problems = problems_of("visit_id,package_reference\nV-1,PKG-1\n")
    assert len(problems) == 1
    assert problems[0][0] == 1
    assert "planned_start" in problems[0][2]


def test_every_bad_row_is_reported_with_its_line_field_and_reason_and_the_good_kept():
    text = (
        HEADER
        + GOOD.format(n=1)
        + "V-2,PKG-1002,2017-07-32 08:00,45,completed,2017-07-03 08:02,2017-07-03 08:44,1,1,,,,\n"
        + "V-3,PKG-1002,2017-07-03 08:00,45,delivered,,,1,1,,,,\n"
        + "V-4,PKG-1002,2017-07-03 08:00,45,completed,2017-07-03 08:02,,1,1,,,,\n"
        + "V-5,,2017-07-03 08:00,0,completed,2017-07-03 08:02,2017-07-03 08:44,1,1,,,,\n"
        + "V-6,PKG-1002,2017-07-03 08:00,45,completed,2017-07-03 08:02,2017-07-03 08:44,1,1,,"
        + "by post,,\n"
        + GOOD.format(n=7)
    )
    assert [r.visit_id for r in read(text).records] == ["V-1", "V-7"]  # nothing valid is lost
    problems = problems_of(text)
    assert sorted((line, column) for line, column, _ in problems) == [
        (3, "planned_start"),
        (4, "status"),
        (5, "actual_end"),
        (6, "package_reference"),
        (6, "planned_minutes"),
        (7, "verification"),
    ]
    reasons = dict(((line, column), reason) for line, column, reason in problems)
    assert reasons[(3, "planned_start")].startswith("'2017-07-32 08:00' is not a date and time")
    assert reasons[(4, "status")].startswith("'delivered' is not a status")
    assert reasons[(5, "actual_end")] == "a completed visit needs its actual_end"
    assert reasons[(6, "package_reference")] == "a visit names its package or its person"
    assert reasons[(6, "planned_minutes")] == "a visit is planned for 1 to 1440 minutes, not 0"


def test_a_file_with_three_bad_rows_among_ten_thousand_reports_exactly_those_three():
    rows = [GOOD.format(n=n) for n in range(10_000)]
    bad_lines = {17: "V-x,PKG-1002,nonsense,45,completed,,,1,1,,,,\n", 5000: None, 9999: None}
    rows[17 - 2] = bad_lines[17]
    rows[5000 - 2] = rows[5000 - 2].replace(",45,", ",-45,")
    rows[9999 - 2] = rows[9999 - 2].replace(",app,", ",carrier pigeon,")
    ecm = read(HEADER + "".join(rows))
    assert sorted({p.line for p in ecm.problems}) == [17, 5000, 9999]
    assert len(ecm.records) == 9_997


def test_the_same_visit_twice_alike_is_read_once_and_differently_is_a_problem():
    twice = read(HEADER + GOOD.format(n=1) + GOOD.format(n=1))
    assert len(twice.records) == 1
    assert twice.warnings == ("line 3 repeats visit V-1 of line 2: read once",)
    changed = GOOD.format(n=1).replace("08:44", "08:40")
    problems = problems_of(HEADER + GOOD.format(n=1) + changed)
    assert problems == [
        (2, "visit_id", "visit V-1 is on lines 2, 3, differently"),
        (3, "visit_id", "visit V-1 is on lines 2, 3, differently"),
    ]


def test_carer_ids_must_agree_with_the_carers_present():
    row = GOOD.format(n=1).replace(",1,1,,app,,", ",2,2,,app,,C-1")
    assert problems_of(HEADER + row) == [(2, "carer_ids", "1 carer IDs for 2 carers present")]


def test_an_end_written_in_the_hour_the_clocks_go_back_is_the_later_one_when_needed():
    # 29 October 2017: 01:00-02:00 comes twice; 01:40 BST to 01:10 GMT lasted 30 minutes
    row = "V-1,PKG-1002,2017-10-29 01:40,30,completed,2017-10-29 01:40,2017-10-29 01:10,1,1,,,,\n"
    [record] = read(HEADER + row).records
    assert record.duration == timedelta(minutes=30)


def test_times_with_an_offset_are_kept_as_written():
    row = (
        "V-1,PKG-1002,2017-07-03T08:00:00+01:00,45,completed,2017-07-03T07:02:00+00:00,"
        "2017-07-03T08:44:00+01:00,1,1,,,,\n"
    )
    [record] = read(HEADER + row).records
    assert record.actual_start_at == at(3, 8, 2)
    assert record.verification is Verification.ECM  # not said: verified by the ECM system


# The Abacus Provider Portal file --------------------------------------------------------------


def test_the_abacus_example_file_is_read_with_its_additional_carers_rows_joined():
    ecm = read_ecm_file(EXAMPLES / "ecm" / "abacus.csv", ABACUS)
    assert (ecm.file_reference, ecm.week_ending) == ("MCC000123", date(2017, 7, 9))
    assert [r.visit_id for r in ecm.records] == [
        "HTLAH-O-B/P-0002/2017-07-03/08:00",
        "HTLAH-O-B/P-0002/2017-07-03/09:00",
        "HTLAH-O-B/P-0002/2017-07-03/13:00",
    ]
    first, double, third = ecm.records
    assert (first.person_reference, first.package_reference) == ("P-0002", None)
    assert (first.planned_start_at, first.planned_minutes) == (at(3, 8), 45)
    assert (first.actual_start_at, first.actual_end_at) == (at(3, 8, 2), at(3, 8, 45))
    assert (first.status, first.verification) == (VisitStatus.COMPLETED, Verification.ECM)
    assert (first.contract, first.service, first.claimed) == (
        "HTLAH-O-B",
        "HOME CARE",
        Decimal("11.85"),
    )
    assert (double.carers_planned, double.carers_present) == (2, 2)
    assert double.actual_end_at == at(3, 9, 31)  # the first carer's times
    assert third.duration == timedelta(minutes=31)
    assert ecm.warnings == ()  # the columns it reads past are known: no warning


def test_the_persons_name_in_an_abacus_file_is_never_kept():
    ecm = read_ecm_file(EXAMPLES / "ecm" / "abacus.csv", ABACUS)
    assert all("withheld" not in str(record) for record in ecm.records)


def test_an_abacus_file_missing_a_required_column_is_refused():
    header = ABACUS_HEADER.replace("ActualDuration,", "")
    problems = problems_of(header + abacus_row().replace(",00:43:00,", ","), ABACUS)
    assert problems[0][0] == 1
    assert "actualduration" in problems[0][1]


def test_an_additional_carers_row_without_the_first_carers_row_is_a_problem():
    text = ABACUS_HEADER + abacus_row(secondary="True", carers="2")
    assert problems_of(text, ABACUS) == [
        (
            2,
            "SecondaryVisit",
            "an additional carer's row for visit HTLAH-O-B/P-0002/2017-07-03/08:00,"
            " which has no first carer's row",
        )
    ]


def test_a_visit_with_a_bad_additional_carers_row_is_left_out_whole():
    text = (
        ABACUS_HEADER
        + abacus_row(start="09:00:00", duration="00:30:00", carers="2")
        + abacus_row(
            start="09:00:00",
            duration="00:30:00",
            carers="2",
            secondary="True",
            actual_duration="half an hour",
        )
        + abacus_row()
    )
    ecm = read(text, ABACUS)
    assert [r.visit_id for r in ecm.records] == ["HTLAH-O-B/P-0002/2017-07-03/08:00"]
    assert [(p.line, p.column) for p in ecm.problems] == [(2, ""), (3, "ActualDuration")]
    assert ecm.problems[0].reason == (
        "visit HTLAH-O-B/P-0002/2017-07-03/09:00 is left out: line 3, another row of it, is wrong"
    )


def test_a_visit_outside_the_week_ending_is_a_problem():
    text = ABACUS_HEADER + abacus_row(visit_date="10/07/2017")
    assert problems_of(text, ABACUS) == [
        (2, "VisitDate", "the visit is not in the week ending 09/07/2017")
    ]


def test_an_abacus_file_has_one_file_reference():
    text = ABACUS_HEADER + abacus_row() + abacus_row(start="12:00:00", file_reference="OTHER")
    assert problems_of(text, ABACUS) == [
        (3, "FileReference", "a file has one FileReference: line 2 gives MCC000123")
    ]


def test_a_visit_started_just_after_midnight_is_taken_on_the_next_day():
    row = abacus_row(visit_date="04/07/2017", start="23:50:00", actual="00:05:00")
    [record] = read(ABACUS_HEADER + row, ABACUS).records
    assert record.actual_start_at == at(5, 0, 5)


def test_abacus_durations_and_booleans_are_checked():
    row = abacus_row(actual_duration="0:75:00", secondary="maybe")
    problems = problems_of(ABACUS_HEADER + row, ABACUS)
    assert sorted((line, column) for line, column, _ in problems) == [
        (2, "ActualDuration"),
        (2, "SecondaryVisit"),
    ]


# Profiles for other systems -------------------------------------------------------------------

CARETRACK = """
name = "caretrack"
read_past = ["Branch"]

[columns]
visit_id = "Visit No"
package_reference = "Client Package"
planned_date = "Sched Date"
planned_time = "Sched Time"
planned_minutes = "Length"
status = "Outcome"
actual_start = "Logged In"
actual_end = "Logged Out"
carers_present = "Staff"
verification = "Method"

[formats]
date = "%d.%m.%Y"
datetime = ["%d.%m.%Y %H:%M"]

[statuses]
"Visited" = "completed"
"No Access" = "missed"
"Cancelled by client" = "cancelled"

[verifications]
"Mobile" = "app"
"Office" = "manual"
"""


def test_another_systems_export_is_read_through_a_profile_without_editing_it():
    profile = profile_from_toml(CARETRACK)
    text = (
        "Visit No,Client Package,Sched Date,Sched Time,Length,Outcome,Logged In,Logged Out,"
        "Staff,Method,Branch\n"
        "CT-1,PKG-1002,03.07.2017,08:00,45,Visited,03.07.2017 08:01,03.07.2017 08:46,1,Mobile,"
        "Hereford\n"
        "CT-2,PKG-1002,03.07.2017,12:30,45,No Access,,,0,,Hereford\n"
    )
    visited, no_access = read(text, profile).records
    assert (visited.planned_start_at, visited.actual_end_at) == (at(3, 8), at(3, 8, 46))
    assert visited.verification is Verification.APP
    assert (no_access.status, no_access.carers_present) == (VisitStatus.MISSED, 0)


def test_the_profile_shown_in_the_formats_guide_is_the_one_tested_here():
    guide = (EXAMPLES.parent / "formats.md").read_text(encoding="utf-8")
    section = guide.split("### A profile for another system")[1]
    shown = section.split("```toml\n")[1].split("```")[0]
    assert profile_from_toml(shown) == profile_from_toml(CARETRACK)


@pytest.mark.parametrize(
    "text",
    [
        'name = "x"\n[columns]\nvisit_no = "Visit"\n',
        'name = "x"\n[columns]\nvisit_id = "Visit"\n',
        'name = "x"\ncolour = "blue"\n[columns]\nvisit_id = "V"\n',
        CARETRACK.replace('"Visited" = "completed"', '"Visited" = "done"'),
        "this is not toml = = =",
    ],
)
def test_a_profile_that_cannot_be_followed_is_refused(text):
    with pytest.raises(InvalidProfile):
        profile_from_toml(text)


@given(
    moment=st.datetimes(datetime(1990, 1, 1), datetime(2060, 12, 31)),
    form=st.sampled_from(
        ["%Y-%m-%d", "%d/%m/%Y", "%H:%M", "%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M:%S"]
    ),
)
def test_the_quick_reading_of_usual_formats_agrees_with_strptime(moment, form):
    text = moment.strftime(form)
    assert parse_with_formats(text, [form]) == datetime.strptime(text, form)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("2017-13-01", "%Y-%m-%d"),
        ("31/02/2017", "%d/%m/%Y"),
        ("24:00", "%H:%M"),
        ("08:60:00", "%H:%M:%S"),
        ("2017-07-03T08:00", "%Y-%m-%d %H:%M"),
        ("+7/07/2017", "%d/%m/%Y"),
    ],
)
def test_the_quick_reading_refuses_what_strptime_refuses(text, form):
    assert parse_with_formats(text, [form]) is None


ids = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-", min_size=1, max_size=12)


def shown_by_a_clock(moment: datetime) -> bool:
    """Not in the hour skipped when the clocks go forward."""
    back = moment.astimezone(UTC).astimezone(LONDON)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


moments = (
    st.datetimes(datetime(2017, 1, 1), datetime(2030, 12, 31), timezones=st.just(LONDON))
    .map(lambda m: m.replace(microsecond=0))
    .filter(shown_by_a_clock)
)


def after(moment: datetime, seconds: int) -> datetime:
    """Real time after a moment (adding to a London time counts by the clock)."""
    return (moment.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(LONDON)


@st.composite
def visit_records(draw):
    status = draw(st.sampled_from(list(VisitStatus)))
    start = draw(moments)
    completed = status is VisitStatus.COMPLETED
    actual = draw(moments) if completed else None
    carer_ids = tuple(draw(st.lists(ids, max_size=3))) if completed else ()
    return VisitRecord(
        visit_id=draw(ids),
        planned_start_at=start,
        planned_minutes=draw(st.integers(1, 1440)),
        status=status,
        package_reference=draw(st.one_of(st.none(), ids)) or "PKG-1",
        person_reference=draw(st.one_of(st.none(), ids)),
        actual_start_at=actual,
        actual_end_at=after(actual, draw(st.integers(0, 36_000))) if actual else None,
        carers_planned=draw(st.one_of(st.none(), st.integers(1, 4))),
        carers_present=len(carer_ids) or int(completed),
        cancelled_at=draw(moments) if status is VisitStatus.CANCELLED else None,
        verification=draw(st.sampled_from(list(Verification))),
        notes=draw(st.text(alphabet="abc ,;'\"", max_size=20)).strip(),
        carer_ids=carer_ids,
        service=draw(st.one_of(st.none(), ids)),
        contract=draw(st.one_of(st.none(), ids)),
        claimed=draw(st.one_of(st.none(), st.integers(0, 10_000).map(lambda p: Decimal(p) / 100))),
    )


@given(record=visit_records())
def test_a_record_written_in_the_caremarket_layout_reads_back_the_same(record):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=list(caremarket_row(record)))
    writer.writeheader()
    writer.writerow(caremarket_row(record))
    [read_back] = read(stream.getvalue()).records
    assert read_back == record
    assert read_back.duration == record.duration
