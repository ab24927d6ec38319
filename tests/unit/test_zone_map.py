"""The zone map image: every ward drawn once, filled by its zone, with a title to read."""

from __future__ import annotations

from xml.etree import ElementTree

from caremarket.reports.zone_map import COLOURS, NO_ZONE, zone_map_svg
from caremarket.wards import read_wards

SVG = "{http://www.w3.org/2000/svg}"


def test_every_ward_is_drawn_in_its_zones_colour_and_each_zone_lettered() -> None:
    wards = read_wards("wards_2025_herefordshire.geojson")
    codes = sorted(wards.wards)
    zones = {"A": codes[:20], "B": codes[20:40]}  # the rest in no zone
    image = ElementTree.fromstring(zone_map_svg(wards, zones, title="Two zones"))
    assert image.get("role") == "img"
    assert image.find(f"{SVG}title").text == "Two zones"
    paths = image.findall(f"{SVG}path")
    assert sorted(p.get("data-ward") for p in paths) == codes
    fills = {p.get("data-ward"): p.get("fill") for p in paths}
    assert {fills[c] for c in codes[:20]} == {COLOURS[0]}
    assert {fills[c] for c in codes[20:40]} == {COLOURS[1]}
    assert {fills[c] for c in codes[40:]} == {NO_ZONE}
    assert sorted(t.text for t in image.findall(f"{SVG}text")) == ["A", "B"]
