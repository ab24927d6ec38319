"""The audit trail page: filtered by object and by person; not for every role."""

from __future__ import annotations

from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in


def test_the_audit_trail_is_filtered_by_object(client: TestClient) -> None:
    sign_in(client, Role.AUDITOR)
    page = client.get("/audit", params={"object_type": "care package", "object_ref": "PKG-0001"})
    assert page.status_code == 200
    assert "package imported" in page.text
    assert "user added" not in page.text
    assert "Showing 1 to 1 of 1" in page.text


def test_the_audit_trail_is_filtered_by_person(client: TestClient) -> None:
    sign_in(client, Role.ADMIN)
    everyone = client.get("/audit").text
    assert "user added" in everyone
    nobody = client.get("/audit", params={"actor": "nobody@example.org"}).text
    assert "None found" in nobody


def test_a_broker_may_not_read_the_audit_trail(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    answer = client.get("/audit")
    assert answer.status_code == 403
    assert "You cannot use this page" in answer.text
