"""The brokerage API: start sourcing, see and answer offers, the waiting list, policies.

A database of its own: the market of conftest.py with requested packages BRK-01 to BRK-09
in zone A (lot O-A: Wyeside Home Care lead, Other Care approved) under the Leicestershire
policy (the lead provider first, then supplementary providers).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.domain.packages import PackageStatus
from caremarket.services import brokerage
from caremarket.web.app import create_app
from tests.builders import a_care_package
from tests.web.conftest import SETUP, bearer, make_market

TOMORROW = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()


@pytest.fixture(scope="module")
def brokerage_market(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Settings, dict[Role, str]]:
    settings, tokens = make_market(f"sqlite:///{tmp_path_factory.mktemp('brk') / 'cm.db'}")
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        like = uow.packages.get("PKG-0001")
        uow.packages.add_all(
            a_care_package(
                reference=f"BRK-0{n}",
                commissioner=like.commissioner,
                zone=like.zone,
                service=like.service,
                person=like.person,
                status=PackageStatus.REQUESTED,
                pathway="O",
                start_on=date.today(),
            )
            for n in range(1, 10)
        )
        uow.commit()
    brokerage.set_policy(uow, "HFD", "leicestershire", by=SETUP, now=datetime.now(UTC))
    engine.dispose()
    return settings, tokens


@pytest.fixture
def api(brokerage_market: tuple[Settings, dict[Role, str]]) -> Iterator[TestClient]:
    app = create_app(brokerage_market[0])
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def as_role(brokerage_market: tuple[Settings, dict[Role, str]]):
    return lambda role: bearer(brokerage_market[1][role])


def test_a_broker_starts_sourcing_and_the_lead_provider_sees_the_offer(api, as_role) -> None:
    started = api.post("/api/packages/BRK-01/sourcing", headers=as_role(Role.BROKER))
    assert started.status_code == 201, started.text
    assert started.json()["policy"] == "leicestershire"
    assert [o["provider"] for o in started.json()["offers"]] == ["Wyeside Home Care"]

    inbox = api.get("/api/offers", headers=as_role(Role.PROVIDER)).json()
    assert [o["reference"] for o in inbox] == ["BRK-01"]
    assert inbox[0]["respond_by"] == "accept or decline"


def test_the_provider_accepts_and_a_second_acceptance_is_refused_with_409(api, as_role) -> None:
    api.post("/api/packages/BRK-02/sourcing", headers=as_role(Role.BROKER))
    accepted = api.post(
        "/api/packages/BRK-02/acceptance",
        json={"start_on": TOMORROW},
        headers=as_role(Role.PROVIDER),
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["awarded_to"] == "Wyeside Home Care"

    again = api.post(
        "/api/packages/BRK-02/acceptance",
        json={"start_on": TOMORROW},
        headers=as_role(Role.PROVIDER),
    )
    assert again.status_code == 409
    assert again.json()["error"] == "offer_not_open"
    assert "already been awarded to you" in again.json()["detail"]


def test_a_decline_needs_a_reason_from_the_list(api, as_role) -> None:
    api.post("/api/packages/BRK-03/sourcing", headers=as_role(Role.BROKER))
    wrong = api.post(
        "/api/packages/BRK-03/declining",
        json={"reason": "bored"},
        headers=as_role(Role.PROVIDER),
    )
    assert wrong.status_code == 422
    assert "reason" in wrong.json()["fields"]
    declined = api.post(
        "/api/packages/BRK-03/declining",
        json={"reason": "no capacity", "note": "no carers free"},
        headers=as_role(Role.PROVIDER),
    )
    assert declined.status_code == 200, declined.text
    # Nobody else in the lot is supplementary: the package waits, with the reason given.
    waiting = api.get("/api/waiting-list", headers=as_role(Role.BROKER)).json()
    entry = next(e for e in waiting if e["reference"] == "BRK-03")
    assert entry["reasons"] == ["Wyeside Home Care: no capacity (no carers free)"]


def test_only_brokers_start_sourcing_and_only_providers_respond(api, as_role) -> None:
    assert (
        api.post("/api/packages/BRK-04/sourcing", headers=as_role(Role.PROVIDER)).status_code == 403
    )
    assert (
        api.post("/api/packages/BRK-04/sourcing", headers=as_role(Role.AUDITOR)).status_code == 403
    )
    refused = api.post(
        "/api/packages/BRK-04/acceptance",
        json={"start_on": TOMORROW},
        headers=as_role(Role.BROKER),
    )
    assert refused.status_code == 403


def test_a_provider_sees_only_its_own_offers_in_the_history(api, as_role) -> None:
    api.post("/api/packages/BRK-05/sourcing", headers=as_role(Role.BROKER))
    history = api.get("/api/packages/BRK-05/sourcing", headers=as_role(Role.PROVIDER))
    assert history.status_code == 200
    assert {o["provider"] for o in history.json()[0]["offers"]} == {"Wyeside Home Care"}
    never = api.get("/api/packages/BRK-06/sourcing", headers=as_role(Role.PROVIDER))
    assert never.status_code == 404


def test_a_commissioner_sets_the_policy_from_a_preset(api, as_role) -> None:
    answer = api.put(
        "/api/commissioners/HFD/policy",
        json={"preset": "halton"},
        headers=as_role(Role.COMMISSIONER),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["stages"][0]["method"] == "direct-award"
    started = api.post("/api/packages/BRK-07/sourcing", headers=as_role(Role.BROKER)).json()
    assert started["awarded_to"] == "Wyeside Home Care"
    back = api.put(
        "/api/commissioners/HFD/policy",
        json={"preset": "leicestershire"},
        headers=as_role(Role.COMMISSIONER),
    )
    assert back.status_code == 200
    assert (
        api.put(
            "/api/commissioners/HFD/policy",
            json={"preset": "liverpool"},
            headers=as_role(Role.BROKER),
        ).status_code
        == 403
    )


def test_a_request_for_care_is_sourced_at_once(api, as_role) -> None:
    answer = api.post(
        "/api/requests",
        json={
            "commissioner": "HFD",
            "person": "P-7001",
            "postcode": "HR6 8AA",
            "service": "PC",
            "visits": "2x30 daily",
            "start_on": TOMORROW,
            "fit_for_discharge_on": date.today().isoformat(),
        },
        headers=as_role(Role.BROKER),
    )
    assert answer.status_code == 201, answer.text
    reference = answer.json()["reference"]
    inbox = api.get("/api/offers", headers=as_role(Role.PROVIDER)).json()
    assert reference in [o["reference"] for o in inbox]
    refused = api.post("/api/requests", json={}, headers=as_role(Role.PROVIDER))
    assert refused.status_code == 403


def test_a_hand_back_and_spare_capacity_elsewhere(api, as_role) -> None:
    provider, broker = as_role(Role.PROVIDER), as_role(Role.BROKER)
    api.post("/api/packages/BRK-08/sourcing", headers=broker)
    api.post("/api/packages/BRK-08/acceptance", json={"start_on": TOMORROW}, headers=provider)
    handed = api.post(
        "/api/packages/BRK-08/hand-back",
        json={"reason": "staffing", "notice_days": 7},
        headers=provider,
    )
    assert handed.status_code == 202, handed.text
    history = api.get("/api/packages/BRK-08/sourcing", headers=broker).json()
    assert [r["cause"] for r in history] == ["requested", "handed back"]
    assert history[-1]["phase"] == "waiting"  # nobody else at the lead or supplementary tier
    offered = api.post(
        "/api/capacity", json={"provider": "Other Care", "hours": "30"}, headers=broker
    )
    assert offered.status_code == 200, offered.text
    assert "BRK-08" in offered.json()["offered"]


def test_a_provider_proposes_a_change_and_a_broker_approves_it(api, as_role) -> None:
    provider, broker = as_role(Role.PROVIDER), as_role(Role.BROKER)
    api.post("/api/packages/BRK-09/sourcing", headers=broker)
    api.post("/api/packages/BRK-09/acceptance", json={"start_on": TOMORROW}, headers=provider)
    proposed = api.post(
        "/api/packages/BRK-09/changes",
        json={"visits": "2x30 daily", "effective_on": TOMORROW, "reason": "review"},
        headers=provider,
    )
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["status"] == "awaiting approval"
    change = proposed.json()["id"]
    assert (
        api.post(f"/api/changes/{change}/decision", json={"approve": True}, headers=provider)
    ).status_code == 403
    decided = api.post(f"/api/changes/{change}/decision", json={"approve": True}, headers=broker)
    assert decided.json()["status"] == "approved"
    again = api.post(f"/api/changes/{change}/decision", json={"approve": False}, headers=broker)
    assert again.status_code == 409


def test_a_direct_payment_and_bridging_are_for_brokers(api, as_role) -> None:
    broker = as_role(Role.BROKER)
    api.post("/api/packages/BRK-06/sourcing", headers=broker)
    bridged = api.post(
        "/api/packages/BRK-06/bridging",
        json={"service": "HART", "starts_on": date.today().isoformat(), "working_days": 2},
        headers=broker,
    )
    assert bridged.status_code == 201, bridged.text
    too_long = api.post(
        "/api/packages/BRK-06/bridging",
        json={"service": "HART", "starts_on": date.today().isoformat(), "working_days": 5},
        headers=broker,
    )
    assert too_long.status_code == 422
    assert (
        api.post("/api/packages/BRK-06/direct-payment", json={}, headers=as_role(Role.PROVIDER))
    ).status_code == 403
    chosen = api.post("/api/packages/BRK-06/direct-payment", json={}, headers=broker)
    assert chosen.status_code == 200
    package = api.get("/api/packages/BRK-06", headers=broker).json()
    assert package["status"] == "direct payment"
