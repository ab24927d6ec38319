"""The ECM pages: a provider uploads a file and reads its validation report; each provider
sees its own files, finance and commissioners everyone's.

A database of its own: the market of conftest.py (PKG-0001 Wyeside Home Care's, four
30-minute calls a day from 1 July 2017; ECM file 1, a batch of Wyeside's)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.services import ecm
from caremarket.web.app import create_app
from tests.web.conftest import SETUP, form_token, make_market, sign_in

FILE = (
    b"visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end,"
    b"verification\n"
    b"U-1,PKG-0001,2017-07-06 07:30,30,completed,2017-07-06 07:30,2017-07-06 08:00,app\n"
    b"U-2,PKG-0001,2017-07-06 11:15,30,finished,2017-07-06 11:15,2017-07-06 11:45,app\n"
    b"U-3,PKG-0002,2017-07-06 15:00,30,completed,2017-07-06 15:00,2017-07-06 15:30,app\n"
    b"U-4,PKG-0001,2017-07-06 18:45,30,completed,2017-07-06 18:45,2017-07-06 19:15,manual\n"
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings, _ = make_market(f"sqlite:///{tmp_path_factory.mktemp('ecm-pages') / 'cm.db'}")
    engine = make_engine(settings.database_url)
    theirs = {
        "visit_id": "OC-1",
        "package_reference": "PKG-0002",
        "planned_start": "2017-07-03 07:30",
        "planned_minutes": "30",
        "status": "missed",
    }
    ecm.push_visits(
        SqlUnitOfWork(make_session_factory(engine)),
        [theirs],
        provider="Other Care",
        by=SETUP,
        now=datetime.now(UTC),
    )
    engine.dispose()
    return settings


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def upload(web: TestClient, content: bytes | None, profile: str = "caremarket"):
    files = {"file": ("visits.csv", content, "text/csv")} if content is not None else None
    return web.post(
        "/ecm/upload",
        data={"csrf_token": form_token(web), "profile": profile},
        files=files,
        follow_redirects=False,
    )


def test_a_provider_uploads_a_file_and_reads_every_bad_row_and_query(web) -> None:
    sign_in(web, Role.PROVIDER)
    assert "Upload an ECM file" in web.get("/ecm").text
    answer = upload(web, FILE)
    assert answer.status_code == 303, answer.text
    report = web.get(answer.headers["location"])
    page = report.text
    assert "visits.csv imported: 2 bad rows" in page
    assert "&#39;finished&#39; is not a status: write completed, missed, cancelled" in page
    assert "package PKG-0002 is not Wyeside Home Care&#39;s" in page
    assert "U-4" in page and "manual" in page and "Paid meanwhile" in page
    assert "2 bad rows" in page

    again = upload(web, FILE)
    assert again.status_code == 409
    assert "already sent" in again.text


def test_a_form_without_a_file_or_layout_says_what_to_do(web) -> None:
    sign_in(web, Role.PROVIDER)
    answer = upload(web, None, profile="")
    assert answer.status_code == 400
    assert "Select the ECM file to upload" in answer.text
    assert "Select the layout of the file" in answer.text
    unreadable = upload(web, b"nothing,useful\n1,2\n")
    assert unreadable.status_code == 400
    assert "The file cannot be read" in unreadable.text
    not_text = upload(web, "naïve".encode("latin-1"))
    assert not_text.status_code == 400
    assert "not text in UTF-8" in not_text.text


def test_a_provider_sees_its_own_files_and_finance_everyones(web) -> None:
    sign_in(web, Role.PROVIDER)
    mine = web.get("/ecm").text
    assert "Other Care" not in mine
    theirs = web.get("/ecm/files/2")
    assert theirs.status_code == 404

    batch = web.get("/ecm/files/1").text  # pushed through the API, with its query
    assert "Batch sent through the API" in batch and "WY-1" in batch

    sign_in(web, Role.FINANCE)
    everyone = web.get("/ecm").text
    assert "Other Care" in everyone and "Wyeside Home Care" in everyone
    assert "Upload an ECM file" not in everyone
    assert web.get("/ecm/files/2").status_code == 200


def test_only_providers_upload(web) -> None:
    sign_in(web, Role.FINANCE)
    assert web.get("/ecm/upload").status_code == 403
    assert upload(web, FILE).status_code == 403
