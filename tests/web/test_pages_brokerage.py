"""The brokers' queue: new requests with a button to start sourcing, open offers, the waiting
list; and the broker's home page with its notifications.

A database of its own: the market of conftest.py with requested packages BQ-01 to BQ-09 in
zone A (listed before its PKG-1001 to PKG-1060; lot O-A: Wyeside Home Care lead, Other Care
approved) under the Leicestershire policy (the lead provider first, then supplementary
providers, of whom there are none here).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.web.brokerage_helpers import accept, decline, provider, start
from tests.web.conftest import form_token, make_brokerage_market, sign_in

REFERENCES = [f"BQ-0{n}" for n in range(1, 10)]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('queue') / 'cm.db'}"
    return make_brokerage_market(url, REFERENCES)[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def start_sourcing(web: TestClient, reference: str, **overrides: str):
    data = {"csrf_token": form_token(web)} | overrides
    return web.post(f"/brokerage/{reference}/sourcing", data=data, follow_redirects=False)


def test_the_queue_shows_new_requests_open_offers_and_the_waiting_list(web, settings) -> None:
    start(settings, "BQ-01")
    start(settings, "BQ-02")
    decline(settings, "BQ-02", provider(settings, "Wyeside Home Care"), note="no carers free")
    sign_in(web, Role.BROKER)

    page = web.get("/brokerage")

    assert page.status_code == 200
    new, offers, waiting = (
        page.text.split("New requests")[1].split("Open offers")[0],
        page.text.split("Open offers")[1].split("Waiting list")[0],
        page.text.split("Waiting list")[1],
    )
    assert 'action="/brokerage/BQ-03/sourcing"' in new
    assert 'Start sourcing<span class="govuk-visually-hidden"> BQ-03</span>' in new
    assert "BQ-01" not in new
    assert "BQ-01" in offers and "Wyeside Home Care" in offers and "Stage 1" in offers
    assert "hour" in offers  # the time left
    assert "BQ-02" in waiting
    assert "Wyeside Home Care: no capacity (no carers free)" in waiting
    assert "Not a discharge" in waiting


def test_a_broker_starts_sourcing_and_is_told_who_was_offered_it(web) -> None:
    sign_in(web, Role.BROKER)

    answer = start_sourcing(web, "BQ-04")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/brokerage"
    page = web.get("/brokerage").text
    assert "govuk-notification-banner--success" in page
    assert "Sourcing started for BQ-04" in page
    assert "It is offered to Wyeside Home Care." in page
    assert "Sourcing started" not in web.get("/brokerage").text  # told once


def test_starting_a_package_already_being_sourced_is_refused_with_409(web) -> None:
    sign_in(web, Role.BROKER)
    start_sourcing(web, "BQ-05")

    again = start_sourcing(web, "BQ-05")

    assert again.status_code == 409
    assert "<title>Error: Brokerage" in again.text
    assert "govuk-error-summary" in again.text
    assert 'href="#new-requests"' in again.text
    assert "BQ-05 was not sourced: BQ-05 is sourcing" in again.text


def test_starting_sourcing_needs_the_forms_token(web) -> None:
    sign_in(web, Role.BROKER)
    forged = start_sourcing(web, "BQ-06", csrf_token="forged")
    assert forged.status_code == 403
    assert 'action="/brokerage/BQ-06/sourcing"' in web.get("/brokerage").text  # still requested


def test_an_auditor_reads_the_queue_but_cannot_start_sourcing(web) -> None:
    sign_in(web, Role.AUDITOR)
    page = web.get("/brokerage")
    assert page.status_code == 200
    assert "BQ-07" in page.text
    assert "Start sourcing" not in page.text
    assert start_sourcing(web, "BQ-07").status_code == 403


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.FINANCE])
def test_providers_and_finance_officers_are_turned_away_from_the_queue(web, role) -> None:
    sign_in(web, role)
    assert web.get("/brokerage").status_code == 403
    assert start_sourcing(web, "BQ-07").status_code == 403


def test_the_navigation_offers_brokerage_to_those_who_may_see_it(web) -> None:
    sign_in(web, Role.BROKER)
    navigation = web.get("/").text.split("govuk-service-navigation__list")[1].split("</ul>")[0]
    assert 'href="/brokerage"' in navigation
    sign_in(web, Role.PROVIDER)
    navigation = web.get("/").text.split("govuk-service-navigation__list")[1].split("</ul>")[0]
    assert "Brokerage" not in navigation


def test_the_brokers_home_page_links_to_the_queue_and_shows_the_latest_notifications(
    web, settings
) -> None:
    start(settings, "BQ-08")
    accept(settings, "BQ-08", provider(settings, "Wyeside Home Care"))
    sign_in(web, Role.BROKER)

    page = web.get("/").text

    assert 'href="/brokerage"' in page.split("</header>")[1]
    assert "Awarded: care package BQ-08" in page
    assert "Care package BQ-08 is awarded to Wyeside Home Care" in page


def test_without_a_policy_sourcing_is_refused_and_says_where_to_set_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('nopolicy') / 'cm.db'}"
    settings = make_brokerage_market(url, ["BN-01"], policy=None)[0]
    app = create_app(settings)
    with TestClient(app) as web:
        sign_in(web, Role.BROKER)
        refused = start_sourcing(web, "BN-01")
        on_its_page = web.post(
            "/packages/BN-01/sourcing",
            data={"csrf_token": form_token(web)},
            follow_redirects=False,
        )
    app.state.engine.dispose()
    assert on_its_page.status_code == 400
    assert 'href="#actions">BN-01 cannot be sourced yet' in on_its_page.text
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert "BN-01 cannot be sourced yet: its commissioner has no sourcing policy" in refused.text
    assert "Sourcing policies" in refused.text
