"""The contracts API: a vehicle's term and extension decisions, awards, variations, early
ends and the register, with who may do what.

A database of its own: the market of conftest.py (vehicle HFD-DPS, lot O-A with Wyeside Home
Care as lead and Other Care approved; contracts HFD-DPS-O-A-1, Wyeside's, and -2, Other
Care's, 3 + 1 + 1 years from 1 April 2017 on rate card 2017/18).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.web.conftest import bearer, make_market

THREE_PLUS_ONE_PLUS_ONE = {
    "starts_on": "2017-04-01",
    "initial_months": 36,
    "extension_months": [12, 12],
}
AWARD = {
    "vehicle": "HFD-DPS",
    "lot": "O-A",
    "provider": "Kington Care",
    "commissioner": "HFD",
    "rate_card": "2017/18",
    "term": {"starts_on": "2018-04-01", "initial_months": 24, "extension_months": [12]},
    "awarded_on": "2018-03-01",
    "tier": "approved",
}


@pytest.fixture(scope="module")
def contracts_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('contracts') / 'cm.db'}")


@pytest.fixture
def api(contracts_market) -> Iterator[TestClient]:
    app = create_app(contracts_market[0])
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def as_role(contracts_market):
    return lambda role: bearer(contracts_market[1][role])


def test_a_commissioner_sets_a_vehicles_term_and_decides_its_extension(api, as_role) -> None:
    url = "/api/vehicles/HFD-DPS/term"
    assert (
        api.put(url, json=THREE_PLUS_ONE_PLUS_ONE, headers=as_role(Role.BROKER)).status_code == 403
    )
    answer = api.put(url, json=THREE_PLUS_ONE_PLUS_ONE, headers=as_role(Role.COMMISSIONER))
    assert answer.status_code == 200, answer.text
    assert answer.json()["description"] == "3 + 1 + 1 years from 1 April 2017"
    assert answer.json()["decide_by"] == "2020-03-31"
    decision = {"option": 1, "taken": True, "decided_on": "2019-10-01", "reason": "stable"}
    answer = api.post(
        "/api/vehicles/HFD-DPS/extensions", json=decision, headers=as_role(Role.ADMIN)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["ends_on"] == "2021-03-31"
    again = api.post("/api/vehicles/HFD-DPS/extensions", json=decision, headers=as_role(Role.ADMIN))
    assert again.status_code == 422
    assert "option 1 was already decided" in again.json()["detail"]
    read = api.get(url, headers=as_role(Role.PROVIDER)).json()
    assert [d["taken"] for d in read["decisions"]] == [True]


def test_a_provider_new_to_the_lot_is_awarded_a_contract_and_admitted(api, as_role) -> None:
    with_provider = api.post("/api/contracts", json=AWARD, headers=as_role(Role.COMMISSIONER))
    assert with_provider.status_code == 404  # Kington Care is not known to caremarket
    award = AWARD | {"provider": "Other Care", "reference": "HFD-OTHER-2018"}
    answer = api.post("/api/contracts", json=award, headers=as_role(Role.COMMISSIONER))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["reference"] == "HFD-OTHER-2018"
    assert (body["ends_on"], body["latest_end"]) == ("2020-03-31", "2021-03-31")
    assert body["ecm_compliance_percent"] == "95"
    refused = api.post("/api/contracts", json=award, headers=as_role(Role.COMMISSIONER))
    assert refused.status_code == 409
    assert api.post("/api/contracts", json=award, headers=as_role(Role.FINANCE)).status_code == 403


def test_an_award_on_another_rate_card_or_a_missing_one_is_refused(api, as_role) -> None:
    award = AWARD | {"provider": "Wyeside Home Care", "rate_card": "2099/00"}
    answer = api.post("/api/contracts", json=award, headers=as_role(Role.COMMISSIONER))
    assert answer.status_code == 422
    assert "has no rate card" in answer.json()["detail"]


def test_a_contract_is_uplifted_extended_and_ended_with_its_history(api, as_role) -> None:
    url = "/api/contracts/HFD-DPS-O-A-2"
    uplift = {
        "percent": "3.5",
        "effective_from": "2018-04-01",
        "agreed_on": "2018-03-01",
        "reason": "National Living Wage",
    }
    assert (
        api.post(f"{url}/uplifts", json=uplift, headers=as_role(Role.PROVIDER)).status_code == 403
    )
    answer = api.post(f"{url}/uplifts", json=uplift, headers=as_role(Role.COMMISSIONER))
    assert answer.status_code == 200, answer.text
    early = uplift | {"agreed_on": "2017-03-01"}
    refused = api.post(f"{url}/uplifts", json=early, headers=as_role(Role.COMMISSIONER))
    assert refused.status_code == 422 and "date order" in refused.json()["detail"]
    decision = {"option": 1, "taken": False, "decided_on": "2019-09-01", "reason": "re-tender"}
    answer = api.post(f"{url}/extensions", json=decision, headers=as_role(Role.COMMISSIONER))
    assert answer.json()["latest_end"] == "2020-03-31"
    end = {"on": "2019-12-31", "reason": "provider exited"}
    answer = api.post(f"{url}/end", json=end, headers=as_role(Role.COMMISSIONER))
    assert answer.status_code == 200, answer.text
    again = api.post(f"{url}/end", json=end, headers=as_role(Role.COMMISSIONER))
    assert again.status_code == 409
    read = api.get(url, params={"on": "2020-01-01"}, headers=as_role(Role.AUDITOR)).json()
    assert read["status"] == "ended"
    assert [v["kind"] for v in read["variations"]] == ["uplift", "extension"]
    assert read["uplift_percent"] == "3.5"


def test_the_register_filters_and_a_provider_sees_only_its_own(api, as_role) -> None:
    everyone = api.get("/api/contracts", headers=as_role(Role.BROKER)).json()
    assert {"HFD-DPS-O-A-1", "HFD-DPS-O-A-2"} <= {c["reference"] for c in everyone}
    mine = api.get("/api/contracts", headers=as_role(Role.PROVIDER)).json()
    assert [c["provider"] for c in mine] == ["Wyeside Home Care"]
    theirs = api.get("/api/contracts/HFD-DPS-O-A-2", headers=as_role(Role.PROVIDER))
    assert theirs.status_code == 404 and "Other Care" not in theirs.text
    expiring = api.get(
        "/api/contracts",
        params={
            "expiring_before": "2020-04-30",
            "on": "2019-06-01",
            "provider": "Wyeside Home Care",
        },
        headers=as_role(Role.COMMISSIONER),
    ).json()
    assert [c["ends_on"] for c in expiring] == ["2020-03-31"]
    assert (
        api.get(
            "/api/contracts", params={"commissioner": "NONE"}, headers=as_role(Role.COMMISSIONER)
        ).json()
        == []
    )
