"""Re-pointing a lot through the pages and the API: a commissioner ticks the zones lot O-A of
HFD-DPS covers (it covers zone A; the market has zones A and C); none ticked, or a zone that is
not the council's, is refused; brokers and providers may read the zones but not change them.

A database of its own: the market of conftest.py, whose lot is changed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from tests.web.conftest import bearer, form_token, make_market, serve, sign_in

FORM = "/market/vehicles/HFD-DPS/lots/O-A/zones"
API = "/api/vehicles/HFD-DPS/lots/O-A/zones"


@pytest.fixture(scope="module")
def lot_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[Role, str]]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('lots') / 'cm.db'}")


@pytest.fixture
def web(lot_market: tuple[Settings, dict[Role, str]]) -> Iterator[TestClient]:
    yield from serve(lot_market[0])


def test_a_commissioner_ticks_the_zones_a_lot_covers(web: TestClient) -> None:
    sign_in(web, Role.COMMISSIONER)
    vehicle = web.get("/market/vehicles/HFD-DPS").text
    assert f'href="{FORM}"' in vehicle
    form = web.get(FORM).text
    assert 'name="zone-A" type="checkbox" value="yes" checked' in form
    assert 'name="zone-C" type="checkbox" value="yes">' in form

    saved = web.post(
        FORM,
        data={"csrf_token": form_token(web), "zone-A": "yes", "zone-C": "yes"},
        follow_redirects=False,
    )

    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/market/vehicles/HFD-DPS"
    page = web.get(saved.headers["location"]).text
    assert "Lot O-A covers zones A, C" in page
    assert "A, C" in page  # the lot's zones on the vehicle page
    trail = web.get("/audit", params={"object_type": "lot", "object_ref": "HFD-DPS/O-A"}).text
    assert "lot zones changed" in trail
    back = web.post(FORM, data={"csrf_token": form_token(web), "zone-A": "yes"})
    assert back.status_code == 200 and "Lot O-A covers zone A" in back.text


def test_none_ticked_is_refused_in_the_error_summary(web: TestClient) -> None:
    sign_in(web, Role.COMMISSIONER)

    refused = web.post(FORM, data={"csrf_token": form_token(web)})

    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert 'href="#zones"' in refused.text and "Select at least one zone" in refused.text


def test_the_api_reads_and_re_points_the_lot(web: TestClient, lot_market) -> None:
    tokens = lot_market[1]
    commissioner, broker = bearer(tokens[Role.COMMISSIONER]), bearer(tokens[Role.BROKER])
    assert web.get(API, headers=broker).json() == {
        "vehicle": "HFD-DPS",
        "lot": "O-A",
        "zones": ["A"],
    }
    assert web.put(API, json={"zones": ["C"]}, headers=broker).status_code == 403
    assert (
        web.put(API, json={"zones": ["C"]}, headers=bearer(tokens[Role.PROVIDER])).status_code
        == 403
    )

    refused = web.put(API, json={"zones": ["C", "Z"]}, headers=commissioner)
    assert refused.status_code == 422
    assert "Z: not a zone of vehicle HFD-DPS's commissioners (A, C)" in refused.text

    moved = web.put(API, json={"zones": ["C"]}, headers=commissioner)
    assert moved.status_code == 200, moved.text
    assert moved.json()["zones"] == ["C"]
    assert web.put(API, json={"zones": ["A"]}, headers=commissioner).json()["zones"] == ["A"]


def test_brokers_cannot_open_the_form(web: TestClient) -> None:
    sign_in(web, Role.BROKER)

    assert web.get(FORM).status_code == 403
    assert f'href="{FORM}"' not in web.get("/market/vehicles/HFD-DPS").text
