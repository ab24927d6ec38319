"""How pages say how long is left before a window closes, and how long something took."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caremarket.web.pages.formats import duration, time_left

NOW = datetime(2026, 11, 20, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "shown"),
    [
        (timedelta(seconds=-1), "Closed"),
        (timedelta(0), "Closed"),
        (timedelta(seconds=59), "Less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=2, minutes=5, seconds=30), "2 hours 5 minutes"),
        (timedelta(hours=3), "3 hours"),
        (timedelta(days=1, minutes=20), "1 day"),
        (timedelta(days=2, hours=3, minutes=4), "2 days 3 hours"),
    ],
)
def test_time_left_is_told_to_the_minute_and_in_days_beyond_a_day(after, shown) -> None:
    assert time_left(NOW + after, NOW) == shown


def test_a_duration_never_runs_backwards() -> None:
    assert duration(NOW, NOW - timedelta(hours=1)) == "Less than a minute"
    assert duration(NOW, NOW + timedelta(minutes=90)) == "1 hour 30 minutes"
