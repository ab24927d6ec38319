"""The zone map page: the commissioner's zones over the wards, with a table beside it."""

from __future__ import annotations

from xml.etree import ElementTree

from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in


def test_the_zone_map_draws_the_commissioners_zones_with_their_figures(
    client: TestClient,
) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/zones/map", params={"commissioner": "HFD"})
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page.text
    assert "Each zone&#39;s figures" in page.text or "Each zone's figures" in page.text
    assert "Travel minutes a visit" in page.text and "Viable providers" in page.text


def test_the_zone_map_downloads_as_an_svg_image(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    image = client.get("/zones/map.svg", params={"commissioner": "HFD"})
    assert image.status_code == 200
    assert image.headers["content-type"].startswith("image/svg+xml")
    drawn = ElementTree.fromstring(image.text)
    wards = drawn.findall("{http://www.w3.org/2000/svg}path")
    assert len(wards) == 53  # Herefordshire's wards
    assert {w.get("data-zone") for w in wards} >= {"A"}


def test_providers_may_not_see_the_zone_map(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    assert client.get("/zones/map").status_code == 403
