"""A provider's offers: listed on its home page, each on a page of its own with forms to
accept, decline or bid; refusals in an error summary, success in a notification banner.

A database of its own: the market of conftest.py with requested packages BO-01 to BO-19 in
zone A (lot O-A: Wyeside Home Care lead, Other Care approved). The signed-in provider is
Wyeside; Other Care answers through the service. Each test sets the policy it needs before it
starts sourcing (a round keeps the policy it began with).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.domain.calendar import Window
from caremarket.domain.policies import (
    Audience,
    Criterion,
    Method,
    Otherwise,
    Scoring,
    SourcingPolicy,
    Stage,
)
from caremarket.holidays import working_week
from caremarket.services import brokerage
from caremarket.web.app import create_app
from tests.web.brokerage_helpers import (
    BROKER,
    TOMORROW,
    accept,
    decline,
    provider,
    set_policy,
    start,
    unit_of_work,
)
from tests.web.conftest import form_token, make_brokerage_market, sign_in

REFERENCES = [f"BO-{n:02d}" for n in range(1, 20)]
EVERYONE_AT_ONCE = "herefordshire"  # every provider in the lot, all at once
MINI_COMPETITION = SourcingPolicy(
    "bids",
    "A mini-competition among every provider in the lot",
    (
        Stage(
            Audience(),
            Method.MINI_COMPETITION,
            Window(Decimal(8), business_hours=True),
            Otherwise.WAITING_LIST,
            Scoring(((Criterion.PRICE, 50), (Criterion.EARLIEST_START, 50))),
        ),
    ),
)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('offers') / 'cm.db'}"
    return make_brokerage_market(url, REFERENCES, policy=EVERYONE_AT_ONCE)[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        sign_in(client, Role.PROVIDER)
        yield client
    app.state.engine.dispose()


def on(day: date, name: str) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def answer(web: TestClient, reference: str, how: str, **fields: str):
    data = {"csrf_token": form_token(web)} | fields
    return web.post(f"/offers/{reference}/{how}", data=data, follow_redirects=False)


def test_the_providers_home_page_lists_its_open_offers_above_its_packages(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-01")

    page = web.get("/").text

    offers = page.split("Offers waiting for your answer")[1].split("Your care packages")[0]
    assert 'href="/offers/BO-01"' in offers
    assert "4x30 daily" in offers and "Time left" in page
    assert page.index("BO-01") < page.index("PKG-0001")
    assert "New offer: care package BO-01" in page


def test_the_offer_page_shows_the_package_and_the_forms_to_answer(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-02")

    page = web.get("/offers/BO-02")

    assert page.status_code == 200
    assert "Care package BO-02" in page.text
    assert "Accept the offer" in page.text and "Decline the offer" in page.text
    assert 'name="start_on-day"' in page.text
    assert 'name="csrf_token"' in page.text
    assert "Send your bid" not in page.text


def test_accepting_awards_the_package_and_says_so(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-03")

    accepted = answer(web, "BO-03", "acceptance", **on(TOMORROW, "start_on"))

    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/packages/BO-03"
    page = web.get("/packages/BO-03").text
    assert "govuk-notification-banner--success" in page
    assert "Care package BO-03 is yours" in page
    assert "Wyeside Home Care" in page and "Awarded" in page


@pytest.mark.parametrize(
    ("reference", "fields", "message"),
    [
        ("BO-13", {}, "Enter the date you can start"),
        ("BO-14", {"start_on-day": "31", "start_on-month": "2", "start_on-year": "2030"}, "real"),
        ("BO-15", on(date.today() - timedelta(days=3), "start_on"), "is in the past"),
    ],
)
def test_a_wrong_start_date_is_shown_beside_the_field(
    web, settings, reference, fields, message
) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, reference)

    refused = answer(web, reference, "acceptance", **fields)

    assert refused.status_code == 400
    assert f"<title>Error: Offer of care package {reference}" in refused.text
    assert 'href="#start_on-day"' in refused.text
    assert message in refused.text
    assert "govuk-input--error" in refused.text


def test_the_offer_names_the_commissioner_the_zone_and_the_service(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-16")

    page = web.get("/offers/BO-16").text

    details = page.split('<dl class="govuk-summary-list"')[1].split("</dl>")[0]
    assert "Herefordshire Council" in details
    assert "Zone A (A)" in details
    assert "Personal care (PC)" in details


def test_an_answer_after_the_window_closed_says_when_in_uk_time(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    two_days_ago = datetime.now(UTC) - timedelta(days=2)  # its window closed since
    with unit_of_work(settings) as uow:
        sourcing = brokerage.start_sourcing(
            uow, "BO-17", by=BROKER, now=two_days_ago, week=working_week()
        )
    closed = sourcing.state.offers[0].ends_at.astimezone(ZoneInfo("Europe/London"))

    late = answer(web, "BO-17", "acceptance", **on(TOMORROW, "start_on"))

    assert late.status_code == 409
    assert f"closed on {closed.day} {closed:%B %Y at %H:%M} (UK time)" in late.text
    assert "UTC" not in late.text


def test_accepting_after_another_provider_was_awarded_is_refused_with_409(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-05")
    accept(settings, "BO-05", provider(settings, "Other Care"))

    late = answer(web, "BO-05", "acceptance", **on(TOMORROW, "start_on"))

    assert late.status_code == 409
    assert "govuk-error-summary" in late.text
    assert 'href="#offer"' in late.text
    assert "already been awarded to another provider" in late.text
    assert "You have no open offer of this package" in late.text
    assert "Withdrawn" in late.text
    assert "Other Care" not in late.text


def test_declining_needs_a_reason_and_the_brokers_see_it_with_the_note(web, settings) -> None:
    set_policy(settings, "leicestershire")  # Wyeside alone is asked: its decline ends it
    start(settings, "BO-06")

    without = answer(web, "BO-06", "declining", decline_note="no carers free")
    assert without.status_code == 400
    assert 'href="#reason"' in without.text
    assert "Select why you are declining the offer" in without.text
    assert "no carers free" in without.text  # what was typed is kept

    declined = answer(web, "BO-06", "declining", reason="no capacity", decline_note="no carers")
    assert declined.status_code == 303
    assert declined.headers["location"] == "/"
    assert "You declined care package BO-06" in web.get("/").text
    sign_in(web, Role.BROKER)
    assert "Wyeside Home Care: no capacity (no carers)" in web.get("/brokerage").text


def test_a_mini_competition_takes_bids_up_to_the_rate_card(web, settings) -> None:
    set_policy(settings, MINI_COMPETITION)
    start(settings, "BO-07")

    page = web.get("/offers/BO-07").text
    assert "Send your bid" in page and "Accept the offer" not in page
    assert "£15.80" in page

    fields = on(TOMORROW, "earliest_start")
    above = answer(web, "BO-07", "bids", hourly_rate="16.00", **fields)
    assert above.status_code == 400
    assert 'href="#hourly_rate"' in above.text
    assert "above the rate card" in above.text
    wrong = answer(web, "BO-07", "bids", hourly_rate="lots", **fields)
    assert wrong.status_code == 400
    assert "must be an amount in pounds" in wrong.text
    endless = answer(web, "BO-07", "bids", hourly_rate="1e999999", **fields)
    assert endless.status_code == 400

    bid = answer(
        web, "BO-07", "bids", hourly_rate="£15.50", bid_note="we visit next door", **fields
    )
    assert bid.status_code == 303
    assert "Your bid for care package BO-07 is in" in web.get("/").text
    history = web.get("/packages/BO-07").text
    assert "£15.50" in history and "we visit next door" in history


def test_a_provider_opens_a_package_it_was_offered_seeing_only_its_own_offers(
    web, settings
) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-08")
    decline(settings, "BO-08", provider(settings, "Other Care"), note="our own reasons")

    page = web.get("/packages/BO-08")

    assert page.status_code == 200
    assert "Only your own offers and bids are shown" in page.text
    assert "Wyeside Home Care" in page.text
    assert "Other Care" not in page.text and "our own reasons" not in page.text
    assert "package imported" not in page.text and "offer made" not in page.text  # no audit


def test_staff_see_every_offer_and_the_rounds_timings(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-09")
    decline(settings, "BO-09", provider(settings, "Other Care"), note="our own reasons")
    sign_in(web, Role.COMMISSIONER)

    page = web.get("/packages/BO-09").text

    rounds = page.split('<h2 class="govuk-heading-m">Sourcing</h2>')[1].split("History")[0]
    assert "Round 1 (requested)" in rounds
    assert "herefordshire: all-at-once to every provider in the lot" in rounds
    for key in ("Requested", "First offer", "Awarded", "Next deadline"):
        assert key in rounds, key
    assert "Other Care" in rounds and "No capacity: our own reasons" in rounds
    assert "Wyeside Home Care" in rounds and "Open" in rounds
    assert "offer made" in page  # the audit trail, below


def test_a_package_offered_only_to_another_provider_is_not_found(web, settings) -> None:
    set_policy(settings, "st-helens")  # approved providers only: Other Care
    start(settings, "BO-10")

    assert web.get("/offers/BO-10").status_code == 404
    assert web.get("/packages/BO-10").status_code == 404
    refused = answer(web, "BO-10", "acceptance", **on(TOMORROW, "start_on"))
    assert refused.status_code == 404


def test_a_package_of_its_own_without_an_offer_says_there_is_none_open(web) -> None:
    page = web.get("/offers/PKG-0001")
    assert page.status_code == 200
    assert "You have no open offer of this package" in page.text


def test_only_providers_answer_offers(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-11")
    sign_in(web, Role.BROKER)
    assert web.get("/offers/BO-11").status_code == 403
    assert answer(web, "BO-11", "acceptance", **on(TOMORROW, "start_on")).status_code == 403


def test_answers_need_the_forms_token(web, settings) -> None:
    set_policy(settings, EVERYONE_AT_ONCE)
    start(settings, "BO-12")
    forged = answer(web, "BO-12", "acceptance", csrf_token="forged", **on(TOMORROW, "start_on"))
    assert forged.status_code == 403
    assert "Accept the offer" in web.get("/offers/BO-12").text  # still open
