"""Payment pages: the run list and the form to make one, a run's detail with its lines per
provider, held queries apart and totals by funder; queries resolved; approval; a provider's
remittance (its own only); an invoice uploaded with its reconciliation report.

A database of its own: the market of conftest.py with draft run HFD-2017-07-10 (Wyeside Home
Care's WHC-1 paid £7.90, WHC-2 held by a query).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from tests.web.conftest import PAYMENT_RUN, a_date, form_token, make_market, post, serve, sign_in

RUN = f"/payments/runs/{PAYMENT_RUN}"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('payments') / 'cm.db'}")[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    yield from serve(settings)


def test_a_run_shows_its_lines_the_held_visit_apart_and_totals_by_funder(web) -> None:
    sign_in(web, Role.FINANCE)
    page = web.get(RUN)
    assert page.status_code == 200
    text = page.text
    assert "Totals by funder" in text and "HFD" in text
    held_at = text.index("Held for queries: not paid")
    assert text.index("WHC-1") < held_at < text.index("WHC-2")
    assert "confirmed by hand" in text
    assert "Approve the run" in text


def test_a_provider_reads_its_remittance_but_not_anothers_nor_the_export(web) -> None:
    sign_in(web, Role.PROVIDER)
    assert PAYMENT_RUN in web.get("/payments").text
    page = web.get(f"{RUN}/remittance/Wyeside Home Care")
    assert page.status_code == 200 and "Remittance advice: Wyeside Home Care" in page.text
    assert "Approve the run" not in web.get(RUN).text
    assert web.get(f"{RUN}/remittance/Other Care").status_code == 404
    assert web.get(f"{RUN}/export.csv").status_code == 403
    assert post(web, f"{RUN}/approve").status_code == 403


def test_a_run_of_the_wrong_length_is_refused_with_the_reason(web) -> None:
    sign_in(web, Role.FINANCE)
    answer = post(
        web,
        "/payments",
        commissioner="HFD",
        **a_date("from", 10, 7, 2017),
        **a_date("to", 12, 7, 2017),
    )
    assert answer.status_code == 400
    assert "a week or four weeks, not 3 days" in answer.text


def test_finance_resolves_the_query_makes_the_run_again_and_approves_it(web) -> None:
    sign_in(web, Role.FINANCE)
    queries = web.get("/payments/queries")
    assert "Visit WHC-2 of Wyeside Home Care" in queries.text
    [query] = re.findall(r'action="/payments/queries/(\d+)"', queries.text)
    missing = post(web, f"/payments/queries/{query}")
    assert missing.status_code == 400 and "Select whether to pay the visit" in missing.text
    answer = {f"resolution-{query}": "pay", f"note-{query}": "timesheet"}
    done = post(web, f"/payments/queries/{query}", **answer)
    assert done.status_code == 303
    assert "None open" in web.get("/payments/queries").text
    assert post(web, f"{RUN}/refresh").status_code == 303
    assert "None." in web.get(RUN).text  # nothing held now
    assert post(web, f"{RUN}/approve").status_code == 303
    page = web.get(RUN)
    assert "Approved by" in page.text and "Approve the run" not in page.text
    assert post(web, f"{RUN}/refresh").status_code == 409


def test_an_invoice_uploaded_shows_what_differs_with_totals(web) -> None:
    sign_in(web, Role.FINANCE)
    invoice = (
        "visit_id,package_reference,date,minutes,amount\n"
        "WHC-1,PKG-0001,2017-07-10,45,11.85\n"
        "WHC-9,PKG-0001,2017-07-11,30,7.90\n"
    )
    answer = web.post(
        f"{RUN}/invoice",
        data={"csrf_token": form_token(web), "provider": "Wyeside Home Care", "reference": "INV-3"},
        files={"invoice": ("INV-3.csv", invoice.encode(), "text/csv")},
    )
    assert answer.status_code == 200, answer.text[:500]
    assert "Different minutes and amount" in answer.text
    assert "Extra" in answer.text
    assert "£19.75" in answer.text  # invoiced
