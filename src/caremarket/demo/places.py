"""Real postcodes for the presets, from the OS Code-Point Open files shipped in ``data/``."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import Any

from caremarket.domain.market import Zone, ZoneMap
from caremarket.domain.postcodes import parse_postcode

GAZETTEER_COLUMNS = ("postcode", "latitude", "longitude", "lad_code", "ward_code")


def read_postcodes(filename: str) -> list[dict[str, Any]]:
    """Gazetteer rows (postcode, latitude, longitude, lad_code, ward_code) of a data file."""
    raw = resources.files("caremarket.data").joinpath(filename).read_bytes()
    with io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8") as text:
        return [
            {
                "postcode": row["postcode"],
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "lad_code": row["lad_code"],
                "ward_code": row["ward_code"] or None,
            }
            for row in csv.DictReader(text)
        ]


def sectors_by_district_council(rows: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Each postcode sector under the local authority holding most of its postcodes."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[parse_postcode(row["postcode"]).sector][row["lad_code"]] += 1
    councils: dict[str, list[str]] = defaultdict(list)
    for sector in sorted(counts):
        councils[counts[sector].most_common(1)[0][0]].append(sector)
    return dict(councils)


def postcodes_by_zone(
    rows: Iterable[dict[str, Any]], zones: Iterable[Zone]
) -> dict[str, list[str]]:
    """The postcodes in each zone (by zone code), in order; postcodes in no zone are left out."""
    zone_map = ZoneMap(zones)
    found: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        zone = zone_map.find(parse_postcode(row["postcode"]))
        if zone is not None:
            found[zone.code].append(row["postcode"])
    return dict(found)


def sector_sizes_and_latitudes(rows: Iterable[dict[str, Any]]) -> dict[str, tuple[int, float]]:
    """Each postcode sector's number of postcodes and their mean latitude."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for row in rows:
        entry = sums[parse_postcode(row["postcode"]).sector]
        entry[0] += 1
        entry[1] += row["latitude"]
    return {sector: (int(n), total / n) for sector, (n, total) in sums.items()}
