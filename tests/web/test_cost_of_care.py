"""Cost of care over HTTP: scenarios read by staff and saved by commissioners (API and page,
with an error summary), the gap by zone, the reports, and providers' open book (a provider
sends and sees only its own). Every route of the area is walked for every role.

A database of its own (the market of conftest.py: zone A at £15.80 an hour, Wyeside's
PKG-0001 and Other Care's PKG-0002, 4 x 30 minutes a day each).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import POLICY_SETTERS, PROVIDERS, REPORT_READERS, Role
from caremarket.domain.cost_of_care import COMPONENTS
from tests.web.conftest import bearer, form_token, make_market, serve, sign_in

ON = {"commissioner": "HFD", "on": "2017-08-01"}
WORKED = {  # the hand-worked example of tests/unit/test_cost_of_care.py: £31.50 an hour
    "hourly_pay": "12", "visit_minutes": "30", "travel_minutes_per_visit": "15",
    "miles_per_visit": "3", "pence_per_mile": "45", "training_percent": "5",
    "holiday_weeks": "4", "sick_pay_percent": "2", "ni_percent": "15",
    "ni_threshold_a_year": "5200", "weekly_paid_hours": "25", "pension_percent": "3",
    "pension_threshold_a_year": "7800", "overheads_per_hour": "5", "surplus_percent": "3",
}  # fmt: skip
EVERYONE = frozenset(Role)
READ_ROUTES = {  # path: (query, who may read it)
    "/api/cost-of-care/scenarios": ({"commissioner": "HFD"}, REPORT_READERS),
    "/api/cost-of-care/gap": (ON, REPORT_READERS),
    "/api/open-book": ({}, EVERYONE),
    "/api/open-book/comparison": (ON, EVERYONE),
    "/api/reports/cost-of-care": (ON, REPORT_READERS),
    "/api/reports/forecast": (ON, REPORT_READERS),
    "/cost-of-care": ({"commissioner": "HFD"}, REPORT_READERS),
    "/cost-of-care/edit": ({"commissioner": "HFD"}, POLICY_SETTERS),
    "/cost-of-care/open-book": ({"commissioner": "HFD"}, REPORT_READERS),
    "/open-book": ({}, PROVIDERS),
    "/reports/cost-of-care": (ON, REPORT_READERS),
    "/reports/forecast": (ON, REPORT_READERS),
}


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[Role, str]]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('cost') / 'cm.db'}")


@pytest.fixture
def web(market: tuple[Settings, dict[Role, str]]) -> Iterator[TestClient]:
    yield from serve(market[0])


@pytest.fixture
def tokens(market: tuple[Settings, dict[Role, str]]) -> dict[Role, str]:
    return market[1]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_let_in_or_turned_away_on_every_read_route(web, tokens, role) -> None:
    for path, (query, allowed) in READ_ROUTES.items():
        answer = web.get(path, params=query, headers=bearer(tokens[role]))
        expected = 200 if role in allowed else 403
        assert answer.status_code == expected, f"{role} on {path}: {answer.text[:300]}"


def test_a_commissioner_saves_a_scenario_through_the_api(web, tokens) -> None:
    body = {"commissioner": "HFD", "name": "Worked", "effective_from": "2017-04-01",
            "inputs": WORKED, "zones": {"A": {"travel_minutes_per_visit": "15",
                                              "miles_per_visit": "3"}}}  # fmt: skip
    saved = web.put("/api/cost-of-care/scenarios", json=body,
                    headers=bearer(tokens[Role.COMMISSIONER]))  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert saved.json()["price_by_zone"] == {"A": "31.50", "C": "31.50"}
    gap = web.get("/api/cost-of-care/gap", params=ON, headers=bearer(tokens[Role.AUDITOR]))
    zone_a = next(g for g in gap.json() if g["code"] == "A")
    assert zone_a["model_rate"] == "31.50"
    assert zone_a["commissioned_rate"] == "15.80"
    assert zone_a["gap_per_hour"] == "-15.70"
    refused = web.put("/api/cost-of-care/scenarios", json=body,
                      headers=bearer(tokens[Role.BROKER]))  # fmt: skip
    assert refused.status_code == 403


def test_unusable_inputs_are_named_field_by_field(web, tokens) -> None:
    body = {"commissioner": "HFD", "name": "Bad", "effective_from": "2017-04-01",
            "inputs": {"visit_minutes": "0", "holiday_weeks": "60"}}  # fmt: skip
    answer = web.put("/api/cost-of-care/scenarios", json=body,
                     headers=bearer(tokens[Role.ADMIN]))  # fmt: skip
    assert answer.status_code == 422
    assert set(answer.json()["fields"]) == {"visit_minutes", "holiday_weeks"}


def test_the_gap_report_downloads_as_csv(web, tokens) -> None:
    answer = web.get("/api/reports/cost-of-care", params=ON | {"format": "csv"},
                     headers=bearer(tokens[Role.FINANCE]))  # fmt: skip
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith('cost-of-care-HFD-2017-08-01.csv"')
    assert "Zone,A: Zone A,28," in answer.text


def test_the_scenario_page_saves_a_scenario_and_shows_its_price(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    form = web.get("/cost-of-care/edit", params={"commissioner": "HFD"})
    assert 'id="hourly_pay"' in form.text
    assert "5.6 weeks&#39; statutory paid leave" in form.text
    data = {"csrf_token": form_token(web), "commissioner": "HFD", "name": "Page",
            "effective_from-day": "1", "effective_from-month": "4",
            "effective_from-year": "2017", **WORKED, "zone-A-minutes": "15", "zone-A-miles": "3",
            "zone-C-minutes": "25", "zone-C-miles": "8"}  # fmt: skip
    saved = web.post("/cost-of-care/edit", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = web.get(saved.headers["location"])
    assert "The scenario Page is saved" in page.text
    assert "£31.50" in page.text
    assert "The price an hour under each scenario" in page.text


def test_the_scenario_page_lists_every_problem_in_the_error_summary(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    data = {"csrf_token": form_token(web), "commissioner": "HFD", "name": "",
            "effective_from-day": "1", "effective_from-month": "4",
            "effective_from-year": "2017", "hourly_pay": "lots", "visit_minutes": "0",
            "zone-A-minutes": "-5", "zone-A-miles": "3"}  # fmt: skip
    answer = web.post("/cost-of-care/edit", data=data)
    assert answer.status_code == 400
    assert "govuk-error-summary" in answer.text
    assert 'href="#name"' in answer.text
    assert 'href="#hourly_pay"' in answer.text
    assert 'href="#zone-A-minutes"' in answer.text


def test_a_provider_sends_its_open_book_and_sees_only_its_own(web, tokens) -> None:
    lines = {COMPONENTS[0]: "12.50", COMPONENTS[7]: "2.00"}
    body = {"commissioner": "HFD", "period_start": "2017-04-01", "period_end": "2018-03-31",
            "lines": lines}  # fmt: skip
    sent = web.post("/api/open-book", json=body, headers=bearer(tokens[Role.PROVIDER]))
    assert sent.status_code == 201, sent.text
    assert sent.json()["provider"] == "Wyeside Home Care"
    refused = web.post("/api/open-book", json=body, headers=bearer(tokens[Role.COMMISSIONER]))
    assert refused.status_code == 403
    compared = web.get("/api/open-book/comparison", params=ON,
                       headers=bearer(tokens[Role.PROVIDER])).json()  # fmt: skip
    assert [c["title"] for c in compared] == ["Open book: Wyeside Home Care"]
    sign_in(web, Role.COMMISSIONER)
    page = web.get("/cost-of-care/open-book", params={"commissioner": "HFD"})
    assert "Open book: Wyeside Home Care" in page.text


def test_the_provider_page_sends_costs_and_names_a_wrong_line(web) -> None:
    sign_in(web, Role.PROVIDER)
    data = {"csrf_token": form_token(web), "commissioner": "HFD",
            "period_start-day": "1", "period_start-month": "4", "period_start-year": "2018",
            "period_end-day": "31", "period_end-month": "3", "period_end-year": "2019",
            "line-0": "13.10", "line-8": "five"}  # fmt: skip
    wrong = web.post("/open-book", data=data)
    assert wrong.status_code == 400
    assert 'href="#line-8"' in wrong.text
    sent = web.post("/open-book", data=data | {"line-8": "5.00"}, follow_redirects=False)
    assert sent.status_code == 303
    assert "Your costs are sent" in web.get("/open-book").text


def test_the_forecast_api_takes_a_growth_rate_and_a_method(web, tokens) -> None:
    # zone A: PKG-0001 and PKG-0002, 4 x 30 minutes a day each: 28 hours a week; x 1.10
    answer = web.get("/api/reports/forecast", params=ON | {"growth": "10"},
                     headers=bearer(tokens[Role.COMMISSIONER]))  # fmt: skip
    assert answer.status_code == 200, answer.text
    zone_a = next(r["cells"] for r in answer.json()["rows"] if r["cells"][1] == "A")
    assert zone_a[3:5] == ["28", "30.8"]
    trend = web.get("/api/reports/forecast", params=ON | {"method": "trend", "format": "csv"},
                    headers=bearer(tokens[Role.COMMISSIONER]))  # fmt: skip
    assert trend.headers["content-disposition"].endswith('forecast-HFD-2017-08-01.csv"')
    wrong = web.get("/api/reports/forecast", params=ON | {"method": "guess"},
                    headers=bearer(tokens[Role.COMMISSIONER]))  # fmt: skip
    assert wrong.status_code == 422


def test_the_gap_report_api_takes_a_scenario(web, tokens) -> None:
    missing = web.get("/api/reports/cost-of-care", params=ON | {"scenario": "Nothing"},
                      headers=bearer(tokens[Role.COMMISSIONER]))  # fmt: skip
    assert missing.status_code == 404
