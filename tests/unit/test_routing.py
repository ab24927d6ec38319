"""The routing service adapter against a stand-in that speaks OSRM's table API on localhost."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from caremarket.domain.travel import (
    Point,
    StraightLineTravel,
    TravelAssumptions,
    calibrated_circuity,
    distance_km,
)
from caremarket.routing import OsrmTravel, RoutingFailed

ROUTED_KMH = 40  # the stand-in drives 1.25 x the straight line at 40 km/h


class OsrmStandIn(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/{lon,lat;...}?sources=..&destinations=.. as OSRM does."""

    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        url = urlsplit(self.path)
        OsrmStandIn.requests.append(self.path)
        parts = url.path.split("/")
        if parts[1:4] != ["table", "v1", "driving"]:
            return self._answer(400, {"code": "InvalidUrl", "message": "URL string malformed"})
        points = [
            Point(float(lat), float(lon))
            for lon, lat in (pair.split(",") for pair in parts[4].split(";"))
        ]
        if len(points) > 100:
            return self._answer(400, {"code": "TooBig", "message": "Too many table coordinates"})
        query = parse_qs(url.query)
        sources = [int(i) for i in query["sources"][0].split(";")]
        targets = [int(i) for i in query["destinations"][0].split(";")]
        durations = [
            [
                None
                if points[t].latitude > 89
                else round(distance_km(points[s], points[t]) * 1.25 / ROUTED_KMH * 3600, 1)
                for t in targets
            ]
            for s in sources
        ]
        self._answer(200, {"code": "Ok", "durations": durations})

    def _answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def osrm() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OsrmStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    OsrmStandIn.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_adapter_reads_minutes_from_the_table_service(osrm: str) -> None:
    points = [Point(52.05, -2.71), Point(52.23, -2.74), Point(51.91, -2.59)]
    minutes = OsrmTravel(osrm).durations(points[:1], points)
    expected = [distance_km(points[0], p) * 1.25 / ROUTED_KMH * 60 for p in points]
    assert minutes[0] == pytest.approx(expected, abs=0.01)
    assert OsrmStandIn.requests[0].startswith("/table/v1/driving/-2.710000,52.050000;")


def test_a_large_matrix_is_asked_for_in_blocks_the_service_accepts(osrm: str) -> None:
    points = [Point(52 + i / 100, -2.7) for i in range(130)]
    minutes = OsrmTravel(osrm, block=50).durations(points, points[:70])
    assert len(minutes) == 130 and {len(row) for row in minutes} == {70}
    assert minutes[129][0] == pytest.approx(
        distance_km(points[129], points[0]) * 1.25 / 40 * 60, abs=0.01
    )
    assert len(OsrmStandIn.requests) == 3 * 2


def test_an_unroutable_pair_or_a_refusal_is_an_error(osrm: str) -> None:
    with pytest.raises(RoutingFailed, match="no route"):
        OsrmTravel(osrm).durations([Point(52, -2.7)], [Point(89.5, 0)])
    with pytest.raises(RoutingFailed, match="Too many"):
        OsrmTravel(osrm, block=200).durations([Point(52, -2.7)] * 101, [Point(52, -2.7)])


def test_the_estimate_calibrated_on_the_service_matches_it(osrm: str) -> None:
    """The straight-line estimate and the service answer the same question (TravelTimes)."""
    rural = TravelAssumptions(rural_kmh=ROUTED_KMH, stop_minutes=0)
    estimate = StraightLineTravel([], rural)
    legs = [(Point(52.0, -2.7), Point(52.0 + i / 50, -2.6)) for i in range(1, 10)]
    routed = [OsrmTravel(osrm).durations([a], [b])[0][0] for a, b in legs]
    assert calibrated_circuity(estimate, legs, routed) == pytest.approx(1.25, abs=0.001)
