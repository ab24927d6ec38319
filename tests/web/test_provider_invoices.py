"""Providers' own invoices over HTTP: a provider sends its invoice for a run it is paid in
(API and page) and sees its reconciliation; finance see every invoice received with its
status; a provider never sees another's.

A database of its own: the market of conftest.py, with draft run HFD-2017-07-10 (Wyeside's
WHC-1 paid 7.90, WHC-2 held) and Wyeside's invoice INV-1 (WHC-1, and WHC-3 the run lacks).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from tests.web.conftest import PAYMENT_RUN, bearer, form_token, make_market, serve, sign_in

AGREEING = "visit_id,package_reference,date,minutes,amount\nWHC-1,PKG-0001,2017-07-10,30,7.90\n"


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[Role, str]]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('invoices') / 'cm.db'}")


@pytest.fixture
def client(market: tuple[Settings, dict[Role, str]]) -> Iterator[TestClient]:
    yield from serve(market[0])


@pytest.fixture
def tokens(market: tuple[Settings, dict[Role, str]]) -> dict[Role, str]:
    return market[1]


def test_a_provider_sends_its_invoice_by_the_api_and_finance_see_it(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    as_provider = bearer(tokens[Role.PROVIDER])
    sent = client.post(
        f"/api/payment-runs/{PAYMENT_RUN}/invoices",
        json={"reference": "INV-API", "csv": AGREEING},
        headers=as_provider,
    )
    assert sent.status_code == 200, sent.text
    assert (sent.json()["matched"], sent.json()["differences"]) == (1, [])
    listed = client.get("/api/invoices", headers=bearer(tokens[Role.FINANCE])).json()
    assert [(i["reference"], i["provider"], i["agrees"]) for i in listed] == [
        ("INV-API", "Wyeside Home Care", True),
        ("INV-1", "Wyeside Home Care", False),
    ]
    one = client.get("/api/invoices/Wyeside Home Care/INV-1", headers=as_provider).json()
    assert [d["difference"] for d in one["reconciliation"]["differences"]] == ["extra"]
    assert one["invoice"]["extra"] == 1


def test_a_provider_cannot_send_or_read_another_providers_invoice(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    as_provider = bearer(tokens[Role.PROVIDER])
    named = client.post(
        f"/api/payment-runs/{PAYMENT_RUN}/invoices",
        json={"provider": "Other Care", "reference": "X-1", "csv": AGREEING},
        headers=as_provider,
    )
    assert named.status_code == 404
    finance = client.post(
        f"/api/payment-runs/{PAYMENT_RUN}/invoices",
        json={"provider": "Other Care", "reference": "OC-1", "csv": AGREEING},
        headers=bearer(tokens[Role.FINANCE]),
    )
    assert finance.status_code == 200, finance.text
    assert client.get("/api/invoices/Other Care/OC-1", headers=as_provider).status_code == 404
    mine = client.get("/api/invoices", headers=as_provider).json()
    assert "Other Care" not in {i["provider"] for i in mine}
    unnamed = client.post(
        f"/api/payment-runs/{PAYMENT_RUN}/invoices",
        json={"reference": "OC-2", "csv": AGREEING},
        headers=bearer(tokens[Role.FINANCE]),
    )
    assert unnamed.status_code == 422


def test_a_provider_sends_its_invoice_from_the_runs_page(client: TestClient) -> None:
    sign_in(client, Role.PROVIDER)
    run_page = client.get(f"/payments/runs/{PAYMENT_RUN}")
    assert "Send your invoice for this run" in run_page.text
    form = client.get(f"/payments/runs/{PAYMENT_RUN}/invoice")
    assert form.status_code == 200
    assert 'name="provider"' not in form.text
    answer = client.post(
        f"/payments/runs/{PAYMENT_RUN}/invoice",
        data={"csrf_token": form_token(client), "reference": "INV-PAGE"},
        files={"invoice": ("inv.csv", AGREEING.replace("WHC-1", "WHC-9"), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    assert "Invoice INV-PAGE" in answer.text and "Extra" in answer.text and "Missing" in answer.text
    listed = client.get("/payments/invoices")
    assert "INV-PAGE" in listed.text and "Differs" in listed.text
    detail = client.get("/payments/invoices/Wyeside%20Home%20Care/INV-PAGE")
    assert detail.status_code == 200 and "Differs from the run" in detail.text


def test_finance_see_the_invoices_received_with_their_status(client: TestClient) -> None:
    sign_in(client, Role.FINANCE)
    page = client.get("/payments/invoices")
    assert page.status_code == 200
    assert "INV-1" in page.text and "Wyeside Home Care" in page.text
