"""Visit schedules: a package's pattern expanded into planned visits, day by day."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.patterns import VisitLine, parse_pattern, weekly_minutes
from caremarket.domain.schedules import (
    DateRange,
    InvalidSchedule,
    PatternFrom,
    Schedule,
    schedule_of,
)
from tests.builders import a_care_package

MONDAY = date(2017, 7, 3)
A_WEEK = DateRange(MONDAY, MONDAY + timedelta(days=6))


def a_schedule(pattern: str = "4x30 daily", **overrides) -> Schedule:
    values = {
        "package_reference": "PKG-0001",
        "person_reference": "P-0001",
        "start_on": date(2017, 7, 1),
        "end_on": None,
        "patterns": (PatternFrom(date(2017, 7, 1), parse_pattern(pattern)),),
    }
    return Schedule(**(values | overrides))


def test_four_calls_a_day_are_planned_from_half_past_seven_three_and_three_quarter_hours_apart():
    visits = a_schedule("4x30 daily").visits_on(MONDAY)
    assert [v.starts for v in visits] == [time(7, 30), time(11, 15), time(15, 0), time(18, 45)]
    assert {(v.minutes, v.carers) for v in visits} == {(30, 1)}


def test_a_double_handed_weekday_call_joins_the_days_calls_in_the_spread():
    schedule = a_schedule("4x30 daily; 1x45x2 Mon-Fri")
    monday = schedule.visits_on(MONDAY)
    assert [v.starts for v in monday] == [
        time(7, 30),
        time(10, 30),
        time(13, 30),
        time(16, 30),
        time(19, 30),
    ]
    assert [(v.minutes, v.carers) for v in monday][-1] == (45, 2)
    saturday = schedule.visits_on(MONDAY + timedelta(days=5))
    assert len(saturday) == 4


def test_a_sleep_in_night_starts_at_ten_in_the_evening_and_a_live_in_day_at_midnight():
    nights = a_schedule("1x600@SLEEP-IN Fri,Sat").visits_on(date(2017, 7, 7))
    assert [(v.starts, v.service) for v in nights] == [(time(22), "SLEEP-IN")]
    assert nights[0].ends_at.hour == 8
    live_in = a_schedule("1x1440").visits_on(MONDAY)
    assert [v.starts for v in live_in] == [time(0)]
    shifts = a_schedule("2x720").visits_on(MONDAY)
    assert [v.starts for v in shifts] == [time(0), time(12)]


def test_a_planned_start_is_london_time_on_its_day():
    visit = a_schedule("1x30 daily").visits_on(MONDAY)[0]
    assert visit.starts_at.utcoffset() == timedelta(hours=1)  # British Summer Time
    assert visit.starts_at.isoformat() == "2017-07-03T07:30:00+01:00"


def test_nothing_is_planned_before_the_start_or_after_the_end():
    schedule = a_schedule("1x30 daily", start_on=date(2017, 7, 5), end_on=date(2017, 7, 7))
    assert [v.day for v in schedule.visits(A_WEEK)] == [
        date(2017, 7, 5),
        date(2017, 7, 6),
        date(2017, 7, 7),
    ]


def test_a_hospital_stay_suspends_the_visits_on_its_days_inclusive():
    stay = DateRange(date(2017, 7, 4), date(2017, 7, 6))
    schedule = a_schedule("2x30 daily", suspensions=(stay,))
    days = {v.day for v in schedule.visits(A_WEEK)}
    assert days == {MONDAY, date(2017, 7, 7), date(2017, 7, 8), date(2017, 7, 9)}


def test_a_new_pattern_applies_from_its_date():
    schedule = a_schedule(
        patterns=(
            PatternFrom(date(2017, 7, 1), parse_pattern("4x30 daily")),
            PatternFrom(date(2017, 7, 6), parse_pattern("3x30 daily")),
        )
    )
    per_day = {d: len(schedule.visits_on(d)) for d in A_WEEK.days()}
    assert [per_day[d] for d in sorted(per_day)] == [4, 4, 4, 3, 3, 3, 3]


def test_pattern_changes_must_come_in_date_order():
    with pytest.raises(InvalidSchedule):
        a_schedule(
            patterns=(
                PatternFrom(date(2017, 7, 6), parse_pattern("3x30 daily")),
                PatternFrom(date(2017, 7, 1), parse_pattern("4x30 daily")),
            )
        )


def test_a_package_schedule_follows_its_dates_and_current_pattern():
    package = a_care_package(pattern=parse_pattern("1x45x2 Mon-Fri"), end_on=date(2017, 7, 4))
    visits = schedule_of(package).visits(A_WEEK)
    assert [(v.day, v.minutes, v.carers) for v in visits] == [
        (MONDAY, 45, 2),
        (date(2017, 7, 4), 45, 2),
    ]
    assert visits[0].package_reference == "PKG-0001"
    assert visits[0].person_reference == "P-0001"


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidSchedule):
        DateRange(date(2017, 7, 2), date(2017, 7, 1))


lines = st.builds(
    lambda calls_and_minutes, days, carers: VisitLine(*calls_and_minutes, days, carers),
    st.tuples(st.integers(1, 4), st.sampled_from([15, 30, 45, 60, 600, 720])).filter(
        lambda cm: cm[0] * cm[1] <= 1440
    ),
    st.frozensets(st.integers(0, 6), min_size=1),
    st.integers(1, 2),
)
patterns = st.lists(lines, min_size=1, max_size=4).map(tuple)
days = st.dates(date(2016, 1, 1), date(2030, 12, 31))


@given(pattern=patterns, first=days)
def test_any_week_plans_the_patterns_weekly_carer_minutes(pattern, first) -> None:
    schedule = a_schedule(start_on=date(2015, 1, 1), patterns=(PatternFrom(first, pattern),))
    week = DateRange(first, first + timedelta(days=6))
    planned = schedule.visits(week)
    assert sum(v.carer_minutes for v in planned) == weekly_minutes(pattern)


@given(
    pattern=patterns,
    start=days,
    length=st.integers(0, 60),
    stays=st.lists(st.tuples(days, st.integers(0, 20)), max_size=3),
    period_start=days,
)
def test_nothing_is_planned_outside_the_packages_dates_or_in_a_suspension(
    pattern, start, length, stays, period_start
) -> None:
    suspensions = tuple(DateRange(d, d + timedelta(days=n)) for d, n in stays)
    schedule = a_schedule(
        start_on=start,
        end_on=start + timedelta(days=length),
        patterns=(PatternFrom(start, pattern),),
        suspensions=suspensions,
    )
    period = DateRange(period_start, period_start + timedelta(days=90))
    for visit in schedule.visits(period):
        assert start <= visit.day <= start + timedelta(days=length)
        assert visit.day in period
        assert not any(visit.day in s for s in suspensions)
