"""Each role's home page shows what needs its attention."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.BROKER, ["Packages to source", "Requested (60)", "PKG-1001"]),
        (Role.COMMISSIONER, ["The market", "Active packages", "No package is waiting"]),
        (Role.PROVIDER, ["Wyeside Home Care", "PKG-0001"]),
        (Role.FINANCE, ["Active packages by provider", "Wyeside Home Care", "Other Care"]),
        (Role.AUDITOR, ["Latest changes", "user added"]),
        (Role.ADMIN, ["Accounts", "broker@example.org", "Finance officer"]),
    ],
)
def test_the_home_page_shows_what_needs_the_roles_attention(
    client: TestClient, role: Role, expected: list[str]
) -> None:
    sign_in(client, role)
    page = client.get("/")
    assert page.status_code == 200
    for text in expected:
        assert text in page.text, text


def test_a_provider_home_page_shows_no_other_providers_packages(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    page = client.get("/").text
    assert "PKG-0002" not in page
    assert "Other Care" not in page


def test_the_home_page_sends_someone_not_signed_in_to_sign_in(client: TestClient) -> None:
    answer = client.get("/", follow_redirects=False)
    assert answer.headers["location"] == "/sign-in?next=/"
