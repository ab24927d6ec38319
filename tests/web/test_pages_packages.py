"""Care packages: filters, pages of 50, a package with its history, a provider's own only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in


def references(html: str) -> list[str]:
    return re.findall(r'href="/packages/(PKG-\d+)"', html)


def test_packages_are_listed_fifty_a_page_with_pagination(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    first = client.get("/packages").text
    assert len(references(first)) == 50
    assert "Showing 1 to 50 of 62" in first
    assert "govuk-pagination" in first
    assert 'href="/packages?page=2"' in first
    second = client.get("/packages", params={"page": 2}).text
    assert len(references(second)) == 12
    assert "Showing 51 to 62 of 62" in second
    assert not set(references(first)) & set(references(second))


def test_filters_narrow_the_list_and_pagination_keeps_them(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/packages", params={"zone": "C", "status": "requested"}).text
    assert "Showing 1 to 50 of 60" in page
    assert 'href="/packages?zone=C&amp;status=requested&amp;page=2"' in page
    by_provider = client.get("/packages", params={"provider": "Other Care"}).text
    assert references(by_provider) == ["PKG-0002"]
    assert '<option value="Other Care" selected>' in by_provider
    assert references(client.get("/packages", params={"service": "NONE"}).text) == []


def test_a_package_shows_its_details_and_history(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/packages/PKG-0001")
    assert page.status_code == 200
    assert "<title>Care package PKG-0001 – caremarket" in page.text
    assert "Wyeside Home Care" in page.text
    assert "package imported" in page.text


def test_a_provider_lists_only_its_own_packages_without_a_provider_filter(
    client: TestClient,
) -> None:
    sign_in(client, Role.PROVIDER)
    page = client.get("/packages").text
    assert references(page) == ["PKG-0001"]
    assert 'name="provider"' not in page
    assert references(client.get("/packages", params={"provider": "Other Care"}).text) == [
        "PKG-0001"
    ]


def test_another_providers_package_is_not_found_for_a_provider(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    assert client.get("/packages/PKG-0001").status_code == 200
    answer = client.get("/packages/PKG-0002")
    assert answer.status_code == 404
    assert "Other Care" not in answer.text
    assert client.get("/packages/PKG-1001").status_code == 404  # nobody's yet


def test_a_page_number_below_one_is_refused(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    assert client.get("/packages", params={"page": 0}).status_code == 422
