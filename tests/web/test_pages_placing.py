"""A broker's actions on a package's page while it is placed (start sourcing, bridging care,
a direct payment instead), deciding on proposed changes from the package's page and from the
queue, and offering waiting packages to a provider with spare capacity.

A database of its own: the market of conftest.py with requested packages BP-01 to BP-29 in
zone A (lot O-A: Wyeside Home Care lead, Other Care approved) under the Herefordshire policy
(both offered at once, then the waiting list).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.services import market
from tests.web.brokerage_helpers import (
    BROKER,
    awarded,
    on,
    propose,
    provider,
    start,
    unit_of_work,
    waiting,
)
from tests.web.conftest import make_brokerage_market, post, serve, sign_in

REFERENCES = [f"BP-{n:02d}" for n in range(1, 30)]
WYESIDE = "Wyeside Home Care"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('placing') / 'cm.db'}"
    return make_brokerage_market(url, REFERENCES, policy="herefordshire")[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    yield from serve(settings)


def status_of(settings: Settings, reference: str) -> str:
    with unit_of_work(settings) as uow:
        return market.get_package(uow, reference, viewer=BROKER).status


def a_bridge(**overrides: str) -> dict[str, str]:
    return (
        {"service": "Discharge Response Team", "working_days": "2"}
        | on(date.today(), "starts_on")
        | overrides
    )


# Start sourcing from the package's page


def test_a_requested_packages_page_offers_to_start_sourcing_it(web) -> None:
    sign_in(web, Role.BROKER)
    page = web.get("/packages/BP-01").text
    assert 'action="/packages/BP-01/sourcing"' in page
    assert 'href="/packages/BP-01/bridging"' in page
    assert 'href="/packages/BP-01/direct-payment"' in page

    started = post(web, "/packages/BP-01/sourcing")

    assert started.status_code == 303
    assert started.headers["location"] == "/packages/BP-01"
    page = web.get("/packages/BP-01").text
    assert "Sourcing started for BP-01" in page and "It is offered to" in page
    assert 'action="/packages/BP-01/sourcing"' not in page


def test_starting_again_is_refused_on_the_packages_page_with_409(web, settings) -> None:
    start(settings, "BP-02")
    sign_in(web, Role.BROKER)

    again = post(web, "/packages/BP-02/sourcing")

    assert again.status_code == 409
    assert "<title>Error: Care package BP-02" in again.text
    assert 'href="#actions">BP-02 was not sourced: BP-02 is sourcing' in again.text


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.AUDITOR, Role.FINANCE])
def test_others_cannot_start_sourcing_and_see_no_brokers_actions(web, role) -> None:
    sign_in(web, role)
    assert post(web, "/packages/BP-03/sourcing").status_code == 403
    if role is not Role.PROVIDER:  # (a provider does not see a package it was not offered)
        page = web.get("/packages/BP-03").text
        assert "What you can do" not in page and "/bridging" not in page


# Bridging care


def test_a_broker_places_bridging_care_and_ends_it(web, settings) -> None:
    start(settings, "BP-04")
    sign_in(web, Role.BROKER)
    form = web.get("/packages/BP-04/bridging")
    assert form.status_code == 200
    assert "<title>Bridging care for BP-04" in form.text
    assert 'name="working_days"' in form.text

    placed = post(web, "/packages/BP-04/bridging", **a_bridge())

    assert placed.status_code == 303
    assert placed.headers["location"] == "/packages/BP-04"
    page = web.get("/packages/BP-04").text
    assert "Bridging care placed for BP-04" in page
    bridges = page.split("Bridging care for BP-04, newest first")[1].split("</table>")[0]
    assert "Discharge Response Team" in bridges and "In place" in bridges
    assert 'href="/packages/BP-04/bridging"' not in page  # one bridge at a time

    ended = post(web, "/packages/BP-04/bridging/end", **on(date.today(), "ended_on"))

    assert ended.status_code == 303
    page = web.get("/packages/BP-04").text
    assert "Bridging care for BP-04 ends on" in page
    bridges = page.split("Bridging care for BP-04, newest first")[1].split("</table>")[0]
    assert "In place" not in bridges
    assert 'action="/packages/BP-04/bridging/end"' not in page


def test_a_bridge_needs_a_service_a_start_and_its_length(web) -> None:
    sign_in(web, Role.BROKER)

    refused = post(web, "/packages/BP-05/bridging", **{"starts_on-day": "40"})

    assert refused.status_code == 400
    assert 'href="#service">Enter the bridging service' in refused.text
    assert 'href="#starts_on-day">The date bridging starts must include' in refused.text
    assert 'href="#working_days">Select how many working days it lasts' in refused.text
    wrong_length = post(web, "/packages/BP-05/bridging", **a_bridge(working_days="5"))
    assert wrong_length.status_code == 400


def test_a_second_bridge_and_a_bridge_for_a_placed_package_are_refused(web, settings) -> None:
    start(settings, "BP-06")
    awarded(settings, "BP-07")
    sign_in(web, Role.BROKER)
    assert post(web, "/packages/BP-06/bridging", **a_bridge()).status_code == 303

    second = post(web, "/packages/BP-06/bridging", **a_bridge(service="HART"))
    placed = post(web, "/packages/BP-07/bridging", **a_bridge())

    assert second.status_code == 400
    assert 'href="#placing">Bridging care was not placed: BP-06 already has' in second.text
    assert 'value="HART"' in second.text
    assert placed.status_code == 400
    assert "BP-07 is active: it needs no bridge" in placed.text


def test_ending_bridging_needs_a_date_and_a_bridge(web) -> None:
    sign_in(web, Role.BROKER)
    no_date = post(web, "/packages/BP-08/bridging/end")
    no_bridge = post(web, "/packages/BP-08/bridging/end", **on(date.today(), "ended_on"))
    assert no_date.status_code == 400
    assert 'href="#ended_on-day">Enter the day bridging care ends' in no_date.text
    assert no_bridge.status_code == 400
    assert 'href="#actions">Bridging care was not ended: BP-08 has no bridging' in no_bridge.text


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.AUDITOR])
def test_only_brokers_place_and_end_bridging_care(web, role) -> None:
    sign_in(web, role)
    assert web.get("/packages/BP-09/bridging").status_code == 403
    assert post(web, "/packages/BP-09/bridging", **a_bridge()).status_code == 403
    assert post(web, "/packages/BP-09/bridging/end").status_code == 403


# A direct payment instead


def test_a_direct_payment_is_confirmed_on_a_page_with_a_warning(web, settings) -> None:
    start(settings, "BP-10")
    sign_in(web, Role.BROKER)
    confirm = web.get("/packages/BP-10/direct-payment")
    assert confirm.status_code == 200
    assert "govuk-warning-text" in confirm.text and "open offers are withdrawn" in confirm.text

    chosen = post(web, "/packages/BP-10/direct-payment", reason="the person employs a PA")

    assert chosen.status_code == 303
    page = web.get("/packages/BP-10").text
    assert "Care package BP-10 will be met by a direct payment" in page
    assert status_of(settings, "BP-10") == "direct payment"
    assert "the person employs a PA" in page  # in its history

    again = post(web, "/packages/BP-10/direct-payment")

    assert again.status_code == 409
    assert 'href="#placing">Nothing was changed: BP-10 is direct payment' in again.text


def test_a_direct_payments_reason_has_a_limit(web, settings) -> None:
    sign_in(web, Role.BROKER)
    refused = post(web, "/packages/BP-11/direct-payment", reason="x" * 1001)
    assert refused.status_code == 400
    assert 'href="#reason">The reason must be 1000 characters or fewer' in refused.text
    assert status_of(settings, "BP-11") == "requested"


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.AUDITOR])
def test_only_brokers_choose_a_direct_payment(web, role) -> None:
    sign_in(web, role)
    assert web.get("/packages/BP-11/direct-payment").status_code == 403
    assert post(web, "/packages/BP-11/direct-payment").status_code == 403


# Deciding on proposed changes


def test_a_broker_approves_a_change_on_the_packages_page(web, settings) -> None:
    awarded(settings, "BP-12")
    change = propose(settings, "BP-12", "4x45 daily", provider(settings, WYESIDE))
    sign_in(web, Role.BROKER)
    page = web.get("/packages/BP-12").text
    assert "Changes proposed to BP-12" in page and "awaiting approval" in page.lower()
    assert f'action="/brokerage/changes/{change}/decision"' in page

    approved = post(
        web,
        f"/brokerage/changes/{change}/decision",
        decision="approve",
        note="agreed with the social worker",
        return_to="package",
        reference="BP-12",
    )

    assert approved.status_code == 303
    assert approved.headers["location"] == "/packages/BP-12"
    page = web.get("/packages/BP-12").text
    assert "Change approved: care package BP-12" in page
    assert "Its visits are now 4x45 daily. Wyeside Home Care has been told." in page
    assert "agreed with the social worker" in page
    assert f'action="/brokerage/changes/{change}/decision"' not in page


def test_a_broker_rejects_a_change_from_the_queue_and_cannot_decide_twice(web, settings) -> None:
    awarded(settings, "BP-13")
    change = propose(settings, "BP-13", "2x30 daily", provider(settings, WYESIDE))
    sign_in(web, Role.BROKER)
    queue = web.get("/brokerage").text.split("Changes to approve")[1].split("Waiting list")[0]
    assert "BP-13" in queue and "2x30 daily" in queue and "-50.0%" in queue

    rejected = post(
        web, f"/brokerage/changes/{change}/decision", decision="reject", return_to="brokerage"
    )
    again = post(
        web, f"/brokerage/changes/{change}/decision", decision="approve", return_to="brokerage"
    )

    assert rejected.status_code == 303
    assert rejected.headers["location"] == "/brokerage"
    assert again.status_code == 409
    assert 'href="#changes">The change was not decided: this change is already' in again.text
    with unit_of_work(settings) as uow:
        assert market.get_package(uow, "BP-13", viewer=BROKER).pattern == "4x30 daily"


def test_a_decision_needs_approve_or_reject_and_a_short_note(web, settings) -> None:
    awarded(settings, "BP-14")
    change = propose(settings, "BP-14", "4x60 daily", provider(settings, WYESIDE))
    sign_in(web, Role.BROKER)

    undecided = post(web, f"/brokerage/changes/{change}/decision", return_to="brokerage")
    long_note = post(
        web,
        f"/brokerage/changes/{change}/decision",
        decision="reject",
        note="x" * 1001,
        return_to="package",
        reference="BP-14",
    )
    unknown = post(web, "/brokerage/changes/99999/decision", decision="approve")
    not_a_number = post(web, "/brokerage/changes/first/decision", decision="approve")
    too_large = post(web, "/brokerage/changes/99999999999/decision", decision="approve")

    assert undecided.status_code == 400
    assert f'href="#change-{change}">Choose to approve or reject the change' in undecided.text
    assert long_note.status_code == 400
    assert "<title>Error: Care package BP-14" in long_note.text
    assert f'href="#note-{change}">The note must be 1000 characters or fewer' in long_note.text
    assert unknown.status_code == not_a_number.status_code == too_large.status_code == 404


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.AUDITOR, Role.FINANCE])
def test_only_brokers_decide_on_changes(web, role) -> None:
    sign_in(web, role)
    answer = post(web, "/brokerage/changes/1/decision", decision="approve")
    assert answer.status_code == 403


def test_an_auditor_reads_the_changes_to_approve_without_deciding(web, settings) -> None:
    awarded(settings, "BP-16")
    propose(settings, "BP-16", "5x30 daily", provider(settings, WYESIDE))
    sign_in(web, Role.AUDITOR)
    queue = web.get("/brokerage").text.split("Changes to approve")[1].split("Waiting list")[0]
    assert "5x30 daily" in queue
    assert "/decision" not in queue


# Spare capacity


def test_a_broker_offers_the_neediest_waiting_packages_to_a_provider(web, settings) -> None:
    waiting(settings, "BP-17")
    sign_in(web, Role.BROKER)
    assert 'action="/brokerage/capacity"' in web.get("/brokerage").text

    offered = post(web, "/brokerage/capacity", provider="Other Care", hours="14")

    assert offered.status_code == 303
    assert offered.headers["location"] == "/brokerage"
    page = web.get("/brokerage").text
    assert "Offered to Other Care: BP-17" in page
    assert "The neediest 1 waiting package that fit in 14 hours a week" in page
    opened = page.split("Open offers")[1].split("Changes to approve")[0]
    assert "BP-17" in opened and "From the waiting list" in opened


def test_spare_capacity_that_fits_nothing_is_told_so(web, settings) -> None:
    waiting(settings, "BP-18")
    sign_in(web, Role.BROKER)
    told = post(web, "/brokerage/capacity", provider=WYESIDE, hours="2.5")
    assert told.status_code == 303
    page = web.get("/brokerage").text
    assert "No waiting package was offered to Wyeside Home Care" in page
    assert "fits in 2.5 hours a week" in page


def test_spare_capacity_needs_a_provider_and_hours(web) -> None:
    sign_in(web, Role.BROKER)
    refused = post(web, "/brokerage/capacity", provider="Nobody Care", hours="lots")
    assert refused.status_code == 400
    assert 'href="#provider">Select the provider with spare capacity' in refused.text
    assert 'href="#hours">The spare hours a week must be a number' in refused.text
    assert 'value="lots"' in refused.text
    nothing = post(web, "/brokerage/capacity", provider=WYESIDE, hours="0")
    assert 'href="#hours">The spare hours a week must be more than 0' in nothing.text
    endless = post(web, "/brokerage/capacity", provider=WYESIDE, hours="1e999999")
    assert endless.status_code == 400


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.AUDITOR])
def test_only_brokers_offer_other_providers_spare_capacity(web, role) -> None:
    sign_in(web, role)
    assert post(web, "/brokerage/capacity", provider=WYESIDE, hours="10").status_code == 403
