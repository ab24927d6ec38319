"""The payments API: rule sets, runs made and approved, remittances, the export, queries
resolved and invoices reconciled, with who may do what.

A database of its own: the market of conftest.py with draft run HFD-2017-07-10 (Wyeside Home
Care's visit WHC-1 paid £7.90, WHC-2 held by a query).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.web.conftest import PAYMENT_RUN, bearer, make_market

RUN = f"/api/payment-runs/{PAYMENT_RUN}"


@pytest.fixture(scope="module")
def payments_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('payments') / 'cm.db'}")


@pytest.fixture
def api(payments_market) -> Iterator[TestClient]:
    app = create_app(payments_market[0])
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def as_role(payments_market):
    return lambda role: bearer(payments_market[1][role])


def test_finance_sets_payment_rules_by_name(api, as_role) -> None:
    rules = {"tolerance_minutes": 10, "bank_holiday_multiplier": "1.5"}
    url = "/api/payment-rules/HFD 2017"
    assert api.put(url, json=rules, headers=as_role(Role.PROVIDER)).status_code == 403
    answer = api.put(url, json=rules, headers=as_role(Role.FINANCE))
    assert answer.status_code == 200, answer.text
    assert answer.json()["tolerance_minutes"] == 10
    bad = api.put(url, json={"tolerance": 10}, headers=as_role(Role.FINANCE))
    assert bad.status_code == 422 and "unknown payment rule" in bad.text
    listed = api.get("/api/payment-rules", headers=as_role(Role.AUDITOR)).json()
    assert [r["name"] for r in listed] == ["HFD 2017"]


def test_a_run_shows_lines_held_queries_apart_and_totals_by_funder(api, as_role) -> None:
    detail = api.get(RUN, headers=as_role(Role.FINANCE)).json()
    assert [(x["visit_id"], x["amount"], x["held"]) for x in detail["lines"]] == [
        ("WHC-1", "7.90", False),
        ("WHC-2", "7.90", True),
    ]
    assert detail["by_funder"] == [["HFD", "7.90"]]
    [totals] = detail["totals"]
    assert (totals["paid"], totals["held_lines"]) == ("7.90", 1)


def test_a_provider_sees_its_own_runs_and_remittance_only(api, as_role) -> None:
    mine = api.get("/api/payment-runs", headers=as_role(Role.PROVIDER)).json()
    assert [r["run"]["reference"] for r in mine] == [PAYMENT_RUN]
    remittance = api.get(f"{RUN}/remittances/Wyeside Home Care", headers=as_role(Role.PROVIDER))
    assert remittance.status_code == 200
    rows = list(csv.DictReader(io.StringIO(remittance.text)))
    assert [(r["Visit"], r["Status"], r["Amount (£)"]) for r in rows[:-1]] == [
        ("WHC-1", "paid", "7.90"),
        ("WHC-2", "held", "7.90"),
    ]
    assert (rows[-1]["Date"], rows[-1]["Amount (£)"]) == ("Total paid", "7.90")
    theirs = api.get(f"{RUN}/remittances/Other Care", headers=as_role(Role.PROVIDER))
    assert theirs.status_code == 404 and "Other Care" in theirs.text  # the name asked for
    assert api.get(f"{RUN}/export", headers=as_role(Role.PROVIDER)).status_code == 403


def test_the_export_has_a_row_for_each_funder_of_each_line_paid(api, as_role) -> None:
    answer = api.get(f"{RUN}/export", headers=as_role(Role.AUDITOR))
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["run"], r["visit_id"], r["funder"], r["amount (£)"]) for r in rows] == [
        (PAYMENT_RUN, "WHC-1", "HFD", "7.90")
    ]


def test_finance_resolves_the_query_remakes_approves_and_the_run_is_final(api, as_role) -> None:
    listed = api.get("/api/ecm/queries?held=true", headers=as_role(Role.FINANCE)).json()
    [query] = [q for q in listed if q["visit_id"] == "WHC-2"]
    url = f"/api/visit-queries/{query['id']}/resolution"
    body = {"resolution": "pay", "note": "timesheet signed"}
    assert api.post(url, json=body, headers=as_role(Role.AUDITOR)).status_code == 403
    assert api.post(url, json=body, headers=as_role(Role.FINANCE)).status_code == 204
    assert api.post(url, json=body, headers=as_role(Role.FINANCE)).status_code == 409
    assert api.post(f"{RUN}/refresh", headers=as_role(Role.PROVIDER)).status_code == 403
    assert api.post(f"{RUN}/refresh", headers=as_role(Role.FINANCE)).status_code == 200
    detail = api.get(RUN, headers=as_role(Role.FINANCE)).json()
    assert [x["held"] for x in detail["lines"]] == [False, False]
    assert api.post(f"{RUN}/approval", headers=as_role(Role.COMMISSIONER)).status_code == 403
    approved = api.post(f"{RUN}/approval", headers=as_role(Role.FINANCE))
    assert approved.json()["status"] == "approved"
    again = api.post(f"{RUN}/refresh", headers=as_role(Role.FINANCE))
    assert again.status_code == 409 and "cannot change" in again.json()["detail"]
    invoice = {
        "provider": "Wyeside Home Care",
        "reference": "INV-9",
        "csv": "visit_id,package_reference,date,minutes,amount\n"
        "WHC-1,PKG-0001,2017-07-10,30,7.90\nWHC-3,PKG-0001,2017-07-10,30,7.90\n",
    }
    answer = api.post(f"{RUN}/invoices", json=invoice, headers=as_role(Role.FINANCE))
    assert answer.status_code == 200, answer.text
    kinds = [d["difference"] for d in answer.json()["differences"]]
    assert sorted(kinds) == ["extra", "missing"]


def test_a_run_of_the_wrong_length_or_over_another_is_refused(api, as_role) -> None:
    body = {"commissioner": "HFD", "period_start": "2017-07-10", "period_end": "2017-07-19"}
    answer = api.post("/api/payment-runs", json=body, headers=as_role(Role.FINANCE))
    assert answer.status_code == 422 and "a week or four weeks" in answer.text
    body["period_end"] = "2017-07-16"
    assert (
        api.post("/api/payment-runs", json=body, headers=as_role(Role.FINANCE)).status_code == 409
    )
    body |= {"period_start": "2017-07-17", "period_end": "2017-08-13"}
    assert api.post("/api/payment-runs", json=body, headers=as_role(Role.BROKER)).status_code == 403
    made = api.post("/api/payment-runs", json=body, headers=as_role(Role.FINANCE))
    assert made.status_code == 201 and made.json()["reference"] == "HFD-2017-07-17"


def test_finance_sets_a_persons_weekly_contribution_and_a_provider_may_not(api, as_role) -> None:
    url = "/api/packages/PKG-0001/assessed-contribution"
    refused = api.put(url, json={"weekly": "20.00"}, headers=as_role(Role.PROVIDER))
    assert refused.status_code == 403
    assert api.put(url, json={"weekly": "20.001"}, headers=as_role(Role.FINANCE)).status_code == 422
    # taken away again (none was set), so the shared market's runs are as they were
    assert api.put(url, json={"weekly": None}, headers=as_role(Role.FINANCE)).status_code == 204


def test_a_broker_may_authorise_an_over_run_but_not_of_a_visit_that_did_not_run_over(
    api, as_role
) -> None:
    body = {"provider": "Wyeside Home Care", "visit_id": "WHC-1", "minutes": 15}
    refused = api.post("/api/visit-extensions", json=body, headers=as_role(Role.PROVIDER))
    assert refused.status_code == 403
    answer = api.post("/api/visit-extensions", json=body, headers=as_role(Role.BROKER))
    assert answer.status_code == 422 and "did not run over" in answer.text
