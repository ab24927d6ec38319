"""A zone map as an SVG image: the wards' boundaries filled by zone, each zone lettered.

Drawn on a plane (longitude scaled by the cosine of the mean latitude, so shapes are true
near the area) and fitted to the image. The image has a title and a description for screen
readers; pages put the zones' figures in a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

import shapely
from shapely.geometry.base import BaseGeometry

from caremarket.wards import Wards

# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies; zones past
# eight repeat them.
COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
NO_ZONE = "#ffffff"


def zone_map_svg(
    wards: Wards,
    zones: Mapping[str, Sequence[str]],
    *,
    title: str,
    width: int = 640,
) -> str:
    """The map as an SVG document (a string)."""
    shapes = {code: ward.boundary for code, ward in wards.wards.items()}
    everything = shapely.union_all(list(shapes.values()))
    min_x, min_y, max_x, max_y = everything.bounds
    scale_x = math.cos(math.radians((min_y + max_y) / 2))
    span_x, span_y = (max_x - min_x) * scale_x, max_y - min_y
    margin = 8
    factor = (width - 2 * margin) / span_x
    height = round(span_y * factor + 2 * margin)

    def xy(lon: float, lat: float) -> str:
        return (
            f"{margin + (lon - min_x) * scale_x * factor:.1f},{margin + (max_y - lat) * factor:.1f}"
        )

    zone_of = {w: z for z, members in zones.items() for w in members}
    colour = {z: COLOURS[n % len(COLOURS)] for n, z in enumerate(zones)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-labelledby="map-title map-desc">',
        f'<title id="map-title">{escape(title)}</title>',
        f'<desc id="map-desc">{escape(_description(zones))}</desc>',
    ]
    for code in sorted(shapes):
        zone = zone_of.get(code)
        fill = colour[zone] if zone else NO_ZONE
        ward = wards.wards[code]
        parts.append(
            f'<path d="{_path(shapes[code], xy)}" fill="{fill}" stroke="#505a5f"'
            f' stroke-width="0.5" data-ward="{code}" data-zone="{escape(zone or "")}">'
            f"<title>{escape(ward.name)}: zone {escape(zone or 'none')}</title></path>"
        )
    for zone, members in zones.items():
        held = [shapes[w] for w in members if w in shapes]
        if not held:
            continue
        point = shapely.union_all(held).representative_point()
        x, y = xy(point.x, point.y).split(",")
        parts.append(
            f'<text x="{x}" y="{y}"'
            f' font-family="Arial, sans-serif" font-size="18" font-weight="bold"'
            f' text-anchor="middle" dominant-baseline="middle" fill="#0b0c0c" stroke="#ffffff"'
            f' stroke-width="3" paint-order="stroke">{escape(zone)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _path(geometry: BaseGeometry, xy: object) -> str:
    rings = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon":
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = [xy(x, y) for x, y in ring.coords]  # type: ignore[operator]
            rings.append("M" + " L".join(points) + " Z")
    return " ".join(rings)


def _description(zones: Mapping[str, Sequence[str]]) -> str:
    counts = ", ".join(f"zone {z} {len(w)} wards" for z, w in zones.items())
    return f"A map of {len(zones)} zones drawn over the ward boundaries: {counts}."
