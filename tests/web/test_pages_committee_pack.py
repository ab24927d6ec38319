"""The committee pack's page and API: a form with the period, the downloads (HTML and PDF);
for the dashboard's readers (commissioners, admins, auditors) only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import bearer, sign_in

PERIOD = {
    "commissioner": "HFD",
    "from_day": "3",
    "from_month": "7",
    "from_year": "2017",
    "to_day": "1",
    "to_month": "8",
    "to_year": "2017",
}
TITLE = "Home care market report — Herefordshire Council — 3 July 2017 to 1 August 2017"


def test_the_form_then_the_downloads_for_the_period(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    form = client.get("/reports/pack")
    assert form.status_code == 200
    assert "Produce the pack" in form.text and "Download the pack" not in form.text
    page = client.get("/reports/pack", params=PERIOD)
    assert page.status_code == 200
    assert f"{TITLE}." in page.text
    assert "/reports/pack/download?commissioner=HFD&amp;from_day=3" in page.text
    assert "format=pdf" in page.text and "format=html" in page.text


def test_the_html_download_is_the_printable_pack(client: TestClient) -> None:
    sign_in(client, Role.AUDITOR)
    answer = client.get("/reports/pack/download", params=PERIOD | {"format": "html"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert (
        'filename="committee-pack-HFD-2017-07-03-to-2017-08-01.html"'
        in answer.headers["content-disposition"]
    )
    assert f"<title>{TITLE}</title>" in answer.text
    assert "@page" in answer.text and "govuk-header" not in answer.text
    assert "Zone demand" in answer.text and "Response times" in answer.text


def test_the_pdf_download_is_a_pdf(client: TestClient) -> None:
    sign_in(client, Role.ADMIN)
    answer = client.get("/reports/pack/download", params=PERIOD | {"format": "pdf"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


def test_a_period_ending_before_it_starts_is_refused_with_an_error_summary(
    client: TestClient,
) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/reports/pack", params=PERIOD | {"from_year": "2018"})
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text
    assert "The period&#39;s first day must be on or before its last" in page.text
    assert "Download the pack" not in page.text
    refused = client.get("/reports/pack/download", params=PERIOD | {"to_month": "13"})
    assert refused.status_code == 400
    assert "The date must be a real date" in refused.text


@pytest.mark.parametrize("role", [Role.BROKER, Role.PROVIDER, Role.FINANCE])
def test_brokers_providers_and_finance_may_not_have_the_pack(
    client: TestClient, tokens: dict[Role, str], role: Role
) -> None:
    sign_in(client, role)
    assert client.get("/reports/pack", params=PERIOD).status_code == 403
    assert client.get("/reports/pack/download", params=PERIOD).status_code == 403
    api = client.get(
        "/api/reports/pack", params={"commissioner": "HFD"}, headers=bearer(tokens[role])
    )
    assert api.status_code == 403


def test_the_api_gives_the_pack_as_html_or_pdf(client: TestClient, tokens: dict[Role, str]) -> None:
    query = {"commissioner": "HFD", "from": "2017-07-03", "to": "2017-08-01"}
    headers = bearer(tokens[Role.COMMISSIONER])
    html = client.get("/api/reports/pack", params=query, headers=headers)
    assert html.status_code == 200
    assert f"<title>{TITLE}</title>" in html.text
    pdf = client.get("/api/reports/pack", params=query | {"format": "pdf"}, headers=headers)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    backwards = client.get(
        "/api/reports/pack", params=query | {"from": "2017-09-01"}, headers=headers
    )
    assert backwards.status_code == 422
    unknown = client.get("/api/reports/pack", params={"commissioner": "NOPE"}, headers=headers)
    assert unknown.status_code == 404
