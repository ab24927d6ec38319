"""Bridging care, delay days, hand-backs and trusted-assessor changes, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from caremarket.domain.changes import (
    ChangeAlreadyDecided,
    ChangeRefused,
    ChangeStatus,
    propose_change,
)
from caremarket.domain.discharge import InvalidBridge, delay_days, plan_bridge
from caremarket.domain.hand_backs import HandBackReason, HandBackRefused, hand_back
from caremarket.domain.packages import PackageStatus
from caremarket.domain.patterns import parse_pattern
from caremarket.holidays import working_week
from tests.builders import a_care_package, a_provider

AT = datetime(2026, 12, 18, 10, tzinfo=UTC)
WEEK = working_week()


def held_by_provider():
    provider = a_provider()
    return a_care_package(provider=provider, pattern=parse_pattern("4x30 daily")), provider


def test_a_bridge_of_three_working_days_skips_the_weekend() -> None:
    package = a_care_package(status=PackageStatus.SOURCING)
    bridge = plan_bridge(
        package,
        "Discharge Response Team",
        starts_on=date(2026, 12, 18),  # a Friday
        working_days=3,
        week=WEEK,
        placed_at=AT,
        placed_by="broker",
    )
    assert bridge.planned_end_on == date(2026, 12, 22)  # Friday, Monday, Tuesday


def test_a_bridge_over_christmas_skips_the_bank_holidays() -> None:
    package = a_care_package(status=PackageStatus.SOURCING)
    bridge = plan_bridge(
        package,
        "HART",
        starts_on=date(2026, 12, 24),  # Thursday; 25th and 28th (substitute) are holidays
        working_days=2,
        week=WEEK,
        placed_at=AT,
        placed_by="broker",
    )
    assert bridge.planned_end_on == date(2026, 12, 29)


@pytest.mark.parametrize("days", [0, 4])
def test_a_bridge_lasts_one_to_three_working_days(days: int) -> None:
    with pytest.raises(InvalidBridge, match="1 to 3 working days"):
        plan_bridge(
            a_care_package(),
            "HART",
            starts_on=date(2026, 12, 18),
            working_days=days,
            week=WEEK,
            placed_at=AT,
            placed_by="broker",
        )


def test_delay_days_run_from_fit_for_discharge_to_the_start_of_care() -> None:
    fit = date(2026, 12, 1)
    assert delay_days(fit, date(2026, 12, 4), on=date(2026, 12, 10)) == 3
    assert delay_days(fit, None, on=date(2026, 12, 10)) == 9  # still waiting
    assert delay_days(fit, date(2026, 12, 20), on=date(2026, 12, 10)) == 9
    assert delay_days(None, None, on=date(2026, 12, 10)) == 0


def test_a_hand_back_gives_notice_and_ends_the_day_before_the_new_start() -> None:
    package, provider = held_by_provider()
    given = hand_back(
        package,
        provider=provider,
        reason=HandBackReason.STAFFING,
        given_at=AT,
        given_by="coordinator",
        today=date(2026, 12, 18),
        notice_days=14,
    )
    assert given.notice_ends_on == date(2027, 1, 1)
    assert given.release(date(2026, 12, 23)) == date(2026, 12, 22)
    late = hand_back(
        package,
        provider=provider,
        reason=HandBackReason.STAFFING,
        given_at=AT,
        given_by="coordinator",
        today=date(2026, 12, 18),
        notice_days=14,
    )
    assert late.release(date(2027, 2, 1)) == date(2027, 1, 1)  # notice ends first


def test_only_the_provider_holding_a_package_can_hand_it_back() -> None:
    package, _ = held_by_provider()
    with pytest.raises(HandBackRefused):
        hand_back(
            package,
            provider=a_provider(name="Someone Else"),
            reason=HandBackReason.OTHER,
            given_at=AT,
            given_by="x",
            today=date(2026, 12, 18),
        )


def test_a_reduction_within_the_limit_applies_at_once() -> None:
    package, provider = held_by_provider()  # 14 hours a week
    proposal = propose_change(
        package,
        provider=provider,
        pattern=parse_pattern("3x30 daily; 1x15 daily"),  # 12.25 hours: -12.5%
        effective_on=date(2026, 12, 21),
        reason="review: lunchtime call needs only 15 minutes",
        at=AT,
        by="coordinator",
        reduction_limit=Decimal(20),
    )
    assert proposal.change_percent == Decimal("-12.5")
    assert proposal.status is ChangeStatus.APPLIED
    assert package.pattern == parse_pattern("3x30 daily; 1x15 daily")


@pytest.mark.parametrize(
    ("visits", "percent"),
    [("2x30 daily", Decimal("-50.0")), ("4x45 daily", Decimal("50.0"))],
)
def test_a_larger_reduction_or_an_increase_waits_for_approval(visits, percent) -> None:
    package, provider = held_by_provider()
    proposal = propose_change(
        package,
        provider=provider,
        pattern=parse_pattern(visits),
        effective_on=date(2026, 12, 21),
        reason="review",
        at=AT,
        by="coordinator",
    )
    assert proposal.change_percent == percent
    assert proposal.status is ChangeStatus.AWAITING_APPROVAL
    assert package.pattern == parse_pattern("4x30 daily")  # unchanged until approved
    proposal.decide(approve=True, at=AT, by="broker")
    assert package.pattern == parse_pattern(visits)
    with pytest.raises(ChangeAlreadyDecided):
        proposal.decide(approve=False, at=AT, by="broker")


def test_a_change_needs_a_reason_and_a_difference() -> None:
    package, provider = held_by_provider()
    for pattern, reason in ((parse_pattern("2x30 daily"), " "), (package.pattern, "review")):
        with pytest.raises(ChangeRefused):
            propose_change(
                package,
                provider=provider,
                pattern=pattern,
                effective_on=date(2026, 12, 21),
                reason=reason,
                at=AT,
                by="coordinator",
            )
