"""The zone map page: the commissioner's zones over the wards, with a table beside it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from xml.etree import ElementTree

from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.services.zone_design import apply_design
from caremarket.wards import read_wards
from tests.builders import AN_ADMIN
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


def test_the_zone_map_shows_new_zones_to_come_and_the_lots_to_decide(
    client: TestClient, market_settings: Settings
) -> None:
    wards = read_wards("wards_2025_herefordshire.geojson").wards
    middle = sorted(w.point.latitude for w in wards.values())[len(wards) // 2]
    halves = {
        "N": sorted(c for c, w in wards.items() if w.point.latitude >= middle),
        "S": sorted(c for c, w in wards.items() if w.point.latitude < middle),
    }
    uow = SqlUnitOfWork(make_session_factory(make_engine(market_settings.database_url)))
    applied = apply_design(
        uow,
        commissioner="HFD",
        name="North and south (page)",
        area="herefordshire",
        method="HiGHS",
        wards=halves,
        effective_from=date(2099, 4, 1),
        by=AN_ADMIN,
        now=datetime.now(UTC),
    )
    assert applied.scheduled
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/zones/map", params={"commissioner": "HFD"})
    assert page.status_code == 200
    assert "New zones from 1 April 2099: North and south (page)" in page.text
    assert "Zone N is in no lot" in page.text
    assert "will cover nothing" in page.text  # the lots on zone A


def test_providers_may_not_see_the_zone_map(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    assert client.get("/zones/map").status_code == 403
