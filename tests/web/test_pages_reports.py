"""Reports as pages, CSV and Excel: zone demand and market share."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from caremarket.domain.access import Role
from tests.web.conftest import sign_in

ON = {"commissioner": "HFD", "day": "1", "month": "8", "year": "2017"}


def test_zone_demand_shows_the_commissioners_zones_on_the_day(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/reports/zone-demand", params=ON)
    assert page.status_code == 200
    assert "Herefordshire Council, 1 August 2017" in page.text
    assert '<th scope="row"' in page.text
    assert (
        "download?commissioner=HFD&amp;day=1&amp;month=8&amp;year=2017&amp;format=csv" in page.text
    )


def test_market_share_can_be_by_provider(client: TestClient) -> None:
    sign_in(client, Role.FINANCE)
    page = client.get("/reports/market-share", params=ON | {"by": "provider"})
    assert page.status_code == 200
    assert "Wyeside Home Care" in page.text
    assert "by=provider" in page.text


def test_a_report_downloads_as_csv(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    answer = client.get("/reports/market-share/download", params=ON | {"format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert (
        answer.headers["content-disposition"]
        == 'attachment; filename="market-share-HFD-2017-08-01.csv"'
    )
    assert answer.text.splitlines()[0].startswith("Tier,")


def test_a_report_downloads_as_an_excel_workbook(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    answer = client.get("/reports/zone-demand/download", params=ON | {"format": "xlsx"})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert "Herefordshire Council" in sheet["A2"].value


def test_a_date_that_is_not_real_is_shown_as_an_error(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/reports/zone-demand", params=ON | {"day": "31", "month": "2"})
    assert page.status_code == 400
    assert "<title>Error: Zone demand" in page.text
    assert "The date must be a real date" in page.text
    assert 'href="#day"' in page.text
    download = client.get("/reports/zone-demand/download", params=ON | {"month": ""})
    assert download.status_code == 400


def test_an_unknown_report_or_format_is_not_found(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    assert client.get("/reports/league-table").status_code == 404
    assert client.get("/reports/zone-demand/download", params={"format": "pdf"}).status_code == 404


def test_a_provider_may_not_see_reports(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/market-share", params=ON).status_code == 403
    assert client.get("/reports/market-share/download", params=ON).status_code == 403


def test_vehicle_use_shows_each_commissioner_of_the_vehicle(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    on = {"vehicle": "HFD-DPS", "day": "1", "month": "8", "year": "2017"}
    page = client.get("/reports/vehicle-use", params=on)
    assert page.status_code == 200
    assert "Home care DPS, 1 August 2017" in page.text
    assert "Herefordshire Council" in page.text
    assert "/reports/vehicle-use/download?vehicle=HFD-DPS&amp;day=1" in page.text
    answer = client.get("/reports/vehicle-use/download", params=on | {"format": "csv"})
    assert answer.headers["content-disposition"] == (
        'attachment; filename="vehicle-use-HFD-DPS-2017-08-01.csv"'
    )
    assert answer.text.splitlines()[0].startswith("Commissioner,Packages,")
    assert "/reports/vehicle-use" in client.get("/reports").text


def test_vehicle_use_of_an_unknown_vehicle_is_an_error_in_the_form(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/reports/vehicle-use", params={"vehicle": "NOPE"})
    assert page.status_code == 400
    assert "Choose a vehicle from the list" in page.text
    assert (
        client.get("/reports/vehicle-use/download", params={"vehicle": "NOPE"}).status_code == 400
    )


PERIOD = ON | {"from_day": "3", "from_month": "7", "from_year": "2017"}


def test_hand_backs_drill_down_by_zone_provider_reason_and_week(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    chosen = {"zone": "A", "provider": "Wyeside Home Care", "reason": "staffing"}
    page = client.get("/reports/hand-backs", params=PERIOD | chosen | {"week": "2017-07-24"})
    assert page.status_code == 200
    assert '<option value="staffing" selected>Staffing</option>' in page.text
    assert '<option value="2017-07-24" selected>Week beginning 24 July 2017</option>' in page.text
    assert "Only zone A, provider Wyeside Home Care, the reason staffing" in page.text
    assert "The packages behind the figure" in page.text
    assert "No packages for the period and the choices above." in page.text
    download = client.get(
        "/reports/hand-backs/download", params=PERIOD | chosen | {"packages": "yes"}
    )
    assert (
        "hand-backs-packages-HFD-2017-07-03-to-2017-08-01.csv"
        in (download.headers["content-disposition"])
    )
    assert download.text.splitlines()[0] == "Package,Zone,Provider,Reason,Given back on"


def test_a_drill_down_outside_its_choices_is_refused_in_the_error_summary(
    client: TestClient,
) -> None:
    sign_in(client, Role.AUDITOR)
    page = client.get("/reports/delayed-discharges", params=PERIOD | {"zone": "Q", "week": "x"})
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text
    assert "Choose a zone from the list" in page.text
    assert "Choose a week from the list" in page.text


def test_the_api_drills_down_and_lists_the_packages_behind(client: TestClient, tokens) -> None:
    headers = {"Authorization": f"Bearer {tokens[Role.AUDITOR]}"}
    query = {"commissioner": "HFD", "from": "2017-07-03", "to": "2017-08-01"}
    answer = client.get(
        "/api/reports/delayed-discharges",
        params=query | {"zone": "A", "packages": "true"},
        headers=headers,
    )
    assert answer.status_code == 200
    assert [c["heading"] for c in answer.json()["columns"]][:2] == ["Package", "Person"]
    refused = client.get(
        "/api/reports/waiting-list", params=query | {"reason": "staffing"}, headers=headers
    )
    assert refused.status_code == 422


def test_the_forecast_page_takes_growth_method_and_the_year_ahead(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    chosen = {"growth": "10", "method": "level", "ahead": "2019"}
    page = client.get("/reports/forecast", params=ON | chosen)
    assert page.status_code == 200
    # two years of 10% on the day's 28 hours a week: 28 x 1.21 = 33.88, shown as 34
    assert "Forecast weekly hours for 2019" in page.text
    assert "10% a year for 2 years, compound" in page.text
    assert re.search(r'<input[^>]*name="growth"[^>]*value="10"', page.text)
    assert re.search(r'value="level" checked', page.text)


def test_the_forecast_page_refuses_bad_inputs_and_keeps_them(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    bad = {"growth": "lots", "method": "guess", "ahead": "2030"}
    page = client.get("/reports/forecast", params=ON | bad)
    assert page.status_code == 400
    assert "govuk-error-summary" in page.text
    assert "Enter the growth as a percentage a year, like 2.5" in page.text
    assert "Choose to forecast from the level on the day or the past year&#39;s trend" in page.text
    assert "The year ahead must be 1 to 5 years after the base day&#39;s year, 2017" in page.text
    assert 'value="lots"' in page.text and 'value="2030"' in page.text
