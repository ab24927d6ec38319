"""Care packages: weekly hours, when they are active, who funds them, and their pathway."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caremarket.domain.errors import SharesDoNotAddUp
from caremarket.domain.market import ServiceKind
from caremarket.domain.packages import (
    PERSONAL_CONTRIBUTION,
    FundingShare,
    PackageStatus,
    classify,
)
from caremarket.domain.patterns import parse_pattern
from tests.builders import a_care_package, a_commissioner, a_service

START = date(2017, 7, 1)


def test_a_packages_weekly_hours_are_its_patterns_carer_hours() -> None:
    package = a_care_package(pattern=parse_pattern("4x30 daily; 1x45x2 Mon-Fri"))
    assert package.weekly_minutes == 1290
    assert package.weekly_hours == Decimal("21.5")


def test_a_package_is_funded_wholly_by_its_commissioner_unless_told_otherwise() -> None:
    package = a_care_package(commissioner=a_commissioner(code="HFD"))
    assert package.funding == (FundingShare("HFD", Decimal(100)),)


def test_a_package_may_be_funded_jointly_with_the_persons_contribution() -> None:
    funding = (
        FundingShare("HFD", Decimal("50")),
        FundingShare("ICB", Decimal("33.33")),
        FundingShare(PERSONAL_CONTRIBUTION, Decimal("16.67")),
    )
    assert a_care_package(funding=funding).funding == funding


def test_a_packages_funding_must_add_up_to_100() -> None:
    with pytest.raises(SharesDoNotAddUp) as refused:
        a_care_package(
            reference="PKG-0042",
            funding=(FundingShare("HFD", Decimal(50)), FundingShare("ICB", Decimal(40))),
        )
    assert str(refused.value) == "the funding of PKG-0042 must add up to exactly 100%, not 90%"


@pytest.mark.parametrize(
    ("day", "active"),
    [
        (date(2017, 6, 30), False),
        (START, True),
        (date(2017, 9, 30), True),
        (date(2017, 10, 1), False),
    ],
)
def test_an_active_package_is_active_from_its_start_to_its_end_inclusive(
    day: date, active: bool
) -> None:
    package = a_care_package(start_on=START, end_on=date(2017, 9, 30))
    assert package.active_on(day) is active


def test_an_active_package_without_an_end_is_active_from_its_start_on() -> None:
    package = a_care_package(start_on=START, end_on=None)
    assert not package.active_on(date(2017, 6, 30))
    assert package.active_on(date(2030, 1, 1))


@pytest.mark.parametrize("status", [s for s in PackageStatus if s is not PackageStatus.ACTIVE])
def test_a_package_that_is_not_active_is_active_on_no_day(status: PackageStatus) -> None:
    package = a_care_package(start_on=START, status=status)
    assert not package.active_on(date(2017, 8, 1))


def test_a_package_names_its_services_by_code_and_kind() -> None:
    package = a_care_package(
        service=a_service(code="PC", kind=ServiceKind.VISITS),
        pattern=parse_pattern("4x30 daily; 1x600@SLEEP-IN Fri"),
    )
    assert package.service_codes == {"PC", "visits", "SLEEP-IN"}


@pytest.mark.parametrize(
    ("pattern", "pathway"),
    [
        ("4x30 daily", "O"),  # 14 hours
        ("4x60 daily", "D"),  # exactly 28 hours
        ("3x45 daily; 1x45x2 Mon-Tue,Thu", "O"),  # 15.75 + 4.5 = 20.25 hours
        ("4x45 daily; 1x60x2 Mon-Fri", "D"),  # 21 + 10 = 31 hours
    ],
)
def test_herefordshire_classes_a_package_by_its_weekly_hours(pattern: str, pathway: str) -> None:
    package = a_care_package(pattern=parse_pattern(pattern))
    assert classify(package, {}) == pathway


def test_a_package_of_exactly_28_hours_a_week_is_the_d_pathway() -> None:
    package = a_care_package(pattern=parse_pattern("1x240 daily"))
    assert package.weekly_hours == Decimal(28)
    assert classify(package, {}) == "D"


def test_a_package_of_27_and_three_quarter_hours_a_week_is_the_o_pathway() -> None:
    # 26.25 hours of single-handed calls and 1.5 carer hours of one double-handed call
    package = a_care_package(pattern=parse_pattern("3x75 daily; 1x45x2 Mon"))
    assert package.weekly_hours == Decimal("27.75")
    assert classify(package, {}) == "O"


def test_a_24_hour_package_is_the_d_pathway_however_few_its_hours() -> None:
    live_in = a_service(code="LIVE-IN", name="Live-in care", kind=ServiceKind.TWENTY_FOUR_HOUR)
    package = a_care_package(service=live_in, pattern=parse_pattern("1x60 Mon"))
    assert classify(package, {}) == "D"


def test_a_line_of_a_24_hour_service_makes_the_package_the_d_pathway() -> None:
    live_in = a_service(code="LIVE-IN", name="Live-in care", kind=ServiceKind.TWENTY_FOUR_HOUR)
    package = a_care_package(pattern=parse_pattern("2x30 daily; 1x60@LIVE-IN Sat"))
    assert classify(package, {"LIVE-IN": live_in}) == "D"
    assert classify(package, {}) == "O"  # an unknown code has no kind to go by


def test_a_package_of_a_commissioner_without_pathway_rules_has_no_pathway() -> None:
    package = a_care_package(commissioner=a_commissioner(pathway_rules=None))
    assert classify(package, {}) is None
