"""The market-intelligence reports' rules, on plain values, with answers worked by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.reports import charts
from caremarket.reports.concentration import concentration, hhi, shares
from caremarket.reports.delayed_discharges import Discharge, delayed_discharges
from caremarket.reports.render import as_csv, as_text
from caremarket.reports.response_times import OfferResponse, response_times
from caremarket.reports.spread import hours, median, percentile
from caremarket.reports.waiting_list import WaitingEntry, waiting_by_zone, waiting_trend

ON = date(2026, 11, 30)


def test_the_median_is_the_middle_or_the_mean_of_the_two_middle_values() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == Decimal("2.5")
    assert median([]) is None


def test_the_90th_percentile_is_by_the_nearest_rank() -> None:
    assert percentile(range(1, 11), 90) == 9  # rank ⌈9⌉ = 9
    assert percentile(range(1, 6), 90) == 5  # rank ⌈4.5⌉ = 5
    assert percentile([7], 90) == 7
    assert percentile(range(1, 21), 90) == 18
    with pytest.raises(ValueError):
        percentile([1], 0)


@given(st.lists(st.integers(0, 10_000), min_size=1))
def test_a_percentile_is_always_a_value_seen_with_enough_at_or_below_it(values) -> None:
    p90 = percentile(values, 90)
    assert p90 in values
    assert sum(v <= p90 for v in values) * 10 >= 9 * len(values)


def test_hours_are_exact_to_the_second() -> None:
    assert hours(timedelta(minutes=10)) == Decimal(1) / 6
    assert hours(timedelta(days=2, hours=20)) == 68


def test_concentration_of_twelve_providers_worked_by_hand() -> None:
    # One provider with 40% of the hours, one with 20%, ten with 4% each: the top ten hold
    # 40 + 20 + 8 × 4 = 92%; the HHI is 1,600 + 400 + 10 × 16 = 2,160.
    pairs = [("Big", 400 * 60), ("Middle", 200 * 60)]
    pairs += [(f"Small {n:02}", 40 * 60) for n in range(10)]
    table = concentration({"Council": pairs}, commissioner="Council", on=ON)
    assert table.rows[0].cells == (
        "Council", 12, Decimal(1000), Decimal(920), Decimal(92), Decimal(2160)
    )  # fmt: skip
    assert "0 to 10,000" in table.notes[0]
    assert "2,160" in as_text(table)


def test_one_provider_is_an_hhi_of_10000_and_a_providers_packages_add_up() -> None:
    ranked = shares([("Only", 60), ("Only", 120)])
    assert [(s.provider, s.minutes, s.share) for s in ranked] == [("Only", 180, Decimal(100))]
    assert hhi(ranked) == 10_000


@given(st.lists(st.integers(1, 5_000), min_size=1, max_size=40))
def test_the_hhi_runs_from_10000_over_n_to_10000(minutes) -> None:
    index = hhi(shares((f"P{i}", m) for i, m in enumerate(minutes)))
    assert Decimal(10_000) / len(minutes) - Decimal("1e-20") <= index <= 10_000 + Decimal("1e-20")


def entry(day: date, person: str, since: date, zone: str = "A", hours: str = "14") -> WaitingEntry:
    return WaitingEntry(day, person, zone, "Personal care", Decimal(hours), since)


def test_the_waiting_list_trend_counts_people_once_and_their_days_waiting() -> None:
    first, second = date(2026, 11, 2), date(2026, 11, 9)
    entries = [
        entry(first, "P1", date(2026, 10, 26)),  # 7 days
        entry(first, "P1", date(2026, 10, 30), hours="3.5"),  # the same person again: 3 days
        entry(first, "P2", date(2026, 11, 2), zone="B"),  # 0 days
        entry(second, "P2", date(2026, 11, 2), zone="B"),  # 7 days
    ]
    table = waiting_trend(entries, snapshots=[first, second], commissioner="C", since=first, on=ON)
    assert [r.cells for r in table.rows] == [
        ("2026-11-02", 2, Decimal("31.5"), Decimal(3), 7),
        ("2026-11-09", 1, Decimal(14), Decimal(7), 7),
    ]
    assert "People waiting went from 2 to 1 over the period." in table.notes
    zones = waiting_by_zone(
        entries, snapshots=[first, second], commissioner="C", since=first, on=ON
    )
    assert [r.cells[:3] for r in zones.rows] == [("B", "Personal care", 1)]
    assert "2 November 2026 to 30 November 2026" in as_text(zones)


def test_a_snapshot_with_nobody_waiting_is_a_row_of_noughts() -> None:
    table = waiting_trend([], snapshots=[ON], commissioner="C", since=ON, on=ON)
    assert table.rows[0].cells == ("2026-11-30", 0, Decimal(0), None, None)


def test_delay_days_stop_when_care_or_a_bridge_starts_and_only_the_period_counts() -> None:
    discharges = [
        # fit on Sat 31 Oct; care starts Wed 4 Nov: 31 Oct to 3 Nov, of which 2-3 Nov count
        Discharge("PKG-1", "P1", date(2026, 10, 31), date(2026, 11, 4)),
        # fit Thu 12 Nov, bridged from Mon 16 Nov: 12-15 Nov
        Discharge("PKG-2", "P2", date(2026, 11, 12), None, bridged_on=date(2026, 11, 16)),
        # fit Sat 28 Nov, still waiting: 28-29 Nov (the period ends on the 29th)
        Discharge("PKG-3", "P3", date(2026, 11, 28), None),
    ]
    table = delayed_discharges(
        discharges, commissioner="C", since=date(2026, 11, 2), on=date(2026, 11, 29)
    )
    assert [r.cells for r in table.rows] == [
        ("2026-11-02", 1, 2),
        ("2026-11-09", 1, 4),
        ("2026-11-16", 0, 0),
        ("2026-11-23", 1, 2),
    ]
    assert table.totals.cells == ("Total", 3, 8)
    assert as_csv(table).splitlines()[-1] == "Total,3,8"


def test_an_answer_after_the_target_or_none_is_not_within_it() -> None:
    made = datetime(2026, 11, 20, 10, tzinfo=UTC)
    offers = [
        OfferResponse("A", made, ON, made + timedelta(hours=1), Decimal(2)),
        OfferResponse("A", made, ON, made + timedelta(hours=3), Decimal(2)),
        OfferResponse("A", made, ON, None, Decimal(2)),
        OfferResponse("A", made, ON, made + timedelta(hours=5), None),  # no contract
    ]
    table = response_times(offers, commissioner="C", since=ON, on=ON)
    assert table.rows[0].cells == (
        "A", 4, 3, Decimal(3), Decimal(5), Decimal(2), 3, 1, Decimal(100) / 3
    )  # fmt: skip


def test_a_bar_chart_is_an_image_titled_and_described_with_its_figures() -> None:
    points = [
        charts.Point("Mersey <Care>", Decimal(60), "60%"),
        charts.Point("Dingle Care", Decimal(40), "40%"),
    ]
    svg = charts.bar_chart("Share & size", points, chart_id="c1")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Share &amp; size</title>' in svg
    assert '<desc id="c1-desc">Mersey &lt;Care&gt;: 60%; Dingle Care: 40%.</desc>' in svg
    assert 'width="250.0"' in svg and 'width="166.7"' in svg  # the longest bar is full width
    assert svg == charts.bar_chart("Share & size", points, chart_id="c1")


def test_a_line_chart_labels_its_first_and_last_points_and_copes_with_none() -> None:
    points = [charts.Point(f"week {n}", Decimal(v), str(v)) for n, v in enumerate((86, 50, 36))]
    svg = charts.line_chart("Waiting", points, chart_id="w")
    assert "<polyline" in svg and svg.count("<circle") == 3
    assert "week 0: 86" in svg and "week 2: 36" in svg
    empty = charts.line_chart("Waiting", [], chart_id="e")
    assert "No figures for the period" in empty
