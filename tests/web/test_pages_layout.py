"""What every page has: the council's own header, titles, navigation by role, GOV.UK assets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in


def test_titles_name_the_page_the_service_and_the_council(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/market")
    assert "<title>The market – caremarket – Herefordshire Council</title>" in page.text


def test_a_page_with_errors_says_so_first_in_its_title(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/packages", params={"status": "dreaming"})
    assert page.status_code == 400
    assert "<title>Error: Care packages – caremarket" in page.text
    assert "govuk-error-summary" in page.text
    assert 'href="#status"' in page.text
    assert "govuk-error-message" in page.text


def test_the_header_is_the_councils_without_the_crown_or_gov_uk(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/").text
    assert "govuk-generic-header" in page
    assert "Herefordshire Council" in page
    assert "GOV.UK" not in page
    assert "govuk-logo" not in page
    assert "Crown copyright" not in page
    assert 'href="#main-content"' in page  # the skip link
    assert "govuk-phase-banner" in page


def test_the_signed_in_person_can_sign_out_with_the_forms_token(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/").text
    assert "Signed in as Test broker (Broker)" in page
    assert 'action="/sign-out"' in page
    assert 'name="csrf_token"' in page.split('action="/sign-out"')[1]


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.PROVIDER, ["Care packages", "Market"], ["Reports", "Audit trail"]),
        (Role.BROKER, ["Care packages", "Reports"], ["Audit trail"]),
        (Role.AUDITOR, ["Reports", "Audit trail"], []),
    ],
)
def test_the_navigation_offers_only_what_the_role_may_use(
    client: TestClient, role: Role, shown: list[str], hidden: list[str]
) -> None:
    sign_in(client, role)
    navigation = client.get("/").text.split("govuk-service-navigation__list")[1].split("</ul>")[0]
    for label in shown:
        assert label in navigation
    for label in hidden:
        assert label not in navigation


def test_gov_uk_frontend_is_served_but_not_its_fonts(client: TestClient) -> None:
    css = client.get("/assets/govuk-frontend.min.css")
    assert css.status_code == 200
    assert client.get("/assets/govuk-frontend.min.js").status_code == 200
    assert client.get("/assets/caremarket.css").text.count("arial") == 1
    assert client.get("/assets/fonts/bold-b542beb274-v2.woff2").status_code == 404
    assert client.get("/assets/assets/fonts/bold-b542beb274-v2.woff2").status_code == 404
    assert client.get("/assets/package.json").status_code == 404


def test_a_missing_page_is_a_page_not_a_json_error(client: TestClient) -> None:
    sign_in(client, Role.BROKER)
    page = client.get("/packages/PKG-9999")
    assert page.status_code == 404
    assert "Page not found – caremarket" in page.text
