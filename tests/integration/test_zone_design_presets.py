"""The zone designer on the Herefordshire preset's real postcodes and ward boundaries."""

from __future__ import annotations

import pytest

from caremarket.optimise.zone_design import DesignOptions
from caremarket.services.zone_design import ZoneStudy, compare, preset_study
from caremarket.wards import read_wards

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def herefordshire() -> ZoneStudy:
    return preset_study("herefordshire")


def test_default_five_zone_maps_are_contiguous_viable_balanced_and_travel_less_than_k_means(
    herefordshire: ZoneStudy,
) -> None:
    # the defaults a commissioner gets: zones of at least 700 hours, each within 75% of the mean
    options = DesignOptions(time_limit=30)
    assert options.tolerance == 0.75 and options.viability_hours == 700
    proposed, baseline = compare(herefordshire, [5], options)
    assert proposed.design.method == "HiGHS" and baseline.design.method == "k-means"
    assert len(proposed.zones) == 5
    assert proposed.contiguous and proposed.viable
    assert all(zone.viable_providers >= 1 for zone in proposed.zones)
    assert proposed.travel_hours_per_week < baseline.travel_hours_per_week
    assert proposed.design.gap is not None and proposed.design.gap < 0.05
    mean = sum(zone.weekly_hours for zone in proposed.zones) / 5
    for zone in proposed.zones:
        assert mean / 4 <= zone.weekly_hours <= mean * 7 / 4
    # k-means leaves Hereford in one zone of more than twice the mean: the balance costs it
    assert max(zone.weekly_hours for zone in baseline.zones) > 2 * mean
    # every ward in one zone, and the hours all counted
    wards = [w for zone in proposed.zones for w in zone.areas]
    assert sorted(wards) == sorted(herefordshire.wards.wards)
    total = sum(d.weekly_minutes for d in herefordshire.found.demand.values()) / 60
    assert sum(zone.weekly_hours for zone in proposed.zones) == total


def test_only_the_viability_threshold_also_travels_less_than_k_means(
    herefordshire: ZoneStudy,
) -> None:
    options = DesignOptions(tolerance=None, viability_hours=700, time_limit=30)
    proposed, baseline = compare(herefordshire, [5], options)
    assert proposed.contiguous and proposed.viable
    assert proposed.travel_hours_per_week < baseline.travel_hours_per_week


def test_a_tightly_balanced_five_zone_map_keeps_each_zone_within_half_the_mean(
    herefordshire: ZoneStudy,
) -> None:
    (proposed,) = compare(herefordshire, [5], DesignOptions(tolerance=0.5), baseline=False)
    assert proposed.contiguous and proposed.viable
    mean = sum(zone.weekly_hours for zone in proposed.zones) / 5
    for zone in proposed.zones:
        assert mean / 2 <= zone.weekly_hours <= mean * 3 / 2


def test_the_wards_touch_into_one_piece_and_the_mersey_is_bridged() -> None:
    herefordshire = read_wards("wards_2025_herefordshire.geojson")
    assert len(herefordshire.wards) == 53 and herefordshire.bridges == []
    liverpool = read_wards("wards_2025_liverpool_city_region.geojson")
    assert len(liverpool.wards) == 159 and len(liverpool.bridges) == 2
