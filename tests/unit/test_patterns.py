"""Visit patterns: the notation people type, and the carer minutes a week it delivers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.errors import InvalidVisitPattern
from caremarket.domain.patterns import (
    VisitLine,
    format_days,
    format_pattern,
    parse_days,
    parse_line,
    parse_pattern,
    weekly_hours,
    weekly_minutes,
)

WEEKDAYS = frozenset(range(5))
EVERY_DAY = frozenset(range(7))


def test_four_thirty_minute_calls_a_day_are_fourteen_hours_a_week() -> None:
    pattern = parse_pattern("4x30 daily")
    assert pattern == (VisitLine(calls_per_day=4, minutes=30, days=EVERY_DAY),)
    assert weekly_minutes(pattern) == 840
    assert weekly_hours(pattern) == Decimal(14)


def test_a_double_handed_call_counts_its_minutes_once_for_each_carer() -> None:
    line = parse_line("1x45x2 Mon-Fri")
    assert line == VisitLine(calls_per_day=1, minutes=45, days=WEEKDAYS, carers=2)
    assert line.calls_per_week == 5
    assert line.weekly_minutes == 450


def test_the_weekly_minutes_of_a_pattern_add_up_its_lines() -> None:
    pattern = parse_pattern("4x30 daily; 1x45x2 Mon-Fri")
    assert weekly_minutes(pattern) == 840 + 450
    assert weekly_hours(pattern) == Decimal("21.5")


def test_a_line_may_name_a_service_of_its_own_written_in_capitals() -> None:
    line = parse_line("1x600@sleep-in Fri,Sat")
    assert line.service == "SLEEP-IN"
    assert line.days == frozenset({4, 5})
    assert line.weekly_minutes == 1200


def test_a_line_without_days_runs_every_day() -> None:
    assert parse_line("2x15").days == EVERY_DAY


def test_spaces_around_the_parts_of_a_line_are_allowed() -> None:
    assert parse_line(" 1 x 45 x 2 @ SIT Mon - Fri ") == VisitLine(
        1, 45, days=WEEKDAYS, carers=2, service="SIT"
    )


def test_empty_lines_between_semicolons_are_ignored() -> None:
    assert parse_pattern("4x30 daily;; ;") == parse_pattern("4x30 daily")


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("daily", EVERY_DAY),
        ("Daily", EVERY_DAY),
        ("nightly", EVERY_DAY),
        ("weekdays", WEEKDAYS),
        ("weekends", frozenset({5, 6})),
        ("Mon-Fri", WEEKDAYS),
        ("mon-fri", WEEKDAYS),
        ("Monday-Friday", WEEKDAYS),
        ("Sat-Sun", frozenset({5, 6})),
        ("Mon", frozenset({0})),
        ("Mon,Wed,Fri", frozenset({0, 2, 4})),
        ("Mon-Wed, Fri", frozenset({0, 1, 2, 4})),
        ("Tues,Thurs", frozenset({1, 3})),
        ("Sun-Sun", frozenset({6})),
    ],
)
def test_days_are_read_as_names_ranges_and_lists(typed: str, days: frozenset[int]) -> None:
    assert parse_days(typed) == days


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        (EVERY_DAY, "daily"),
        (WEEKDAYS, "weekdays"),
        (frozenset({5, 6}), "weekends"),
        (frozenset({0, 1, 2}), "Mon-Wed"),
        (frozenset({0, 2, 4}), "Mon,Wed,Fri"),
        (frozenset({0, 1, 3, 4, 6}), "Mon-Tue,Thu-Fri,Sun"),
        (frozenset({6}), "Sun"),
    ],
)
def test_days_are_shown_in_the_shortest_usual_form(days: frozenset[int], shown: str) -> None:
    assert format_days(days) == shown


def test_a_range_of_days_running_backwards_is_refused() -> None:
    with pytest.raises(InvalidVisitPattern) as refused:
        parse_days("Fri-Mon")
    assert str(refused.value) == "'fri-mon': a range of days runs Monday to Sunday"


@pytest.mark.parametrize("typed", ["Funday", "Mo", "Mon,", "Mon-Tue-Wed", "daily,Mon", "1-5"])
def test_what_is_not_a_day_or_range_of_days_is_refused(typed: str) -> None:
    with pytest.raises(InvalidVisitPattern, match="day"):
        parse_days(typed)


def test_an_unknown_day_is_refused_naming_the_days_of_the_week() -> None:
    with pytest.raises(InvalidVisitPattern) as refused:
        parse_days("Funday")
    assert str(refused.value) == "'funday' is not a day of the week (Mon, Tue, ... Sun)"


@pytest.mark.parametrize("typed", ["four x 30", "4x", "x30", "4*30 daily", "4x30daily", "30 mins"])
def test_a_line_not_in_the_notation_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(InvalidVisitPattern) as refused:
        parse_line(typed)
    message = str(refused.value)
    assert message.startswith(f"{typed.strip()!r} is not a visit line")
    assert "e.g. '4x30 daily' or '1x45x2 Mon-Fri'" in message


@pytest.mark.parametrize("typed", ["", "   ", ";", " ; ; "])
def test_an_empty_pattern_is_refused(typed: str) -> None:
    with pytest.raises(InvalidVisitPattern, match="the visit pattern is empty"):
        parse_pattern(typed)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0x30 daily", "a visit line needs at least one call a day"),
        ("1x0 daily", "a call lasts 1 to 1440 minutes, not 0"),
        ("1x1441 daily", "a call lasts 1 to 1440 minutes, not 1441"),
        ("3x500 daily", "3 calls of 500 minutes do not fit in a day"),
        ("1x30x0 daily", "a call needs 1 to 4 carers, not 0"),
        ("1x30x5 daily", "a call needs 1 to 4 carers, not 5"),
    ],
)
def test_a_line_that_cannot_be_delivered_is_refused_saying_why(typed: str, reason: str) -> None:
    with pytest.raises(InvalidVisitPattern) as refused:
        parse_line(typed)
    assert str(refused.value) == reason


def test_a_call_may_fill_the_whole_day() -> None:
    assert parse_line("1x1440 daily").weekly_minutes == 7 * 1440
    assert parse_line("2x720x4").weekly_minutes == 7 * 1440 * 4


@pytest.mark.parametrize("days", [frozenset(), frozenset({7}), frozenset({-1, 0})])
def test_a_line_needs_days_of_the_week(days: frozenset[int]) -> None:
    with pytest.raises(InvalidVisitPattern, match="at least one day of the week"):
        VisitLine(calls_per_day=1, minutes=30, days=days)


def test_a_pattern_is_written_back_in_its_notation() -> None:
    pattern = parse_pattern("4 x 30 Daily;1x45x2 monday-friday; 1x600@sleep-in fri,sat")
    assert format_pattern(pattern) == "4x30 daily; 1x45x2 weekdays; 1x600@SLEEP-IN Fri-Sat"


visit_lines = st.builds(
    lambda calls, minutes, carers, days, service: VisitLine(
        calls_per_day=calls, minutes=minutes, carers=carers, days=days, service=service
    ),
    calls=st.integers(1, 6),
    minutes=st.integers(1, 240),
    carers=st.integers(1, 4),
    days=st.frozensets(st.integers(0, 6), min_size=1),
    service=st.none() | st.from_regex(r"[A-Z0-9][A-Z0-9_-]{0,11}", fullmatch=True),
)


@given(st.lists(visit_lines, min_size=1, max_size=5))
def test_any_pattern_survives_being_written_and_read_back(lines: list[VisitLine]) -> None:
    pattern = tuple(lines)
    assert parse_pattern(format_pattern(pattern)) == pattern


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_any_set_of_days_survives_being_written_and_read_back(days: frozenset[int]) -> None:
    assert parse_days(format_days(days)) == days


@given(st.lists(visit_lines, min_size=1, max_size=5))
def test_weekly_hours_are_weekly_minutes_over_sixty(lines: list[VisitLine]) -> None:
    # hours are an exact Decimal quotient, to Decimal's 28 significant digits
    assert weekly_hours(lines) == Decimal(weekly_minutes(lines)) / 60
    assert abs(weekly_hours(lines) * 60 - weekly_minutes(lines)) < Decimal("1E-20")
    assert weekly_minutes(lines) == sum(
        line.calls_per_day * len(line.days) * line.minutes * line.carers for line in lines
    )


@pytest.mark.parametrize("days", ["Monkey", "Sundae", "Fri-Satur"])
def test_a_word_that_only_begins_like_a_day_is_not_a_day(days: str) -> None:
    with pytest.raises(InvalidVisitPattern, match="is not a day of the week"):
        parse_days(days)


def test_full_day_names_are_understood() -> None:
    assert parse_days("Monday-Wednesday") == frozenset({0, 1, 2})
