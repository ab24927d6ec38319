"""Travel times from a routing service that speaks OSRM's HTTP table API.

``GET {base}/table/v1/driving/{lon},{lat};{lon},{lat}...?sources=0;1&destinations=2;3``
answers ``{"code": "Ok", "durations": [[seconds, ...], ...]}``, one row per source; a pair
the service cannot route is ``null``. OSRM's own server refuses tables larger than its
``--max-table-size`` (100 by default), so a large matrix is asked for in blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx2

from caremarket.domain.travel import Point


class RoutingFailed(Exception):
    """The routing service refused the request or could not route a pair."""


class OsrmTravel:
    """Minutes between points from an OSRM-compatible table service at ``base_url``."""

    def __init__(
        self,
        base_url: str,
        *,
        profile: str = "driving",
        block: int = 50,
        timeout: float = 30.0,
        client: httpx2.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.block = block
        self.client = client or httpx2.Client(timeout=timeout)

    def durations(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> list[list[float]]:
        """Minutes from each origin (rows) to each destination (columns)."""
        rows: list[list[float]] = [[] for _ in origins]
        for o in range(0, len(origins), self.block):
            sources = origins[o : o + self.block]
            for d in range(0, len(destinations), self.block):
                block = self._table(sources, destinations[d : d + self.block])
                for i, row in enumerate(block):
                    rows[o + i].extend(row)
        return rows

    def _table(self, sources: Sequence[Point], targets: Sequence[Point]) -> list[list[float]]:
        points = [*sources, *targets]
        coordinates = ";".join(f"{p.longitude:.6f},{p.latitude:.6f}" for p in points)
        params = {
            "sources": ";".join(str(i) for i in range(len(sources))),
            "destinations": ";".join(str(len(sources) + i) for i in range(len(targets))),
            "annotations": "duration",
        }
        url = f"{self.base_url}/table/v1/{self.profile}/{coordinates}"
        try:
            response = self.client.get(url, params=params)
        except httpx2.HTTPError as error:
            raise RoutingFailed(f"the routing service did not answer: {error}") from error
        answer = response.json() if response.content else {}
        if response.status_code != 200 or answer.get("code") != "Ok":
            message = answer.get("message") or answer.get("code") or response.status_code
            raise RoutingFailed(f"the routing service refused the table: {message}")
        durations = answer["durations"]
        for i, row in enumerate(durations):
            for j, seconds in enumerate(row):
                if seconds is None:
                    raise RoutingFailed(f"no route from {sources[i]} to {targets[j]}")
        return [[seconds / 60 for seconds in row] for row in durations]
