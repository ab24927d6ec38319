"""A package's suspensions and pattern history, as the schedule follows them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.changes import ChangeProposal, ChangeStatus
from caremarket.domain.package_suspensions import (
    PackageSuspension,
    SuspensionAlreadyEnded,
    SuspensionReason,
    SuspensionRefused,
    pattern_history,
    schedule_from_history,
    suspend,
)
from caremarket.domain.packages import PackageStatus
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.schedules import DateRange, PatternFrom
from tests.builders import a_care_package, a_provider

AT = datetime(2018, 4, 1, 9, tzinfo=UTC)
ONE, TWO, THREE = (parse_pattern(f"{n}x30 daily") for n in (1, 2, 3))


def a_change(
    before, after, effective_on: date, *, at: datetime, status=ChangeStatus.APPLIED, decided=None
) -> ChangeProposal:
    package = a_care_package()
    return ChangeProposal(
        package,
        a_provider(),
        tuple(before),
        tuple(after),
        effective_on,
        at,
        "coordinator",
        "review",
        status,
        decided_at=decided,
    )


def a_suspension(first: date, last: date | None) -> PackageSuspension:
    return PackageSuspension(
        a_care_package(), first, last, SuspensionReason.HOSPITAL, "", AT, "broker"
    )


def test_without_changes_the_current_pattern_runs_from_the_start() -> None:
    package = a_care_package(pattern=TWO, start_on=date(2018, 3, 1))
    assert pattern_history(package, []) == (PatternFrom(date(2018, 3, 1), tuple(TWO)),)


def test_changes_in_force_follow_each_other_and_rejected_ones_are_ignored() -> None:
    package = a_care_package(pattern=ONE, start_on=date(2018, 3, 1))
    changes = [
        a_change(ONE, TWO, date(2018, 4, 16), at=AT, status=ChangeStatus.APPROVED, decided=AT),
        a_change(
            TWO, THREE, date(2018, 4, 18), at=AT + timedelta(days=1), status=ChangeStatus.REJECTED
        ),
        a_change(TWO, ONE, date(2018, 4, 23), at=AT + timedelta(days=2)),
    ]
    assert pattern_history(package, changes) == (
        PatternFrom(date(2018, 3, 1), tuple(ONE)),
        PatternFrom(date(2018, 4, 16), tuple(TWO)),
        PatternFrom(date(2018, 4, 23), tuple(ONE)),
    )


def test_a_later_change_replaces_what_earlier_ones_planned_from_its_date_on() -> None:
    """Recorded first: three calls from 20 April; then two calls from 10 April. The second
    took hold last, so two calls run from 10 April on, and the first never takes effect."""
    package = a_care_package(pattern=ONE, start_on=date(2018, 3, 1))
    changes = [
        a_change(ONE, THREE, date(2018, 4, 20), at=AT),
        a_change(THREE, TWO, date(2018, 4, 10), at=AT + timedelta(days=1)),
    ]
    assert pattern_history(package, changes) == (
        PatternFrom(date(2018, 3, 1), tuple(ONE)),
        PatternFrom(date(2018, 4, 10), tuple(TWO)),
    )


def test_a_change_effective_before_the_start_replaces_the_first_pattern() -> None:
    package = a_care_package(pattern=TWO, start_on=date(2018, 3, 1))
    changes = [a_change(ONE, TWO, date(2018, 2, 1), at=AT)]
    assert pattern_history(package, changes) == (PatternFrom(date(2018, 3, 1), tuple(TWO)),)


def test_an_open_suspension_stops_visits_until_it_is_ended() -> None:
    package = a_care_package(pattern=ONE, start_on=date(2018, 3, 1))
    stay = a_suspension(date(2018, 4, 11), None)
    period = DateRange(date(2018, 4, 9), date(2018, 4, 20))
    schedule = schedule_from_history(package, [], [stay])
    assert [v.day.day for v in schedule.visits(period)] == [9, 10]
    stay.end(date(2018, 4, 17), at=AT, by="provider")
    schedule = schedule_from_history(package, [], [stay])
    assert [v.day.day for v in schedule.visits(period)] == [9, 10, 18, 19, 20]
    with pytest.raises(SuspensionAlreadyEnded):
        stay.end(date(2018, 4, 18), at=AT, by="provider")


def test_a_suspension_is_refused_outside_the_package_or_over_another() -> None:
    package = a_care_package(start_on=date(2018, 3, 1), end_on=date(2018, 6, 30))
    kwargs = {"reason": SuspensionReason.RESPITE, "note": "", "at": AT, "by": "broker"}
    earlier = [a_suspension(date(2018, 4, 11), date(2018, 4, 17))]
    with pytest.raises(SuspensionRefused, match="overlaps"):
        suspend(package, from_on=date(2018, 4, 1), to_on=None, earlier=earlier, **kwargs)
    with pytest.raises(SuspensionRefused, match="before it starts"):
        suspend(package, from_on=date(2018, 5, 2), to_on=date(2018, 5, 1), earlier=[], **kwargs)
    with pytest.raises(SuspensionRefused, match="ends on"):
        suspend(package, from_on=date(2018, 7, 1), to_on=None, earlier=[], **kwargs)
    ended = a_care_package(status=PackageStatus.ENDED)
    with pytest.raises(SuspensionRefused, match="not active"):
        suspend(ended, from_on=date(2018, 5, 1), to_on=None, earlier=[], **kwargs)
    made = suspend(
        package, from_on=date(2018, 4, 18), to_on=date(2018, 4, 20), earlier=earlier, **kwargs
    )
    assert made.days == DateRange(date(2018, 4, 18), date(2018, 4, 20))


@given(
    first=st.dates(date(2018, 3, 1), date(2018, 5, 31)),
    length=st.integers(0, 40),
)
def test_no_visit_is_planned_on_a_suspended_day_and_every_other_day_has_its_calls(
    first: date, length: int
) -> None:
    package = a_care_package(pattern=TWO, start_on=date(2018, 3, 1))
    stay = a_suspension(first, first + timedelta(days=length))
    period = DateRange(date(2018, 3, 1), date(2018, 6, 30))
    visits = schedule_from_history(package, [], [stay]).visits(period)
    for day in period.days():
        expected = 0 if day in stay.days else 2
        assert sum(1 for v in visits if v.day == day) == expected
