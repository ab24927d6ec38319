"""Electronic call monitoring records: versions, matching to planned visits, and checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import (
    CheckLimits,
    FlagCode,
    Match,
    Received,
    RecordVersion,
    Verification,
    VisitRecord,
    VisitStatus,
    check,
    format_duration,
    match,
    receive,
)
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.schedules import DateRange, PatternFrom, Schedule

MONDAY = date(2017, 7, 3)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def a_record(visit_id: str = "V-1", **overrides) -> VisitRecord:
    values = {
        "visit_id": visit_id,
        "planned_start_at": at(8),
        "planned_minutes": 30,
        "status": VisitStatus.COMPLETED,
        "package_reference": "PKG-0001",
        "person_reference": "P-0001",
        "actual_start_at": at(8, 5),
        "actual_end_at": at(8, 33),
        "verification": Verification.APP,
    }
    return VisitRecord(**(values | overrides))


def planned_week(pattern: str = "4x30 daily; 1x45x2 Mon-Fri", reference: str = "PKG-0001"):
    schedule = Schedule(
        reference, "P-0001", MONDAY, None, (PatternFrom(MONDAY, parse_pattern(pattern)),)
    )
    return schedule.visits(DateRange(MONDAY, MONDAY + timedelta(days=6)))


def flags_of(checked) -> list[FlagCode]:
    return [f.code for f in checked.flags]


# Versions -------------------------------------------------------------------------------------


def test_a_record_received_twice_changes_nothing():
    first = receive([a_record()], {})
    assert [r.received for r in first] == [Received.NEW]
    held = {"V-1": first[0].version}
    again = receive([a_record()], held)
    assert [(r.received, r.version.version) for r in again] == [(Received.UNCHANGED, 1)]


def test_a_changed_record_is_a_new_version():
    held = {"V-1": RecordVersion(a_record(), 1)}
    later = a_record(actual_end_at=at(8, 40), notes="stayed to help with lunch")
    [receipt] = receive([later], held)
    assert receipt.received is Received.CHANGED
    assert receipt.version == RecordVersion(later, 2)
    assert receipt.previous == held["V-1"]


def test_the_same_visit_twice_in_one_batch_counts_once():
    receipts = receive([a_record(), a_record(), a_record("V-2")], {})
    assert [r.received for r in receipts] == [Received.NEW, Received.UNCHANGED, Received.NEW]


# Matching -------------------------------------------------------------------------------------


def test_a_record_matches_the_planned_visit_of_its_package_day_and_length():
    planned = planned_week()
    # the provider plans its double-handed call at 09:00; the convention plans it at 19:30
    record = a_record(planned_start_at=at(9), planned_minutes=45, carers_planned=2)
    [found] = match([record], planned)
    assert found.planned is not None
    assert (found.planned.day, found.planned.minutes, found.planned.carers) == (MONDAY, 45, 2)


def test_records_of_one_day_take_the_nearest_planned_visits_one_each():
    planned = planned_week("4x30 daily")
    records = [
        a_record(f"V-{n}", planned_start_at=at(hour)) for n, hour in enumerate((8, 12, 17, 21))
    ]
    found = match(records, planned)
    assert [m.planned.starts for m in found if m.planned] == [
        time(7, 30),
        time(11, 15),
        time(15, 0),
        time(18, 45),
    ]


def test_a_fifth_record_on_a_day_of_four_calls_has_no_planned_counterpart():
    planned = planned_week("4x30 daily")
    records = [a_record(f"V-{n}", planned_start_at=at(8 + 3 * n)) for n in range(5)]
    found = match(records, planned)
    assert sum(m.planned is None for m in found) == 1


def test_a_record_of_another_package_or_day_is_not_matched():
    planned = planned_week("1x30 Mon")
    other_package = a_record(package_reference="PKG-0002")
    other_day = a_record(planned_start_at=at(8, day=MONDAY + timedelta(days=1)))
    assert [m.planned for m in match([other_package, other_day], planned)] == [None, None]


def test_a_record_naming_only_the_person_matches_the_persons_planned_visits():
    planned = planned_week("1x30 Mon")
    record = a_record(package_reference=None, person_reference="P-0001")
    assert match([record], planned)[0].planned == planned[0]


def test_missed_and_cancelled_visits_match_their_planned_visit_too():
    planned = planned_week("2x30 Mon")
    missed = a_record("V-1", status=VisitStatus.MISSED, actual_start_at=None, actual_end_at=None)
    cancelled = a_record(
        "V-2",
        planned_start_at=at(17),
        status=VisitStatus.CANCELLED,
        actual_start_at=None,
        actual_end_at=None,
        cancelled_at=at(9),
    )
    assert all(m.planned for m in match([missed, cancelled], planned))


@given(
    hours=st.lists(st.integers(6, 22), max_size=8),
    calls=st.integers(1, 6),
)
def test_no_planned_visit_is_matched_twice(hours, calls):
    planned = planned_week(f"{calls}x30 daily")
    records = [a_record(f"V-{n}", planned_start_at=at(h)) for n, h in enumerate(hours)]
    found = [m.planned for m in match(records, planned) if m.planned]
    assert len(found) == len(set(found)) == min(len(hours), calls)


# Checks ---------------------------------------------------------------------------------------


def test_a_record_without_a_planned_visit_is_held():
    [checked] = check([Match(a_record(), None)])
    assert flags_of(checked) == [FlagCode.NOT_PLANNED]
    assert checked.held
    assert "no visit of 30 minutes was planned for PKG-0001 on 03/07/2017" in (
        checked.flags[0].message
    )


def test_a_carer_at_two_overlapping_visits_holds_both():
    planned = planned_week("2x30 Mon")
    first = a_record("V-1", carer_ids=("C-7",), actual_start_at=at(8), actual_end_at=at(8, 30))
    second = a_record(
        "V-2",
        package_reference="PKG-0002",
        carer_ids=("C-7", "C-8"),
        actual_start_at=at(8, 20),
        actual_end_at=at(8, 50),
    )
    third = a_record("V-3", carer_ids=("C-7",), actual_start_at=at(8, 50), actual_end_at=at(9))
    checked = check(match([first, second, third], planned))
    assert [FlagCode.OVERLAP in flags_of(c) for c in checked] == [True, True, False]
    assert checked[0].flags[-1].message == "carer C-7 is also at visit V-2 at the same time"


def test_an_overlap_with_a_visit_received_earlier_is_found_and_flags_the_new_one():
    earlier = a_record("V-1", carer_ids=("C-7",), actual_start_at=at(8), actual_end_at=at(8, 30))
    new = a_record(
        "V-2",
        package_reference="PKG-0002",
        carer_ids=("C-7",),
        actual_start_at=at(8, 20),
        actual_end_at=at(8, 50),
    )
    [checked] = check(match([new], planned_week()), earlier=[earlier])
    assert [f.message for f in checked.flags if f.code is FlagCode.OVERLAP] == [
        "carer C-7 is also at visit V-1 at the same time"
    ]
    # a new version of the same visit is not an overlap with its earlier self
    again = replace(earlier, notes="corrected")
    [checked] = check(match([again], planned_week()), earlier=[earlier])
    assert FlagCode.OVERLAP not in flags_of(checked)


def test_visits_without_carer_ids_are_not_checked_for_overlaps():
    planned = planned_week("2x30 Mon")
    records = [a_record("V-1"), a_record("V-2", planned_start_at=at(8, 10))]
    assert all(FlagCode.OVERLAP not in flags_of(c) for c in check(match(records, planned)))


def test_checking_out_before_checking_in_is_held():
    record = a_record(actual_start_at=at(8, 30), actual_end_at=at(8, 5))
    [checked] = check(match([record], planned_week()))
    assert flags_of(checked) == [FlagCode.CHECK_OUT_BEFORE_CHECK_IN]
    assert checked.flags[0].message == "checked out at 08:05, before checking in at 08:30"


def test_implausibly_short_or_long_visits_are_held():
    short = a_record(actual_start_at=at(8), actual_end_at=at(8, 2))
    long = a_record("V-2", actual_start_at=at(8), actual_end_at=at(11))
    checked = check(match([short, long], planned_week()))
    assert [flags_of(c) for c in checked] == [[FlagCode.IMPLAUSIBLE_DURATION]] * 2
    assert checked[0].flags[0].message == "lasted 2 min, under 3 minutes"
    assert checked[1].flags[0].message == "lasted 3 h, over 120 minutes longer than planned"


def test_a_manually_confirmed_visit_is_flagged_and_paid_unless_the_contract_holds_it():
    record = a_record(verification=Verification.MANUAL)
    [checked] = check(match([record], planned_week()))
    assert flags_of(checked) == [FlagCode.MANUAL]
    assert not checked.held
    [strict] = check(match([record], planned_week()), CheckLimits(hold_manual=True))
    assert strict.held


def test_a_cancellation_without_a_notice_time_is_held():
    record = a_record(
        status=VisitStatus.CANCELLED, actual_start_at=None, actual_end_at=None, cancelled_at=None
    )
    [checked] = check(match([record], planned_week()))
    assert flags_of(checked) == [FlagCode.CANCELLED_WITHOUT_NOTICE_TIME]


def test_a_good_record_raises_no_flag():
    [checked] = check(match([a_record()], planned_week()))
    assert checked.flags == ()


def test_durations_are_written_as_people_read_them():
    assert format_duration(timedelta(minutes=27)) == "27 min"
    assert format_duration(timedelta(minutes=65)) == "1 h 5 min"
    assert format_duration(timedelta(minutes=27, seconds=30)) == "27 min 30 s"
    assert format_duration(timedelta(minutes=-10)) == "-10 min"


def test_a_record_belongs_to_the_london_day_of_its_planned_start():
    late = a_record(planned_start_at=datetime(2017, 7, 3, 23, 30, tzinfo=LONDON))
    assert late.day == MONDAY
    assert replace(late, planned_start_at=at(0, 30, MONDAY + timedelta(days=1))).day == date(
        2017, 7, 4
    )
