"""Applications through the pages: a provider applies and sees its own applications and the
decisions on them; a refused application names every problem in the error summary and keeps
what was typed; a commissioner sets a vehicle's admission, approves some lots and declines
the others with reasons, or rejects with reasons.

A database of its own: the market of conftest.py (vehicle HFD-DPS, lot O-A with Wyeside Home
Care as lead and Other Care approved), with lots O-B and O-C beside O-A and an account for
Other Care's staff.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.domain.procurement import (
    Admission,
    AdmissionMode,
    AdmissionRules,
    AdmissionWindow,
)
from caremarket.services import accounts, applications
from caremarket.web.app import create_app
from tests.builders import a_lot
from tests.web.brokerage_helpers import unit_of_work
from tests.web.conftest import PASSWORD, SETUP, form_token, make_market, sign_in

OTHER_CARE = "staff@othercare.example.org"
TODAY = date.today()
NEXT_WINDOW = AdmissionWindow(TODAY + timedelta(days=30), TODAY + timedelta(days=43))


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings, _ = make_market(f"sqlite:///{tmp_path_factory.mktemp('apply') / 'cm.db'}")
    with unit_of_work(settings) as uow:
        with uow:
            vehicle = uow.vehicles.get("HFD-DPS")
            zone = vehicle.lot("O-A").zones[0]
            for code in ("O-B", "O-C"):
                vehicle.lots.append(a_lot(code=code, name=f"Lot {code}", zones=[zone]))
            uow.commit()
        accounts.add_user(
            uow,
            email=OTHER_CARE,
            name="Other Care staff",
            role=Role.PROVIDER,
            password=PASSWORD,
            provider="Other Care",
            by=SETUP,
            now=datetime.now(UTC),
        )
    return settings


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def admit(settings: Settings, rules: AdmissionRules) -> None:
    with unit_of_work(settings) as uow:
        applications.set_admission(uow, "HFD-DPS", rules, by=SETUP, now=datetime.now(UTC))


OPEN = AdmissionRules(
    Admission(AdmissionMode.ALWAYS_OPEN),
    required_documents=frozenset({"insurance certificate", "safeguarding policy"}),
)


def sign_in_as_other_care(web: TestClient) -> None:
    token = web.get("/sign-in").text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = web.post(
        "/sign-in",
        data={"email": OTHER_CARE, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def application_form(web: TestClient, **fields: str) -> dict[str, str]:
    values = {
        "csrf_token": form_token(web),
        "vehicle": "HFD-DPS",
        "lot-O-B": "yes",
        "lot-O-C": "yes",
        "cqc_location_ids": "1-101634823",
        "cqc_rating": "Good",
        "insurance_expires_on-day": "31",
        "insurance_expires_on-month": "3",
        "insurance_expires_on-year": str(TODAY.year + 2),
        "document-1": "insurance certificate",
        "document-2": "safeguarding policy",
        "capacity-A": "120",
    }
    return {k: v for k, v in (values | fields).items() if v is not None}


def send(web: TestClient, url: str, **fields: str):
    return web.post(url, data={"csrf_token": form_token(web)} | fields, follow_redirects=False)


def test_an_application_outside_a_window_with_a_bad_cqc_id_and_inadequate_shows_every_problem(
    web, settings
) -> None:
    admit(settings, AdmissionRules(Admission(AdmissionMode.WINDOWS, (NEXT_WINDOW,))))
    sign_in(web, Role.PROVIDER)
    form = application_form(web, cqc_location_ids="1-101634823\nCQC-42", cqc_rating="Inadequate")

    refused = web.post("/applications", data=form, follow_redirects=False)

    assert refused.status_code == 400
    page = html.unescape(refused.text)
    summary = page.split('class="govuk-error-summary"')[1].split("</div>\n  </div>")[0]
    assert "outside an open window; the next window is" in summary
    assert f"{NEXT_WINDOW.opens_on.day} {NEXT_WINDOW.opens_on:%B %Y}" in summary
    assert "'CQC-42' is not a CQC location ID" in summary
    assert "The CQC rates Wyeside Home Care Inadequate" in summary
    for field in ("#admission", "#cqc_location_ids", "#cqc_rating"):
        assert f'href="{field}"' in summary
    assert "1-101634823\nCQC-42</textarea>" in page  # what was typed is kept
    assert 'value="Inadequate" checked' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    with unit_of_work(settings) as uow:
        assert [
            a
            for a in applications.list_applications(uow, viewer=SETUP)
            if a.provider == "Wyeside Home Care"
        ] == []


def test_missing_documents_and_a_malformed_capacity_are_named_beside_their_fields(
    web, settings
) -> None:
    admit(settings, OPEN)
    sign_in(web, Role.PROVIDER)
    refused = web.post(
        "/applications",
        data=application_form(web, **{"document-2": None, "capacity-A": "lots"}),
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert "Capacity in zone A must be a number of hours a week" in refused.text
    refused = web.post(
        "/applications", data=application_form(web, **{"document-2": None}), follow_redirects=False
    )
    assert refused.status_code == 400
    assert "Missing documents: safeguarding policy" in refused.text
    assert 'href="#documents"' in refused.text
    tampered = web.post(
        "/applications", data=application_form(web, **{"lot-O-X": "yes"}), follow_redirects=False
    )
    assert tampered.status_code == 400
    assert "Vehicle HFD-DPS has no lot O-X" in tampered.text


def test_a_provider_applies_and_a_commissioner_approves_some_lots_declining_one(
    web, settings
) -> None:
    admit(settings, OPEN)
    sign_in(web, Role.PROVIDER)
    chooser = web.get("/applications/new")
    assert chooser.status_code == 200 and "/applications/new?vehicle=HFD-DPS" in chooser.text
    form_page = web.get("/applications/new", params={"vehicle": "HFD-DPS"})
    assert "You apply for <strong>Wyeside Home Care</strong>" in form_page.text

    made = web.post("/applications", data=application_form(web), follow_redirects=False)

    assert made.status_code == 303, made.text
    url = made.headers["location"]
    mine = web.get(url).text
    assert "Your application to HFD-DPS is made" in mine
    assert "waits for a commissioner" in mine
    assert 'action="' + url + '/approval"' not in mine

    sign_in(web, Role.COMMISSIONER)
    queue = web.get("/applications").text
    assert "Waiting for a decision" in queue and url in queue
    unexplained = send(web, url + "/approval", tier="approved", **{"approve-O-B": "yes"})
    assert unexplained.status_code == 400
    assert "Say why lot O-C is declined" in unexplained.text

    approved = send(
        web,
        url + "/approval",
        tier="approved",
        **{"approve-O-B": "yes", "declined-O-C": "Zone A has enough providers in lot O-C"},
    )

    assert approved.status_code == 303, approved.text
    decided = web.get(url).text
    assert "Wyeside Home Care is admitted to lot O-B" in decided
    again = send(web, url + "/rejection", reject_reasons="changed our mind")
    assert again.status_code == 409
    assert "already approved" in again.text

    sign_in(web, Role.PROVIDER)
    seen = web.get(url).text
    assert "Zone A has enough providers in lot O-C" in seen
    assert "Lots joined" in seen and "O-B" in seen
    vehicle = web.get("/market/vehicles/HFD-DPS").text
    members_of_b = vehicle.split("Members of lot O-B")[1].split("</table>")[0]
    assert "Wyeside Home Care" in members_of_b


def test_another_provider_neither_sees_nor_decides_an_application(web, settings) -> None:
    admit(settings, OPEN)
    sign_in(web, Role.BROKER)
    made = web.post(
        "/applications",
        data=application_form(web, provider="Kington Care", cqc_location_ids="1-222222222"),
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]

    sign_in_as_other_care(web)
    assert web.get(url).status_code == 404
    assert "Kington Care" not in web.get("/applications").text
    assert send(web, url + "/approval", tier="approved").status_code == 403
    assert send(web, url + "/rejection", reject_reasons="no").status_code == 403

    sign_in(web, Role.COMMISSIONER)
    assert send(web, url + "/rejection").status_code == 400
    rejected = send(web, url + "/rejection", reject_reasons="No capacity in zone A\nLate")
    assert rejected.status_code == 303
    page = web.get(url).text
    assert "No capacity in zone A; Late" in page
    assert "Rejected" in page
    rejected_only = web.get("/applications", params={"status": "rejected"}).text
    assert "Kington Care" in rejected_only
    assert "Kington Care" not in web.get("/applications", params={"status": "submitted"}).text
    assert "Kington Care" in web.get("/applications", params={"provider": "kington"}).text


def test_a_provider_does_not_apply_for_another_provider(web, settings) -> None:
    admit(settings, OPEN)
    sign_in(web, Role.PROVIDER)
    form = application_form(web, provider="Kington Care")  # ignored: it applies for itself
    web.post("/applications", data=form, follow_redirects=False)
    listed = web.get("/applications").text
    assert "Kington Care" not in listed


def test_a_commissioner_sets_the_admission_rules_and_the_vehicle_page_shows_them(
    web, settings
) -> None:
    sign_in(web, Role.COMMISSIONER)
    page = web.get("/market/vehicles/HFD-DPS/admission")
    assert page.status_code == 200
    bad = send(web, "/market/vehicles/HFD-DPS/admission", mode="windows", windows="next spring")
    assert bad.status_code == 400
    assert "Write each window as its first and last day" in bad.text

    set_ = send(
        web,
        "/market/vehicles/HFD-DPS/admission",
        mode="windows",
        windows=f"{NEXT_WINDOW.opens_on:%d/%m/%Y} to {NEXT_WINDOW.closes_on:%d/%m/%Y}",
        required_documents="insurance certificate\nsafeguarding policy",
        inadequate_allowed="yes",
    )

    assert set_.status_code == 303, set_.text
    assert set_.headers["location"] == "/market/vehicles/HFD-DPS"
    vehicle = web.get("/market/vehicles/HFD-DPS").text
    assert "The admission rules of HFD-DPS are set" in vehicle
    assert "closed until the next window" in vehicle
    assert "insurance certificate, safeguarding policy" in vehicle
    assert "Lot O-A" in vehicle and "Wyeside Home Care" in vehicle
    assert "Change the admission rules" in vehicle


def test_only_commissioners_and_administrators_set_the_admission(web) -> None:
    sign_in(web, Role.BROKER)
    assert web.get("/market/vehicles/HFD-DPS/admission").status_code == 403
    answer = send(web, "/market/vehicles/HFD-DPS/admission", mode="closed")
    assert answer.status_code == 403
    assert "Change the admission rules" not in web.get("/market/vehicles/HFD-DPS").text


def test_the_vehicles_list_links_to_each_vehicles_page(web) -> None:
    sign_in(web, Role.PROVIDER)
    assert 'href="/market/vehicles/HFD-DPS"' in web.get("/market/vehicles").text
    assert web.get("/market/vehicles/NOPE").status_code == 404
