"""A package's suspensions over HTTP: the API (/api/packages/{ref}/suspensions) and the
section of the package's page. A broker or the provider holding the package records and ends
them; another provider's package is not found; finance may read but not suspend.

A database of its own: the market of conftest.py (PKG-0001 Wyeside's from 1 July 2017,
PKG-0002 Other Care's); the provider's token and account are Wyeside's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from tests.web.conftest import bearer, form_token, make_market, serve, sign_in

URL = "/api/packages/{}/suspensions"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[Role, str]]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('suspensions') / 'cm.db'}")


@pytest.fixture
def client(market: tuple[Settings, dict[Role, str]]) -> Iterator[TestClient]:
    yield from serve(market[0])


@pytest.fixture
def tokens(market: tuple[Settings, dict[Role, str]]) -> dict[Role, str]:
    return market[1]


def test_the_provider_suspends_its_own_package_and_a_broker_ends_it(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    as_provider, as_broker = bearer(tokens[Role.PROVIDER]), bearer(tokens[Role.BROKER])
    made = client.post(
        URL.format("PKG-0001"),
        json={"from_on": "2030-01-07", "reason": "hospital stay", "note": "Admitted"},
        headers=as_provider,
    )
    assert made.status_code == 201, made.text
    assert made.json()["to_on"] is None
    overlapping = client.post(
        URL.format("PKG-0001"),
        json={"from_on": "2030-02-01", "to_on": "2030-02-03", "reason": "respite"},
        headers=as_broker,
    )
    assert overlapping.status_code == 422
    assert "overlaps" in overlapping.text
    ended = client.post(
        f"{URL.format('PKG-0001')}/{made.json()['id']}/end",
        json={"last_day": "2030-01-13"},
        headers=as_broker,
    )
    assert ended.status_code == 200, ended.text
    again = client.post(
        f"{URL.format('PKG-0001')}/{made.json()['id']}/end",
        json={"last_day": "2030-01-20"},
        headers=as_broker,
    )
    assert again.status_code == 409
    listed = client.get(URL.format("PKG-0001"), headers=bearer(tokens[Role.FINANCE])).json()
    assert [(s["from_on"], s["to_on"], s["reason"]) for s in listed] == [
        ("2030-01-07", "2030-01-13", "hospital stay")
    ]


def test_a_provider_cannot_see_or_suspend_another_providers_package(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    as_provider = bearer(tokens[Role.PROVIDER])
    assert client.get(URL.format("PKG-0002"), headers=as_provider).status_code == 404
    refused = client.post(
        URL.format("PKG-0002"),
        json={"from_on": "2030-01-07", "reason": "hospital stay"},
        headers=as_provider,
    )
    assert refused.status_code == 404
    assert "Other Care" not in refused.text


def test_finance_may_not_suspend(client: TestClient, tokens: dict[Role, str]) -> None:
    answer = client.post(
        URL.format("PKG-0001"),
        json={"from_on": "2031-01-07", "reason": "respite"},
        headers=bearer(tokens[Role.FINANCE]),
    )
    assert answer.status_code == 403


def test_a_broker_suspends_and_ends_from_the_packages_page(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/packages/PKG-0001")
    assert "Suspend visits" in page.text
    fields = {
        "csrf_token": form_token(client),
        "from_on-day": "3",
        "from_on-month": "3",
        "from_on-year": "2031",
        "suspension_reason": "person away",
        "suspension_note": "Visiting family",
    }
    made = client.post("/packages/PKG-0001/suspensions", data=fields, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = client.get("/packages/PKG-0001")
    assert "Visits to PKG-0001 suspended from 3 March 2031 until it is ended" in page.text
    assert "Visiting family" in page.text
    refused = client.post("/packages/PKG-0001/suspensions", data=fields)
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text and "overlaps" in refused.text
    end_url = page.text.split('action="/packages/PKG-0001/suspensions/')[1].split('"')[0]
    ended = client.post(
        f"/packages/PKG-0001/suspensions/{end_url}",
        data={
            "csrf_token": form_token(client),
            "last_day-day": "9",
            "last_day-month": "3",
            "last_day-year": "2031",
        },
        follow_redirects=False,
    )
    assert ended.status_code == 303, ended.text
    assert "9 March 2031" in client.get("/packages/PKG-0001").text


def test_a_missing_first_day_is_shown_in_the_error_summary(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    answer = client.post(
        "/packages/PKG-0001/suspensions",
        data={"csrf_token": form_token(client), "suspension_reason": "respite"},
    )
    assert answer.status_code == 400
    assert "Enter the first day without visits" in answer.text


def test_a_provider_cannot_suspend_another_providers_package_from_a_page(
    client: TestClient,
) -> None:
    sign_in(client, Role.PROVIDER)
    answer = client.post(
        "/packages/PKG-0002/suspensions",
        data={
            "csrf_token": form_token(client),
            "from_on-day": "3",
            "from_on-month": "3",
            "from_on-year": "2031",
            "suspension_reason": "respite",
        },
    )
    assert answer.status_code == 404
