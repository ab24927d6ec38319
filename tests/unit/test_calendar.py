"""Working time: windows in business hours, bank holidays, summer time, working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.calendar import InvalidWindow, Window, WorkingWeek
from caremarket.holidays import bank_holidays, working_week

LONDON = ZoneInfo("Europe/London")
WEEK = working_week()
FIVE_BUSINESS_HOURS = Window(Decimal(5), business_hours=True)


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def test_a_window_opened_on_friday_afternoon_runs_into_monday() -> None:
    assert FIVE_BUSINESS_HOURS.ends_at(london(2026, 11, 20, 15), WEEK) == london(2026, 11, 23, 10)


def test_a_bank_holiday_monday_is_skipped() -> None:
    # Friday 22 May 2026, then the spring bank holiday on Monday 25 May
    assert FIVE_BUSINESS_HOURS.ends_at(london(2026, 5, 22, 15), WEEK) == london(2026, 5, 26, 10)


def test_a_window_opened_at_night_starts_counting_when_the_office_opens() -> None:
    assert FIVE_BUSINESS_HOURS.ends_at(london(2026, 11, 23, 21), WEEK) == london(2026, 11, 24, 13)
    assert FIVE_BUSINESS_HOURS.ends_at(london(2026, 11, 21, 9), WEEK) == london(2026, 11, 23, 13)


def test_a_window_across_the_change_to_summer_time_holds_its_hours() -> None:
    ends = FIVE_BUSINESS_HOURS.ends_at(london(2026, 3, 27, 16), WEEK)
    assert ends == london(2026, 3, 30, 11)
    assert ends.utcoffset() == timedelta(0)  # given back in UTC
    assert ends == datetime(2026, 3, 30, 10, tzinfo=UTC)


def test_a_clock_window_ignores_the_working_week() -> None:
    five_hours = Window(Decimal(5))
    assert five_hours.ends_at(london(2026, 11, 21, 22), WEEK) == london(2026, 11, 22, 3)


def test_a_window_ending_exactly_at_closing_time_ends_then() -> None:
    assert Window(Decimal(10), business_hours=True).ends_at(london(2026, 11, 23, 8), WEEK) == (
        london(2026, 11, 23, 18)
    )


def test_windows_describe_themselves() -> None:
    assert FIVE_BUSINESS_HOURS.describe() == "5 business hours"
    assert Window(Decimal("1.5")).describe() == "1.5 hours"


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_a_window_must_have_a_length(hours: str) -> None:
    with pytest.raises(InvalidWindow):
        Window(Decimal(hours))


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidWindow, match="no time zone"):
        FIVE_BUSINESS_HOURS.ends_at(datetime(2026, 11, 23, 9), WEEK)


def test_bridging_counts_working_days() -> None:
    # Thursday 24 December 2026: Christmas and Boxing Day (substitute Monday 28th) fall between
    assert WEEK.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert WEEK.add_working_days(date(2026, 11, 20), 3) == date(2026, 11, 25)


def test_the_shipped_bank_holidays_cover_england_and_wales_to_2028() -> None:
    holidays = bank_holidays()
    assert date(2026, 8, 31) in holidays  # summer bank holiday, England and Wales only
    assert date(2026, 8, 3) not in holidays  # Scotland's
    assert max(holidays).year == 2028


def test_a_working_day_must_close_after_it_opens() -> None:
    from datetime import time

    with pytest.raises(InvalidWindow):
        WorkingWeek(opens=time(18), closes=time(8))


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 6, 30), timezones=st.just(LONDON)
)


@given(start=moments, minutes=st.integers(min_value=0, max_value=60 * 60))
def test_a_window_holds_exactly_its_working_time(start: datetime, minutes: int) -> None:
    length = timedelta(minutes=minutes)
    ends = WEEK.add(start, length)
    assert ends >= start
    assert WEEK.between(start, ends) == length


@given(start=moments, a=st.integers(0, 3000), b=st.integers(0, 3000))
def test_a_longer_window_never_ends_sooner(start: datetime, a: int, b: int) -> None:
    shorter, longer = sorted((a, b))
    assert WEEK.add(start, timedelta(minutes=shorter)) <= WEEK.add(start, timedelta(minutes=longer))
