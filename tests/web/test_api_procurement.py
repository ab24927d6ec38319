"""The procurement API: admission rules, applications and decisions, suspending a provider.

A database of its own: the market of conftest.py (vehicle HFD-DPS, lot O-A with Wyeside Home
Care as lead and Other Care approved; PKG-0001 active with Wyeside, PKG-0002 with Other Care).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.builders import a_lot
from tests.web.brokerage_helpers import unit_of_work
from tests.web.conftest import bearer, make_market

OPEN = {"mode": "always open", "required_documents": ["insurance certificate"]}
KINGTON = {
    "provider": "Kington Care",
    "cqc_location_ids": ["1-222222222"],
    "cqc_rating": "Good",
    "insurance_expires_on": "2099-03-31",
    "capacity": {"A": "40"},
    "documents": ["insurance certificate"],
    "lots": ["O-A"],
}


@pytest.fixture(scope="module")
def procurement_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('proc') / 'cm.db'}")


@pytest.fixture
def api(procurement_market) -> Iterator[TestClient]:
    app = create_app(procurement_market[0])
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def as_role(procurement_market):
    return lambda role: bearer(procurement_market[1][role])


@pytest.fixture
def admission_open(api, as_role) -> None:
    answer = api.put(
        "/api/vehicles/HFD-DPS/admission", json=OPEN, headers=as_role(Role.COMMISSIONER)
    )
    assert answer.status_code == 200, answer.text


def test_only_commissioners_and_admins_set_the_admission(api, as_role) -> None:
    answer = api.put("/api/vehicles/HFD-DPS/admission", json=OPEN, headers=as_role(Role.BROKER))
    assert answer.status_code == 403
    closed = {"mode": "windows", "windows": []}
    answer = api.put("/api/vehicles/HFD-DPS/admission", json=closed, headers=as_role(Role.ADMIN))
    assert answer.status_code == 422
    assert "at least one window" in answer.json()["detail"]


def test_a_refused_application_names_every_problem(api, as_role, admission_open) -> None:
    bad = KINGTON | {"cqc_location_ids": ["CQC-42"], "cqc_rating": "Inadequate", "documents": []}
    answer = api.post("/api/vehicles/HFD-DPS/applications", json=bad, headers=as_role(Role.BROKER))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "application_not_admissible"
    fields = answer.json()["fields"]
    assert set(fields) == {"cqc-location-id", "cqc-rating", "documents"}
    assert "Inadequate" in fields["cqc-rating"]
    assert "insurance certificate" in fields["documents"]


def test_staff_apply_for_a_provider_and_a_commissioner_approves_it(
    api, as_role, admission_open
) -> None:
    made = api.post(
        "/api/vehicles/HFD-DPS/applications", json=KINGTON, headers=as_role(Role.BROKER)
    )
    assert made.status_code == 201, made.text
    number = made.json()["id"]
    assert made.json()["status"] == "submitted"

    url = f"/api/applications/{number}/decision"
    approve = {"approve": True, "tier": "approved"}
    assert api.post(url, json=approve, headers=as_role(Role.BROKER)).status_code == 403
    decided = api.post(url, json=approve, headers=as_role(Role.COMMISSIONER))
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["tier"]) == ("approved", "approved")
    again = api.post(url, json={"approve": False, "reasons": ["no"]}, headers=as_role(Role.ADMIN))
    assert again.status_code == 409
    providers = api.get("/api/providers", headers=as_role(Role.BROKER)).json()
    assert "Kington Care" in str(providers)


def test_a_provider_applies_only_for_itself_and_sees_its_own(api, as_role, admission_open) -> None:
    as_wyeside = as_role(Role.PROVIDER)
    other = api.post("/api/vehicles/HFD-DPS/applications", json=KINGTON, headers=as_wyeside)
    assert other.status_code == 422
    own = KINGTON | {"provider": None, "cqc_location_ids": ["1-101634823"]}
    made = api.post("/api/vehicles/HFD-DPS/applications", json=own, headers=as_wyeside)
    assert made.status_code == 201, made.text
    assert made.json()["provider"] == "Wyeside Home Care"
    listed = api.get("/api/applications", headers=as_wyeside).json()
    assert {a["provider"] for a in listed} == {"Wyeside Home Care"}
    refused = api.post(
        "/api/vehicles/HFD-DPS/applications", json=KINGTON, headers=as_role(Role.FINANCE)
    )
    assert refused.status_code == 403


def test_a_suspension_shows_its_effect_then_is_confirmed(api, as_role) -> None:
    url = "/api/providers/Other Care/suspension"
    assert api.get(url, headers=as_role(Role.PROVIDER)).status_code == 403
    effect = api.get(url, params={"on": "2017-08-01"}, headers=as_role(Role.COMMISSIONER))
    assert effect.status_code == 200, effect.text
    assert (effect.json()["count"], effect.json()["packages"]) == (1, ["PKG-0002"])
    assert "receives no new offers" in effect.json()["description"]

    body = {"action": "suspend", "on": "2017-08-01", "reason": "CQC warning notice"}
    status_url = "/api/providers/Other Care/status"
    assert api.post(status_url, json=body, headers=as_role(Role.BROKER)).status_code == 403
    done = api.post(status_url, json=body, headers=as_role(Role.COMMISSIONER))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "suspended"
    again = api.post(status_url, json=body, headers=as_role(Role.COMMISSIONER))
    assert again.status_code == 422


def test_a_commissioner_approves_some_lots_and_the_provider_reads_why_not_the_others(
    api, as_role, admission_open, procurement_market
) -> None:
    with unit_of_work(procurement_market[0]) as uow, uow:
        vehicle = uow.vehicles.get("HFD-DPS")
        vehicle.lots.append(a_lot(code="O-Z", name="Lot O-Z", zones=vehicle.lot("O-A").zones))
        uow.commit()
    body = KINGTON | {"provider": "Bromyard Care", "lots": ["O-A", "O-Z"]}
    made = api.post("/api/vehicles/HFD-DPS/applications", json=body, headers=as_role(Role.BROKER))
    assert made.status_code == 201, made.text
    url = f"/api/applications/{made.json()['id']}"
    decision = {"approve": True, "lots": ["O-Z"], "declined": {"O-A": "lot O-A is full"}}
    decided = api.post(url + "/decision", json=decision, headers=as_role(Role.COMMISSIONER))
    assert decided.status_code == 200, decided.text
    assert decided.json()["admitted_lots"] == ["O-Z"]
    assert decided.json()["declined"] == {"O-A": "lot O-A is full"}
    assert api.get(url, headers=as_role(Role.AUDITOR)).json()["status"] == "approved"
    assert api.get(url, headers=as_role(Role.PROVIDER)).status_code == 404  # not Wyeside's


def test_a_suspended_provider_is_reinstated_through_the_api(api, as_role) -> None:
    status_url = "/api/providers/Wyeside Home Care/status"
    for action in ("suspend", "reinstate"):
        body = {"action": action, "on": "2017-08-01", "reason": "CQC"}
        done = api.post(status_url, json=body, headers=as_role(Role.COMMISSIONER))
        assert done.status_code == 200, done.text
    assert done.json()["status"] == "active"
    assert "receives new offers again" in done.json()["description"]
