"""Tenders through the API, on a database of their own (awards change a vehicle's lots): the
worked tender imported and read back as exact decimals, entry, refusals, the award, a lot
frozen once awarded, and who may see tenders at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caremarket.domain.access import Role
from caremarket.domain.evaluation import model_to_data
from tests.integration.tender_market import EXAMPLE, VEHICLE
from tests.unit.test_evaluation import HAND_COMPUTED, MODEL
from tests.web.conftest import bearer
from tests.web.tender_helpers import TOML, client_on, make_tender_market, members_of


@pytest.fixture(scope="module")
def tender_market(tmp_path_factory):
    return make_tender_market(tmp_path_factory)


@pytest.fixture
def api(tender_market):
    yield from client_on(tender_market[0])


@pytest.fixture
def as_(tender_market):
    return lambda role: bearer(tender_market[1][role])


def test_the_imported_tender_is_listed_with_each_lots_status(api, as_) -> None:
    listed = api.get("/api/tenders", headers=as_(Role.AUDITOR)).json()
    [tender] = [t for t in listed if t["code"] == "HC-2027"]
    assert tender["vehicle"] == VEHICLE
    assert tender["abnormally_low_below"] == "22.00"
    assert tender["model"] == model_to_data(MODEL)
    assert {lot["code"]: lot["bids"] for lot in tender["lots"]} == {"N": 5, "S": 5, "R": 5}


@pytest.mark.parametrize("lot", ["N", "S", "R"])
def test_each_lots_evaluation_reproduces_the_hand_computed_table(api, as_, lot) -> None:
    report = api.get(f"/api/tenders/HC-2027/lots/{lot}/evaluation", headers=as_(Role.AUDITOR))
    assert report.status_code == 200, report.text
    rows = [
        (
            row["bidder"],
            *(
                next(s["shown"] for s in row["scores"] if s["criterion"] == code)
                for code in ("quality", "price", "social-value")
            ),
            row["shown_total"] or "",
            row["rank"],
            row["outcome"],
        )
        for row in report.json()["rows"]
    ]
    assert rows == [(*r[:6], r[6].value) for r in HAND_COMPUTED[lot]]


def test_scores_are_exact_decimals_written_as_strings(api, as_) -> None:
    report = api.get("/api/tenders/HC-2027/lots/N/evaluation", headers=as_(Role.COMMISSIONER))
    elm = next(row for row in report.json()["rows"] if row["bidder"] == "Elm")
    price = next(s for s in elm["scores"] if s["criterion"] == "price")
    assert Decimal(price["points"]) == Decimal(21) / Decimal(27) * 30
    assert price["working"] == "lowest £21.00 ÷ £27.00 × 30 = 23.33"
    assert elm["hourly_rate"] == "27.00"
    assert elm["shown_total"] == "71.33"
    assert "rank 4 of 5 with 71.33" in elm["explanation"]


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.BROKER, Role.FINANCE])
def test_providers_and_brokers_may_not_see_tenders_at_all(api, as_, role) -> None:
    for path in (
        "/api/tenders",
        "/api/tenders/HC-2027",
        "/api/tenders/HC-2027/lots/N",
        "/api/tenders/HC-2027/lots/N/evaluation",
    ):
        assert api.get(path, headers=as_(role)).status_code == 403, path


def test_an_auditor_reads_but_may_not_enter_or_award(api, as_) -> None:
    assert api.get("/api/tenders/HC-2027/lots/N", headers=as_(Role.AUDITOR)).status_code == 200
    bid = {"bidder": "Fir", "hourly_rate": "25.00"}
    assert (
        api.post("/api/tenders/HC-2027/lots/N/bids", json=bid, headers=as_(Role.AUDITOR))
    ).status_code == 403
    assert (
        api.post("/api/tenders/HC-2027/lots/N/award", json={}, headers=as_(Role.AUDITOR))
    ).status_code == 403


def test_a_tender_is_created_and_marked_through_the_api(api, as_) -> None:
    me = as_(Role.COMMISSIONER)
    body = {
        "vehicle": VEHICLE,
        "code": "API-1",
        "name": "By the API",
        "model": model_to_data(MODEL),
    }
    assert api.post("/api/tenders", json=body, headers=me).status_code == 201
    lot = "/api/tenders/API-1/lots/S"
    entered = api.post(f"{lot}/bids", json={"bidder": "Oak", "hourly_rate": "24.50"}, headers=me)
    assert entered.status_code == 201, entered.text
    assert entered.json()["hourly_rate"] == "24.50"
    mark = api.post(f"{lot}/bids/Oak/marks", json={"criterion": "quality", "mark": 4}, headers=me)
    assert mark.json()["marks"] == {"quality": {"commissioner system": 4}}
    api.post(
        f"{lot}/bids/Oak/marks",
        json={"criterion": "quality", "mark": 3, "evaluator": "Ben"},
        headers=me,
    )
    not_ready = api.get(f"{lot}/evaluation", headers=me)
    assert not_ready.status_code == 409
    assert "no result for the gate 'CQC registration'" in not_ready.json()["detail"]
    for criterion, mark in (("quality", 4), ("social-value", 6)):
        agreed = api.put(
            f"{lot}/bids/Oak/moderation",
            json={"criterion": criterion, "mark": mark, "note": "agreed"},
            headers=me,
        )
        assert agreed.status_code == 200, agreed.text
    gate = api.put(f"{lot}/bids/Oak/gates", json={"criterion": "cqc", "passed": True}, headers=me)
    assert gate.json()["gates"] == {"cqc": {"passed": True, "reason": ""}}
    report = api.get(f"{lot}/evaluation", headers=me).json()
    assert [(r["bidder"], r["shown_total"], r["rank"]) for r in report["rows"]] == [
        ("Oak", "82.00", 1)
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "detail"),
    [
        ("post", "N/bids/Elm/marks", {"criterion": "quality", "mark": 6}, 422, "marked 0 to 5"),
        ("post", "N/bids/Elm/marks", {"criterion": "price", "mark": 3}, 422, "not marked"),
        ("put", "N/bids/Elm/gates", {"criterion": "cqc", "passed": False}, 422, "reason"),
        ("post", "N/bids/Elm/low-price", {"reason": "fine"}, 422, "not below"),
        ("post", "N/bids/Nobody/marks", {"criterion": "quality", "mark": 3}, 404, "no bid"),
        ("post", "Q/bids", {"bidder": "Fir", "hourly_rate": "20"}, 404, "no lot Q"),
        ("post", "N/bids", {"bidder": "Elm", "hourly_rate": "20"}, 409, "already"),
        ("post", "N/bids", {"bidder": "Fir", "hourly_rate": "-1"}, 422, "positive"),
    ],
)
def test_refusals_say_why(api, as_, method, path, body, status, detail) -> None:
    answer = getattr(api, method)(
        f"/api/tenders/HC-2027/lots/{path}", json=body, headers=as_(Role.COMMISSIONER)
    )
    assert answer.status_code == status, answer.text
    assert detail in answer.json()["detail"]


def test_an_import_is_refused_with_every_problem_and_an_upload_is_taken(api, as_) -> None:
    me = as_(Role.COMMISSIONER)
    bad = EXAMPLE.read_text().replace("Asha = 5, Ben = 4", "Asha = 5, Ben = 6")
    refused = api.post(
        "/api/tenders/import",
        params={"vehicle": VEHICLE, "code": "UP-1"},
        content=bad.replace('code = "R"', 'code = "X"'),
        headers=TOML | me,
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert "2 problems" in detail and "Ben gave 6" in detail and "no such lot" in detail
    uploaded = api.post(
        "/api/tenders/import",
        params={"vehicle": VEHICLE, "code": "UP-1"},
        files={"file": ("tender.toml", EXAMPLE.read_bytes(), "application/toml")},
        headers=me,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["code"] == "UP-1"


def test_an_award_decides_the_tie_admits_the_bidders_and_freezes_the_lot(
    api, as_, tender_market
) -> None:
    me = as_(Role.COMMISSIONER)
    award = "/api/tenders/HC-2027/lots/R/award"
    undecided = api.post(award, json={}, headers=me)
    assert undecided.status_code == 422
    assert "Alder, Elm tie at the cut-off for 1 place left" in undecided.json()["detail"]
    done = api.post(
        award,
        json={"tie_winners": ["Elm"], "reason": "local staff", "tier": "preferred"},
        headers=me,
    )
    assert done.status_code == 200, done.text
    assert done.json()["awarded"] == ["Cedar", "Elm"]
    assert members_of(tender_market[0], "R") == {"Cedar": "preferred", "Elm": "preferred"}
    frozen = api.post(
        "/api/tenders/HC-2027/lots/R/bids/Damson/marks",
        json={"criterion": "quality", "mark": 5},
        headers=me,
    )
    assert frozen.status_code == 409
    assert "its bids, marks and gates are frozen" in frozen.json()["detail"]
    report = api.get("/api/tenders/HC-2027/lots/R/evaluation", headers=me).json()
    assert report["award"]["tie_decision"] == "local staff"


def test_an_award_takes_the_contracts_term_and_rate_card_given(api, as_, tender_market) -> None:
    me = as_(Role.COMMISSIONER)
    award = "/api/tenders/HC-2027/lots/N/award"
    unknown = api.post(award, json={"rate_card": "No such card"}, headers=me)
    assert unknown.status_code == 422
    assert "has no rate card 'No such card'" in unknown.json()["detail"]
    term = {"starts_on": "2027-05-01", "initial_months": 24, "extension_months": [12]}
    done = api.post(award, json={"rate_card": "2017/18", "contract_term": term}, headers=me)
    assert done.status_code == 200, done.text
    references = done.json()["contracts"]
    assert references == ["HC-2027-N-1", "HC-2027-N-2", "HC-2027-N-3"]
    contract = api.get(f"/api/contracts/{references[0]}", headers=me).json()
    assert (contract["starts_on"], contract["ends_on"], contract["latest_end"]) == (
        "2027-05-01",
        "2029-04-30",
        "2030-04-30",
    )
