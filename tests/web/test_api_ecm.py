"""The ECM API: a provider's system pushes visits with its own token (its own packages only),
uploads a file through a profile, lists its own files; finance lists the queries raised.

A database of its own: the market of conftest.py (PKG-0001 Wyeside Home Care's, PKG-0002
Other Care's, both four 30-minute calls a day from 1 July 2017; ECM file 1, Wyeside's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.services import accounts
from caremarket.web.app import create_app
from tests.web.conftest import SETUP, bearer, make_market


def a_visit(visit_id: str, package: str = "PKG-0001", **changes: object) -> dict:
    visit = {
        "visit_id": visit_id,
        "package_reference": package,
        "planned_start": "2017-07-04T07:30:00+01:00",
        "planned_minutes": 30,
        "status": "completed",
        "actual_start": "2017-07-04T07:32:00+01:00",
        "actual_end": "2017-07-04T08:01:00+01:00",
        "carers_present": 1,
        "verification": "app",
        "carer_ids": ["C-1"],
    }
    return visit | changes


@pytest.fixture(scope="module")
def ecm_market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    settings, tokens = make_market(f"sqlite:///{tmp_path_factory.mktemp('ecm') / 'cm.db'}")
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    other = accounts.create_token(
        uow,
        name="Other Care ECM",
        role=Role.PROVIDER,
        provider="Other Care",
        by=SETUP,
        now=datetime.now(UTC),
    )
    engine.dispose()
    return settings, tokens | {"other": other.secret}


@pytest.fixture
def api(ecm_market) -> Iterator[TestClient]:
    app = create_app(ecm_market[0])
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def as_role(ecm_market):
    return lambda role: bearer(ecm_market[1][role])


def test_a_provider_token_pushes_its_own_visits_and_each_bad_record_is_listed(api, as_role) -> None:
    batch = {
        "visits": [
            a_visit("P-1"),
            a_visit("P-2", status="delivered"),
            a_visit("P-3", package="PKG-0002"),  # Other Care's
            {"visit_id": "P-5", "package_reference": "PKG-0001"},  # nothing else
            a_visit(
                "P-4",
                planned_start="2017-07-04T11:15:00+01:00",
                actual_start="2017-07-04T11:15:00+01:00",
                actual_end="2017-07-04T11:45:00+01:00",
                verification="manual",
            ),
        ]
    }
    answer = api.post("/api/ecm/visits", json=batch, headers=as_role(Role.PROVIDER))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["rows"], body["visits_new"]) == (5, 2)
    assert [(b["index"], b["field"]) for b in body["bad"]] == [
        (1, "status"),
        (2, "package_reference"),
        (3, "planned_start"),
        (3, "planned_minutes"),
        (3, "status"),
    ]
    assert body["bad"][1]["reason"] == "package PKG-0002 is not Wyeside Home Care's"
    assert body["queries"] == [{"visit_id": "P-4", "code": "manual", "holds": False}]

    again = api.post("/api/ecm/visits", json=batch, headers=as_role(Role.PROVIDER))
    assert again.status_code == 409
    assert again.json()["error"] == "duplicate_ecm_file"

    changed = {"visits": [a_visit("P-1", actual_end="2017-07-04T08:05:00+01:00")]}
    answer = api.post("/api/ecm/visits", json=changed, headers=as_role(Role.PROVIDER))
    assert answer.json()["visits_changed"] == 1


def test_another_providers_token_cannot_send_for_wyesides_packages(api, as_role) -> None:
    answer = api.post(
        "/api/ecm/visits", json={"visits": [a_visit("O-1")]}, headers=as_role("other")
    )
    assert answer.status_code == 200
    assert answer.json()["visits_new"] == 0
    assert answer.json()["bad"][0]["reason"] == "package PKG-0001 is not Other Care's"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ADMIN, Role.BROKER, Role.COMMISSIONER])
def test_only_providers_send_visits(api, as_role, role) -> None:
    answer = api.post("/api/ecm/visits", json={"visits": [a_visit("X-1")]}, headers=as_role(role))
    assert answer.status_code == 403


def test_a_file_is_uploaded_with_its_profile_and_listed_for_its_provider_only(api, as_role) -> None:
    content = (
        b"visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end\n"
        b"F-1,PKG-0001,2017-07-05 07:30,30,completed,2017-07-05 07:30,2017-07-05 08:00\n"
        b"F-2,PKG-0001,2017-07-05 11:15,30,completed,2017-07-05 11:15,never\n"
    )
    answer = api.post(
        "/api/ecm/files",
        files={"file": ("visits.csv", content, "text/csv")},
        data={"profile": "caremarket"},
        headers=as_role(Role.PROVIDER),
    )
    assert answer.status_code == 200, answer.text
    assert [(b["line"], b["field"]) for b in answer.json()["bad"]] == [(3, "actual_end")]
    assert api.post(
        "/api/ecm/files",
        files={"file": ("visits.csv", content, "text/csv")},
        headers=as_role(Role.PROVIDER),
    ).status_code == 409  # fmt: skip
    api.post("/api/ecm/visits", json={"visits": [a_visit("O-2", "PKG-0002")]},
             headers=as_role("other"))  # fmt: skip

    mine = api.get("/api/ecm/files", headers=as_role(Role.PROVIDER)).json()
    assert {f["provider"] for f in mine["files"]} == {"Wyeside Home Care"}
    everyone = api.get("/api/ecm/files", headers=as_role(Role.FINANCE)).json()
    assert {f["provider"] for f in everyone["files"]} == {"Wyeside Home Care", "Other Care"}
    theirs = next(f["id"] for f in everyone["files"] if f["provider"] == "Other Care")
    assert api.get(f"/api/ecm/files/{theirs}", headers=as_role(Role.PROVIDER)).status_code == 404
    assert api.get(f"/api/ecm/files/{theirs}", headers=as_role("other")).status_code == 200


def test_finance_lists_the_open_queries_and_providers_may_not(api, as_role) -> None:
    answer = api.get("/api/ecm/queries", headers=as_role(Role.FINANCE))
    assert answer.status_code == 200
    assert ("WY-1", "manual") in {(q["visit_id"], q["code"]) for q in answer.json()}
    assert api.get("/api/ecm/queries", headers=as_role(Role.PROVIDER)).status_code == 403


def test_an_unknown_profile_is_refused(api, as_role) -> None:
    answer = api.post(
        "/api/ecm/files",
        files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")},
        data={"profile": "nope"},
        headers=as_role(Role.PROVIDER),
    )
    assert answer.status_code == 422
    assert "no ECM profile" in answer.json()["detail"]
