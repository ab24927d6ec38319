"""The market's pages: commissioners, zones, providers, vehicles and lots, rate cards."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/market", ["Herefordshire Council", "D if weekly hours", "1 vehicle, 1 lot"]),
        ("/market/zones", ["Zone A", "HR6, HR5 3", "Zone C"]),
        ("/market/providers", ["Wyeside Home Care", "Good", "1-101634823", "HFD-DPS O-A: lead"]),
        ("/market/vehicles", ["Home care DPS (HFD-DPS)", "Lot O-A", "Other Care", "approved"]),
        ("/market/rate-cards", ["HFD: 2017/18", "Personal care", "£15.80", "1 April 2017"]),
    ],
)
def test_a_commissioner_reads_the_market(
    client: TestClient, path: str, expected: list[str]
) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get(path)
    assert page.status_code == 200
    for text in expected:
        assert text in page.text, text


def test_market_tables_have_captions_and_scoped_headers(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/market/providers").text
    assert '<caption class="govuk-table__caption' in page
    assert '<th scope="col"' in page
    assert '<th scope="row"' in page


def test_the_market_pages_need_signing_in(client: TestClient) -> None:
    answer = client.get("/market/vehicles", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/market/vehicles"
