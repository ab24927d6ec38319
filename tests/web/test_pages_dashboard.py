"""The commissioner's dashboard: figures at a glance, charts with their tables, drill-down
links; for commissioners, admins and auditors only."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import sign_in

PERIOD = {
    "commissioner": "HFD",
    "from_day": "3",
    "from_month": "7",
    "from_year": "2017",
    "to_day": "1",
    "to_month": "8",
    "to_year": "2017",
}


def test_the_dashboard_shows_the_figures_for_the_period(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/dashboard", params=PERIOD)
    assert page.status_code == 200
    assert "Herefordshire Council, 3 July 2017 to 1 August 2017." in page.text
    # Two active packages of 14 hours a week, one each: 100% to the top 10; HHI 5,000.
    assert "Top 10 providers&#39; share of hours" in page.text
    assert ">100%<" in page.text and ">5,000<" in page.text


def test_each_chart_is_an_image_with_a_title_and_its_figures_in_a_table(
    client: TestClient,
) -> None:
    sign_in(client, Role.AUDITOR)
    page = client.get("/dashboard", params=PERIOD).text
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 7
    assert '<title id="chart-providers-title">' in page
    assert '<desc id="chart-providers-desc">Other Care: 50%; Wyeside Home Care: 50%.</desc>' in page
    assert "The largest providers&#39; share of weekly hours on 1 August 2017: the figures" in page
    assert "<script" not in page.split("</header>", 1)[1].split("<footer", 1)[0]


def test_figures_link_to_the_packages_and_reports_behind_them(client: TestClient) -> None:
    sign_in(client, Role.ADMIN)
    page = client.get("/dashboard", params=PERIOD).text
    assert 'href="/packages?commissioner=HFD&amp;status=active&amp;provider=Other+Care"' in page
    assert 'href="/packages?commissioner=HFD&amp;status=waiting"' in page
    assert "/reports/time-to-source?commissioner=HFD&amp;day=1&amp;month=8&amp;year=2017" in page
    drilled = client.get(
        "/packages", params={"commissioner": "HFD", "status": "active", "provider": "Other Care"}
    )
    assert "PKG-0002" in drilled.text and "PKG-0001" not in drilled.text


@pytest.mark.parametrize("role", [Role.BROKER, Role.PROVIDER, Role.FINANCE])
def test_brokers_providers_and_finance_may_not_see_the_dashboard(
    client: TestClient, role: Role
) -> None:
    sign_in(client, role)
    assert client.get("/dashboard", params=PERIOD).status_code == 403
    assert 'href="/dashboard"' not in client.get("/").text


def test_the_dashboard_is_in_a_commissioners_navigation(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    assert 'href="/dashboard"' in client.get("/").text


def test_a_period_ending_before_it_starts_is_refused(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/dashboard", params=PERIOD | {"from_year": "2018"})
    assert page.status_code == 400
    assert "The period&#39;s first day must be on or before its last" in page.text


def test_a_report_over_a_period_states_it_and_downloads(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    query = {k.removeprefix("to_"): v for k, v in PERIOD.items()}
    page = client.get("/reports/time-to-source", params=query)
    assert page.status_code == 200
    assert "Time to source: Herefordshire Council, 3 July 2017 to 1 August 2017" in page.text
    answer = client.get("/reports/hand-backs/download", params=query | {"format": "csv"})
    assert answer.status_code == 200
    assert "hand-backs-HFD-2017-07-03-to-2017-08-01.csv" in answer.headers["content-disposition"]
    assert answer.text.splitlines()[0].startswith("Provider,Hand-backs,Hand-backs: staffing")


def test_the_api_gives_a_period_report_as_exact_json(client: TestClient, tokens) -> None:
    answer = client.get(
        "/api/reports/concentration",
        params={"commissioner": "HFD", "on": "2017-08-01"},
        headers={"Authorization": f"Bearer {tokens[Role.AUDITOR]}"},
    ).json()
    assert answer["rows"][0]["cells"] == ["Herefordshire Council", 2, "28", "28", "100", "5000"]
    period = client.get(
        "/api/reports/delayed-discharges",
        params={"commissioner": "HFD", "from": "2017-07-03", "to": "2017-07-16"},
        headers={"Authorization": f"Bearer {tokens[Role.AUDITOR]}"},
    ).json()
    assert (period["since"], period["on"]) == ("2017-07-03", "2017-07-16")
    assert [r["cells"][0] for r in period["rows"]] == ["2017-07-03", "2017-07-10"]


def test_the_dashboard_shows_the_cost_of_care_gap_per_zone(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/dashboard", params=PERIOD).text
    title = "The gap an hour between the commissioned rate and the cost of care, by zone"
    assert f"{title}: the figures" in page
    figures = page.split(f"{title}: the figures", 1)[1].split("</table>", 1)[0]
    # the rate card pays £15.80 an hour; the model's default price is far above it
    assert ">£15.80<" in figures and ">−£" in figures
    assert 'href="/packages?commissioner=HFD&amp;status=active&amp;zone=' in figures
    assert (
        'href="/reports/cost-of-care?commissioner=HFD&amp;day=1&amp;month=8&amp;year=2017"' in page
    )


def test_the_dashboard_shows_spend_by_funder_and_delivered_hours(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/dashboard", params=PERIOD).text
    # the only run (HFD-2017-07-10) is a draft: nothing approved is paid yet
    assert "Paid for the period&#39;s visits (approved runs)" in page
    assert 'href="/reports/spend-by-funder?commissioner=HFD&amp;day=1' in page
    # Wyeside's three recorded 30-minute visits were all delivered in full
    assert '<desc id="chart-delivery-desc">Wyeside Home Care: 100%.</desc>' in page
    figures = page.split("Planned hours delivered, by provider: the figures", 1)[1]
    assert 'href="/packages?commissioner=HFD&amp;status=active&amp;provider=Wyeside' in figures


def test_spend_by_funder_counts_a_draft_run_only_when_asked(client: TestClient, tokens) -> None:
    sign_in(client, Role.FINANCE)
    query = {k.removeprefix("to_"): v for k, v in PERIOD.items()}
    approved = client.get("/reports/spend-by-funder", params=query)
    assert approved.status_code == 200
    assert "Approved runs only: drafts are not counted." in approved.text
    drafts = client.get("/reports/spend-by-funder", params=query | {"drafts": "yes"})
    assert "HFD-2017-07-10 (draft)" in drafts.text and ">£7.90<" in drafts.text
    assert 'value="yes" checked' in drafts.text
    download = client.get(
        "/reports/spend-by-funder/download", params=query | {"drafts": "yes", "format": "csv"}
    )
    assert "Total,,7.90,7.90" in download.text
    answer = client.get(
        "/api/reports/spend-by-funder",
        params={"commissioner": "HFD", "from": "2017-07-03", "to": "2017-08-01", "drafts": "true"},
        headers={"Authorization": f"Bearer {tokens[Role.AUDITOR]}"},
    ).json()
    assert answer["totals"]["cells"] == ["Total", "", "7.90", "7.90"]
    delivered = client.get(
        "/api/reports/delivered-hours",
        params={"commissioner": "HFD", "from": "2017-07-03", "to": "2017-08-01"},
        headers={"Authorization": f"Bearer {tokens[Role.AUDITOR]}"},
    ).json()
    assert delivered["totals"]["cells"][2:5] == [3, "1.5", "1.5"]


def test_a_week_of_delays_opens_the_report_narrowed_to_it(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/dashboard", params=PERIOD).text
    week = "/reports/delayed-discharges?commissioner=HFD&amp;day=1&amp;month=8&amp;year=2017"
    assert f"{week}&amp;from_day=3&amp;from_month=7&amp;from_year=2017&amp;week=2017-07-03" in page
    narrowed = client.get(
        "/reports/delayed-discharges",
        params={"commissioner": "HFD", "day": "1", "month": "8", "year": "2017",
                "from_day": "3", "from_month": "7", "from_year": "2017", "week": "2017-07-03"},
    )  # fmt: skip
    assert narrowed.status_code == 200
    assert "Only the week beginning 2017-07-03." in narrowed.text
