"""The tender pages on a database of their own: reading the worked tender, entering a bid and
its marks through the forms, refused forms with GOV.UK error summaries, the report and its
downloads, the award with the tie decided, and who may see tenders."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from caremarket.domain.access import Role
from tests.web.conftest import form_token, sign_in
from tests.web.tender_helpers import client_on, make_tender_market, members_of

LOT_N = "/tenders/HC-2027/lots/N"
LOT_R = "/tenders/HC-2027/lots/R"


@pytest.fixture(scope="module")
def tender_market(tmp_path_factory):
    return make_tender_market(tmp_path_factory)


@pytest.fixture
def client(tender_market):
    yield from client_on(tender_market[0])


@pytest.fixture
def commissioner(client):
    sign_in(client, Role.COMMISSIONER)
    return client


def post(client, url: str, **fields: str | list[str]):
    return client.post(
        url, data={"csrf_token": form_token(client), **fields}, follow_redirects=False
    )


def test_the_list_and_a_tender_show_each_lots_status(commissioner) -> None:
    listed = commissioner.get("/tenders")
    assert listed.status_code == 200
    assert 'href="/tenders/HC-2027"' in listed.text
    tender = commissioner.get("/tenders/HC-2027").text
    assert "Quality 50% (marks 0–5)" in tender
    assert "£22.00 an hour" in tender
    assert "ready to award: a tie at the cut-off to decide" in tender
    assert 'href="/tenders/HC-2027/lots/S"' in tender


def test_a_lots_page_shows_the_bids_and_the_form_to_enter_one(commissioner) -> None:
    page = commissioner.get(LOT_N).text
    assert "Birch" in page and "£21.00 (abnormally low, accepted)" in page
    assert "Quality 3 (2 evaluators)" in page
    assert 'action="/tenders/HC-2027/lots/N/bids"' in page


def test_a_bids_page_shows_each_evaluators_mark_and_the_moderated_mark(commissioner) -> None:
    page = commissioner.get(f"{LOT_N}/bids/Elm").text
    assert "Asha: 2; Ben: 3" in page
    assert "as agreed in the tender file" in page
    assert 'action="/tenders/HC-2027/lots/N/bids/Elm/marks"' in page


def test_the_report_shows_every_score_with_its_working_and_how_the_rank_came_out(
    commissioner,
) -> None:
    page = commissioner.get(f"{LOT_N}/report").text
    assert "Lot N, North: Herefordshire Council" in page
    assert "71.33" in page and "83.00" in page
    assert "lowest £21.00 ÷ £27.00 × 30 = 23.33" in page
    assert "rank 4 of 5 with 71.33" in page
    assert "lowest compliant price £21.00 an hour" in page
    assert "download?format=csv" in page


def test_the_report_downloads_as_csv_and_excel(commissioner) -> None:
    answer = commissioner.get(f"{LOT_N}/report/download", params={"format": "csv"})
    assert answer.status_code == 200
    assert 'filename="evaluation-HC-2027-lot-N.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["bidder"], r["total"], r["rank"]) for r in rows][:2] == [
        ("Cedar", "83.00", "1"),
        ("Alder", "79.20", "2"),
    ]
    assert "explanation" in rows[0]
    workbook = commissioner.get(f"{LOT_N}/report/download", params={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert sheet["A1"].value == "Lot N, North"
    assert commissioner.get(f"{LOT_N}/report/download?format=pdf").status_code == 404


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.BROKER])
def test_providers_and_brokers_may_not_see_tenders(client, role) -> None:
    sign_in(client, role)
    for path in ("/tenders", "/tenders/HC-2027", LOT_N, f"{LOT_N}/report"):
        assert client.get(path).status_code == 403, path
    navigation = client.get("/").text.split("govuk-service-navigation__list")[1]
    assert "Tenders" not in navigation.split("</ul>")[0]


def test_an_auditor_reads_without_forms(client) -> None:
    sign_in(client, Role.AUDITOR)
    page = client.get(LOT_N).text
    assert "Enter a bid" not in page and "Award this lot" not in page
    assert "Record the mark" not in client.get(f"{LOT_N}/bids/Elm").text
    assert client.get(f"{LOT_N}/award").status_code == 403


def test_a_bid_is_entered_marked_and_moderated_through_the_forms(commissioner) -> None:
    lot_s = "/tenders/HC-2027/lots/S"
    entered = post(commissioner, f"{lot_s}/bids", bidder="Fir", **{"hourly-rate": "26.50"})
    assert entered.status_code == 303
    assert "Fir" in commissioner.get(entered.headers["location"]).text
    for evaluator, mark in (("Asha", "4"), ("Ben", "3")):
        marked = post(
            commissioner,
            f"{lot_s}/bids/Fir/marks",
            evaluator=evaluator,
            mark=mark,
            **{"mark-criterion": "quality"},
        )
        assert marked.status_code == 303, marked.text
    agreed = post(
        commissioner,
        f"{lot_s}/bids/Fir/moderation",
        note="Asha's reading of the evidence",
        **{"moderated-criterion": "quality", "moderated-mark": "4"},
    )
    assert agreed.status_code == 303
    page = commissioner.get(f"{lot_s}/bids/Fir").text
    assert "Asha: 4; Ben: 3" in page and "Asha&#39;s reading of the evidence" in page


@pytest.mark.parametrize(
    ("path", "fields", "status", "field", "message"),
    [
        ("bids", {"bidder": "Gorse", "hourly-rate": "lots"}, 400, "hourly-rate", "amount"),
        ("bids", {"bidder": "Elm", "hourly-rate": "25.00"}, 409, "bidder", "already"),
        (
            "bids",
            {"bidder": "Oak", "hourly-rate": "25.00", "provider": "Oak Care"},
            400,
            "provider",
            "knows no provider named Oak Care",
        ),
        (
            "bids/Elm/marks",
            {"mark-criterion": "quality", "evaluator": "Asha", "mark": "7"},
            400,
            "mark",
            "Quality is marked 0 to 5; Asha gave 7",
        ),
        (
            "bids/Elm/moderation",
            {"moderated-criterion": "quality", "moderated-mark": "4", "note": ""},
            400,
            "note",
            "Enter how the mark was agreed",
        ),
        ("bids/Elm/gates", {"gate": "cqc", "result": "fail"}, 400, "gate-reason", "why"),
        ("bids/Elm/low-price", {"low-price-reason": "cheap"}, 400, "low-price-reason", "not below"),
    ],
)
def test_a_refused_form_shows_a_gov_uk_error_summary(
    commissioner, path, fields, status, field, message
) -> None:
    answer = post(commissioner, f"{LOT_N}/{path}", **fields)
    assert answer.status_code == status, answer.text[:500]
    assert "govuk-error-summary" in answer.text
    assert f'href="#{field}"' in answer.text
    assert message in answer.text


def test_the_award_form_decides_the_tie_and_then_the_lot_is_frozen(
    commissioner, tender_market
) -> None:
    form = commissioner.get(f"{LOT_R}/award").text
    assert "Which of the tied bidders take the 1 place left?" in form
    undecided = post(commissioner, f"{LOT_R}/award", tier="approved")
    assert undecided.status_code == 400
    assert 'href="#tie"' in undecided.text and "choose 1 of them" in undecided.text
    no_reason = post(commissioner, f"{LOT_R}/award", tier="approved", tie=["Alder"])
    assert 'href="#reason"' in no_reason.text
    awarded = post(
        commissioner, f"{LOT_R}/award", tier="approved", tie=["Alder"], reason="closer to Ross"
    )
    assert awarded.status_code == 303, awarded.text[:500]
    assert "Lot R is awarded to Cedar, Alder" in commissioner.get(awarded.headers["location"]).text
    assert members_of(tender_market[0], "R") == {"Cedar": "approved", "Alder": "approved"}
    frozen = post(
        commissioner,
        f"{LOT_R}/bids/Elm/marks",
        evaluator="Asha",
        mark="5",
        **{"mark-criterion": "quality"},
    )
    assert frozen.status_code == 409
    assert "its bids, marks and gates are frozen" in frozen.text
    assert "Enter a bid" not in commissioner.get(LOT_R).text
