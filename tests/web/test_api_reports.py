"""Reports through the API: exact figures as data, or the same table as CSV and Excel."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from tests.web.conftest import bearer

ON = {"commissioner": "HFD", "on": "2017-08-01"}


@pytest.fixture
def client(client: TestClient, tokens: dict[Role, str]) -> TestClient:
    client.headers.update(bearer(tokens[Role.COMMISSIONER]))
    return client


def test_zone_demand_comes_as_exact_figures(client: TestClient) -> None:
    data = client.get("/api/reports/zone-demand", params=ON).json()
    assert data["on"] == "2017-08-01"
    [zone_a] = [row["cells"] for row in data["rows"] if row["cells"][1] == "A"]
    # one person with two packages of four 30-minute calls a day: 28 hours a week at £15.80
    assert zone_a[2:] == [1, "28", "1456", "23004.80"]


def test_a_report_downloads_as_csv_and_excel(client: TestClient) -> None:
    csv = client.get("/api/reports/market-share", params=ON | {"format": "csv"})
    assert csv.headers["content-disposition"] == (
        'attachment; filename="market-share-HFD-2017-08-01.csv"'
    )
    assert csv.text.startswith("Tier,")

    xlsx = client.get("/api/reports/market-share", params=ON | {"format": "xlsx", "by": "provider"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert "Wyeside Home Care" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_an_unknown_report_is_not_found(client: TestClient) -> None:
    answer = client.get("/api/reports/nonsense", params=ON)
    assert answer.status_code == 404
    assert "zone-demand" in answer.json()["detail"]


def test_an_unknown_commissioner_is_not_found(client: TestClient) -> None:
    answer = client.get("/api/reports/zone-demand", params={"commissioner": "NOPE"})
    assert answer.status_code == 404


def test_a_provider_may_not_read_the_market_share(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    answer = client.get(
        "/api/reports/market-share", params=ON, headers=bearer(tokens[Role.PROVIDER])
    )
    assert answer.status_code == 403


def test_vehicle_use_comes_as_exact_figures_per_commissioner(client: TestClient) -> None:
    data = client.get("/api/reports/vehicle-use", params={"vehicle": "HFD-DPS", "on": "2017-08-01"})
    assert data.status_code == 200
    body = data.json()
    assert body["title"] == "Use of HFD-DPS by commissioner"
    assert body["commissioner"] == "Home care DPS"
    assert [c["heading"] for c in body["columns"]][-2:] == ["Providers used", "Share of hours"]
    assert body["totals"]["cells"][0] == "Total"


def test_vehicle_use_downloads_as_csv_and_excel(client: TestClient) -> None:
    on = {"vehicle": "HFD-DPS", "on": "2017-08-01"}
    csv = client.get("/api/reports/vehicle-use", params=on | {"format": "csv"})
    assert csv.headers["content-disposition"] == (
        'attachment; filename="vehicle-use-HFD-DPS-2017-08-01.csv"'
    )
    assert csv.text.startswith("Commissioner,Packages,People,")
    xlsx = client.get("/api/reports/vehicle-use", params=on | {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == "Home care DPS, 1 August 2017"


def test_vehicle_use_of_an_unknown_vehicle_is_not_found(client: TestClient) -> None:
    answer = client.get("/api/reports/vehicle-use", params={"vehicle": "NOPE"})
    assert answer.status_code == 404
    assert "no vehicle NOPE" in answer.json()["detail"]
