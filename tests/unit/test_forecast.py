"""The demand forecast on a scripted history, computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from caremarket.domain.packages import PackageStatus, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.reports.forecast import forecast, least_squares, points
from tests.builders import a_care_package, a_commissioner, a_rate_card, a_service, a_zone

D = Decimal
ON = date(2018, 4, 1)
COUNCIL = a_commissioner()
SERVICE = a_service()
CARD = a_rate_card(COUNCIL, SERVICE)
ZONE = a_zone(commissioner=COUNCIL)


def package(number: int, start_on: date, pattern: str = "1x60 daily", **overrides):
    person = Person(commissioner=COUNCIL, reference=f"P-{number}", postcode="HR6 8AA")
    return a_care_package(
        reference=f"PKG-{number}", commissioner=COUNCIL, zone=ZONE, person=person,
        service=SERVICE, start_on=start_on, pattern=parse_pattern(pattern), **overrides,
    )  # fmt: skip


def run(packages, **options):
    return forecast(packages, card=CARD, services={"PC": SERVICE}, commissioner="HFD", on=ON,
                    **options)  # fmt: skip


def test_the_level_method_grows_the_hours_on_the_day() -> None:
    # 2 people at 7 hours a week each = 14 hours; 5% growth: 14.7 a week, 764.4 a year,
    # x £15.80 = £12,077.52
    table = run([package(1, date(2017, 1, 1)), package(2, date(2018, 3, 1))],
                growth_percent=D(5))  # fmt: skip
    assert table.value("A", "Weekly hours now") == 14
    assert table.value("A", "Forecast weekly hours") == D("14.70")
    assert table.value("A", "Forecast annual hours") == D("764.40")
    assert table.value("A", "Indicative annual cost") == D("12077.520")
    assert table.value("Total", "Clients") == 2


def test_the_trend_method_reads_a_least_squares_line_a_year_ahead() -> None:
    # One person from the start: 7 hours on all 14 points; one more from 26 weeks back:
    # 7 more on the 7 points 24, 20 ... 0 weeks back. x = -52, -48 ... 0; y = 7 then 14.
    # mean x = -26, mean y = 10.5; sum (x - mean x)^2 = 16 x 227.5 = 3,640;
    # sum (x - mean x)(y - mean y) = 3.5 x (2 + 6 + ... + 26) + 3.5 x (2 + 6 + ... + 26) = 686;
    # slope 686 / 3,640 = 0.188461.. an hour a week; intercept 10.5 + 26 x slope = 15.4;
    # 52 weeks ahead: 15.4 + 52 x slope = 15.4 + 9.8 = 25.2 hours a week.
    packages = [package(1, date(2016, 1, 1)), package(2, ON - timedelta(weeks=26))]
    xs = [D(-4 * k) for k in range(13, -1, -1)]
    ys = [D(7) if x < -26 else D(14) for x in xs]
    intercept, slope = least_squares(xs, ys)
    assert slope == D(686) / D(3640)
    assert intercept == D("15.4")
    table = run(packages, growth_percent=D(0), method="trend")
    assert table.value("A", "Forecast weekly hours") == D("25.2")
    assert table.value("A", "Weekly hours now") == 14


def test_ended_care_counts_on_the_days_it_ran() -> None:
    ended = package(1, date(2016, 1, 1), status=PackageStatus.ENDED, end_on=ON - timedelta(days=1))
    table = run([ended, package(2, date(2016, 1, 1))], growth_percent=D(0), method="trend")
    # 14 hours on 13 points, 7 on the day: mean y 13.5; sum (x + 26)(y - 13.5) =
    # 0.5 x -26 + 26 x -6.5 = -182; slope -182 / 3,640 = -0.05; intercept 13.5 - 1.3 = 12.2;
    # a year ahead 12.2 - 2.6 = 9.6
    assert table.value("A", "Forecast weekly hours") == D("9.6")
    assert table.value("A", "Clients") == 1


def test_the_trend_never_goes_below_nothing() -> None:
    # 7 hours on the first 7 points, none on the next 6, 7 on the day (a new package):
    # mean y 4; sum (x + 26)(y - 4) = 3 x -98 - 4 x 72 + 3 x 26 = -504; slope -504 / 3,640;
    # intercept 4 - 3.6 = 0.4; a year ahead 0.4 - 7.2 = -6.8: shown as nothing
    gone = ON - timedelta(weeks=27)
    ended = package(1, date(2016, 1, 1), status=PackageStatus.ENDED, end_on=gone)
    table = run(
        [ended, package(2, ON)],
        growth_percent=D(0),
        method="trend",
    )
    assert table.value("A", "Forecast weekly hours") == 0


def test_points_are_four_weeks_apart_over_a_year() -> None:
    assert points(ON)[0] == ON - timedelta(weeks=52)
    assert points(ON)[-1] == ON
    assert len(points(ON)) == 14


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError):
        run([], growth_percent=D(0), method="guess")


def test_the_trend_two_years_ahead_reads_104_weeks_along_the_line() -> None:
    # the line above: 15.4 + 104 x 686/3,640 = 15.4 + 19.6 = 35 hours a week in 2020
    packages = [package(1, date(2016, 1, 1)), package(2, ON - timedelta(weeks=26))]
    table = run(packages, growth_percent=D(0), method="trend", years=2)
    assert table.value("A", "Forecast weekly hours") == D(35)
    assert "Forecast weekly hours for 2020" in table.notes[0]
    assert "read 104 weeks ahead" in table.notes[0]
