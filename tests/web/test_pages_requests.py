"""A broker records a new request for care on a form of its own, linked from the queue; it is
sourced at once unless the broker says not yet.

A database of its own: the market of conftest.py (zone A covers HR6 and HR5 3; lot O-A:
Wyeside Home Care lead, Other Care approved) under the Herefordshire policy (every provider
in the lot at once).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.services import market
from caremarket.web.app import create_app
from tests.web.brokerage_helpers import BROKER, on, unit_of_work
from tests.web.conftest import form_token, make_brokerage_market, sign_in

NEW = "/brokerage/requests/new"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('requests') / 'cm.db'}"
    return make_brokerage_market(url, [], policy="herefordshire")[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def a_request(**overrides: str) -> dict[str, str]:
    fields = {
        "commissioner": "HFD",
        "person": "P-2001",
        "postcode": "HR6 8AA",
        "service": "PC",
        "visits": "4x30 daily; 1x45x2 Mon-Fri",
        "risk": "high",
        "carer_breakdown": "yes",
        "source": "yes",
    } | on(date.today() + timedelta(days=2), "start_on")
    return fields | overrides


def record(web: TestClient, fields: dict[str, str]):
    data = {"csrf_token": form_token(web)} | {k: v for k, v in fields.items() if v is not None}
    return web.post(NEW, data=data, follow_redirects=False)


def test_the_queue_links_to_the_form_with_its_fields(web) -> None:
    sign_in(web, Role.BROKER)
    assert f'href="{NEW}"' in web.get("/brokerage").text

    page = web.get(NEW)

    assert page.status_code == 200
    assert "<title>New request for care – caremarket" in page.text
    for name in ("commissioner", "person", "postcode", "service", "visits", "start_on-day"):
        assert f'name="{name}"' in page.text
    assert 'name="risk"' in page.text and 'name="carer_breakdown"' in page.text
    assert 'name="fit_for_discharge_on-day"' in page.text
    assert "Never a name" in page.text and "4x30 daily; 1x45x2 Mon-Fri" in page.text
    sourcing = page.text.split('name="source"')[1].split(">")[0]
    assert "checked" in sourcing  # sourcing now, unless the broker says not yet


def test_a_broker_records_a_request_and_it_is_offered_at_once(web, settings) -> None:
    sign_in(web, Role.BROKER)

    recorded = record(web, a_request(person="P-2002", **on(date.today(), "fit_for_discharge_on")))

    assert recorded.status_code == 303
    reference = recorded.headers["location"].removeprefix("/packages/")
    assert reference.startswith("HFD-R")
    page = web.get(recorded.headers["location"]).text
    assert f"Care requested: care package {reference}" in page
    assert "It is offered to" in page and "Wyeside Home Care" in page and "Other Care" in page
    with unit_of_work(settings) as uow:
        found = market.get_package(uow, reference, viewer=BROKER)
    assert (found.person, found.zone, found.status) == ("P-2002", "A", "sourcing")
    assert found.pattern == "4x30 daily; 1x45x2 weekdays"


def test_a_request_may_wait_for_a_broker_to_start_sourcing_it(web, settings) -> None:
    sign_in(web, Role.BROKER)

    recorded = record(web, a_request(person="P-2003", source=None))

    assert recorded.status_code == 303
    page = web.get(recorded.headers["location"]).text
    assert "Start sourcing it when you are ready." in page
    assert "requested" in page and "Start sourcing" in page


def test_an_empty_request_says_what_each_field_needs(web) -> None:
    sign_in(web, Role.BROKER)

    refused = record(web, {"source": "yes"})

    assert refused.status_code == 400
    assert "<title>Error: New request for care" in refused.text
    for href, message in [
        ("#commissioner", "Select the commissioner who pays for the care"),
        ("#person", "Enter the person&#39;s reference"),
        ("#postcode", "Enter the postcode"),
        ("#service", "Select the service"),
        ("#visits", "Enter the visits"),
        ("#start_on-day", "Enter the date care should start"),
        ("#risk", "Select the risk to the person at home"),
    ]:
        assert f'href="{href}">{message}' in refused.text, message
    summary = refused.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "fit_for_discharge_on-day" not in summary  # an optional date, left empty


def test_a_postcode_outside_every_zone_and_a_wrong_pattern_are_shown_by_their_fields(web) -> None:
    sign_in(web, Role.BROKER)

    outside = record(web, a_request(postcode="SW1A 1AA"))
    garbled = record(web, a_request(visits="four times a day"))
    past = record(web, a_request(**on(date.today() - timedelta(days=1), "start_on")))

    assert outside.status_code == 400
    assert 'href="#postcode">SW1A 1AA is not in any zone' in outside.text
    assert 'value="P-2001"' in outside.text  # what was typed is kept
    assert garbled.status_code == 400
    assert 'href="#visits">' in garbled.text
    assert past.status_code == 400
    assert 'href="#start_on-day">The date care should start must be today' in past.text


def test_a_half_given_or_impossible_discharge_date_is_refused(web) -> None:
    sign_in(web, Role.BROKER)
    half = record(web, a_request(**{"fit_for_discharge_on-day": "3"}))
    impossible = record(
        web,
        a_request(**on(date(2026, 1, 1), "fit_for_discharge_on"))
        | {"fit_for_discharge_on-year": "9" * 20},
    )
    for refused in (half, impossible):
        assert refused.status_code == 400
        assert 'href="#fit_for_discharge_on-day">' in refused.text


def test_the_form_needs_its_token(web) -> None:
    sign_in(web, Role.BROKER)
    forged = web.post(NEW, data=a_request() | {"csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.FINANCE, Role.AUDITOR])
def test_only_brokers_commissioners_and_administrators_record_requests(web, role) -> None:
    sign_in(web, role)
    assert web.get(NEW).status_code == 403
    assert record(web, a_request(person="P-2099")).status_code == 403


def test_without_a_policy_the_request_is_refused_unless_it_waits(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('requests-nopolicy') / 'cm.db'}"
    settings = make_brokerage_market(url, [], policy=None)[0]
    app = create_app(settings)
    with TestClient(app) as web:
        sign_in(web, Role.COMMISSIONER)
        refused = record(web, a_request())
        waiting = record(web, a_request(source=None))
    app.state.engine.dispose()
    assert refused.status_code == 400
    assert 'href="#source">Care cannot be sourced yet' in refused.text
    assert waiting.status_code == 303
