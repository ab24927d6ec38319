"""Ward boundaries (ONS Wards May 2025) shipped in ``data/``: where wards are and which touch.

Two wards are neighbours when their boundaries touch (share an edge or a corner). Where a
council's wards fall apart into separate pieces (the Wirral and Liverpool face each other
across the Mersey; Runcorn and Widnes too), the pieces are joined at their nearest wards, as
the tunnels and bridges join them, so a zone may cross the water there: ``Wards.bridges`` says
which links were added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import shapely
from shapely.geometry import shape

from caremarket.domain.travel import Point


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    council: str  # the local authority district's code
    council_name: str
    point: Point  # the ONS reference point
    boundary: Any = field(repr=False, compare=False)  # a shapely (Multi)Polygon


@dataclass
class Wards:
    wards: dict[str, Ward]
    neighbours: dict[str, set[str]]
    bridges: list[tuple[str, str]]

    def within(self, councils: Iterable[str]) -> Wards:
        """Only the wards of these councils (their boundary), neighbours recomputed."""
        keep = set(councils)
        return wards_of([w for w in self.wards.values() if w.council in keep])


def read_wards(filename: str) -> Wards:
    """The wards in a GeoJSON file in ``data/``, with their neighbours."""
    text = resources.files("caremarket.data").joinpath(filename).read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    wards = []
    for feature in features:
        p = feature["properties"]
        wards.append(
            Ward(
                code=p["WD25CD"],
                name=p["WD25NM"],
                council=p["LAD25CD"],
                council_name=p["LAD25NM"],
                point=Point(p["LAT"], p["LONG"]),
                # rounding coordinates can leave a polygon invalid: mend it
                boundary=shapely.make_valid(shape(feature["geometry"])),
            )
        )
    return wards_of(wards)


def wards_of(wards: list[Ward]) -> Wards:
    codes = [w.code for w in wards]
    shapes = [w.boundary for w in wards]
    tree = shapely.STRtree(shapes)
    neighbours: dict[str, set[str]] = {code: set() for code in codes}
    for i, boundary in enumerate(shapes):
        for j in tree.query(boundary, predicate="intersects"):
            if int(j) != i:
                neighbours[codes[i]].add(codes[int(j)])
    bridges = _join_pieces(codes, shapes, neighbours)
    return Wards({w.code: w for w in wards}, neighbours, bridges)


def _join_pieces(
    codes: list[str], shapes: list[Any], neighbours: dict[str, set[str]]
) -> list[tuple[str, str]]:
    """Link separate pieces of the map at their nearest pair of wards, nearest pieces first."""
    bridges: list[tuple[str, str]] = []
    index = {code: i for i, code in enumerate(codes)}
    while True:
        pieces = _pieces(codes, neighbours)
        if len(pieces) <= 1:
            return bridges
        first, rest = pieces[0], set().union(*pieces[1:])
        _gap, a, b = min(
            (shapes[index[a]].distance(shapes[index[b]]), a, b)
            for a in sorted(first)
            for b in sorted(rest)
        )
        neighbours[a].add(b)
        neighbours[b].add(a)
        bridges.append((a, b))


def _pieces(codes: list[str], neighbours: dict[str, set[str]]) -> list[set[str]]:
    seen: set[str] = set()
    pieces = []
    for start in codes:
        if start in seen:
            continue
        piece = {start}
        stack = [start]
        while stack:
            for other in neighbours[stack.pop()]:
                if other not in piece:
                    piece.add(other)
                    stack.append(other)
        seen |= piece
        pieces.append(piece)
    return pieces


def is_contiguous(areas: Iterable[str], neighbours: dict[str, set[str]]) -> bool:
    """Whether the wards form one piece over the neighbours (bridges included)."""
    areas = set(areas)
    if not areas:
        return True
    start = next(iter(areas))
    reached = {start}
    stack = [start]
    while stack:
        for other in neighbours[stack.pop()] & areas:
            if other not in reached:
                reached.add(other)
                stack.append(other)
    return reached == areas
