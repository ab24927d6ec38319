"""What the provider holding a package does with it, on pages of their own: hand it back,
propose a change to its visits, place it with a subcontractor; and offering its own spare
capacity from its home page.

A database of its own: the market of conftest.py with requested packages BD-01 to BD-29 in
zone A (lot O-A: Wyeside Home Care lead, with Golden Valley Carers its subcontractor; Other
Care approved) under the Herefordshire policy (both offered at once, then the waiting list).
The signed-in provider is Wyeside.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.services import market, sourcing_views
from caremarket.web.app import create_app
from tests.web.brokerage_helpers import (
    BROKER,
    TOMORROW,
    add_subcontractor,
    awarded,
    on,
    unit_of_work,
    waiting,
)
from tests.web.conftest import make_brokerage_market, post, sign_in

REFERENCES = [f"BD-{n:02d}" for n in range(1, 30)]
SUBCONTRACTOR = "Golden Valley Carers"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('delivering') / 'cm.db'}"
    settings = make_brokerage_market(url, REFERENCES, policy="herefordshire")[0]
    add_subcontractor(settings, SUBCONTRACTOR, lead="Wyeside Home Care", lot=("HFD-DPS", "O-A"))
    return settings


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        sign_in(client, Role.PROVIDER)
        yield client
    app.state.engine.dispose()


def a_change(visits: str, **overrides: str) -> dict[str, str]:
    return {"visits": visits, "reason": "the review found less help is needed"} | (
        on(TOMORROW, "effective_on") | overrides
    )


# Handing back


def test_the_holder_sees_what_it_may_do_with_its_package(web, settings) -> None:
    awarded(settings, "BD-01")
    page = web.get("/packages/BD-01").text
    assert 'href="/packages/BD-01/hand-back"' in page
    assert 'href="/packages/BD-01/changes/new"' in page
    assert 'href="/packages/BD-01/subcontractor"' in page
    assert "/bridging" not in page and "/direct-payment" not in page


def test_a_provider_hands_back_a_package_and_it_is_sourced_again_without_it(web, settings) -> None:
    awarded(settings, "BD-02")
    form = web.get("/packages/BD-02/hand-back")
    assert form.status_code == 200
    assert 'name="notice_days"' in form.text and 'value="14"' in form.text

    handed = post(
        web, "/packages/BD-02/hand-back", reason="staffing", notice_days="7", note="two left"
    )

    assert handed.status_code == 303
    assert handed.headers["location"] == "/packages/BD-02"
    page = web.get("/packages/BD-02").text
    notice_end = date.today() + timedelta(days=7)
    assert "You handed back care package BD-02" in page
    assert f"until your notice ends on {notice_end.day} {notice_end:%B %Y}" in page
    hand_backs = page.split("Hand-backs of BD-02")[1].split("</table>")[0]
    assert "Wyeside Home Care" in hand_backs and "Staffing" in hand_backs
    assert "two left" in hand_backs and "Until the new provider starts" in hand_backs
    assert 'href="/packages/BD-02/hand-back"' not in page
    with unit_of_work(settings) as uow:
        rounds = sourcing_views.sourcing_history(uow, "BD-02", viewer=BROKER)
    assert [o.provider for o in rounds[-1].offers] == ["Other Care"]


def test_a_package_is_handed_back_once(web, settings) -> None:
    awarded(settings, "BD-03")
    first = post(web, "/packages/BD-03/hand-back", reason="travel", notice_days="14")
    assert first.status_code == 303
    again = post(web, "/packages/BD-03/hand-back", reason="travel", notice_days="14")
    assert again.status_code == 409
    assert 'href="#delivery">You have already handed back care package BD-03' in again.text


def test_a_hand_back_needs_a_reason_and_whole_days_of_notice(web, settings) -> None:
    awarded(settings, "BD-04")

    refused = post(web, "/packages/BD-04/hand-back", notice_days="two weeks")
    too_long = post(web, "/packages/BD-04/hand-back", reason="other", notice_days="91")
    endless = post(web, "/packages/BD-04/hand-back", reason="other", notice_days="9" * 5000)

    assert refused.status_code == 400
    assert "<title>Error: Hand back care package BD-04" in refused.text
    assert 'href="#reason">Select why you are handing the package back' in refused.text
    assert 'href="#notice_days">The days of notice must be a whole number from 0 to 90' in (
        refused.text
    )
    assert 'value="two weeks"' in refused.text
    assert too_long.status_code == endless.status_code == 400


def test_another_providers_package_cannot_be_handed_back(web) -> None:
    assert web.get("/packages/PKG-0002/hand-back").status_code == 404
    assert post(web, "/packages/PKG-0002/hand-back", reason="other").status_code == 404


@pytest.mark.parametrize("role", [Role.BROKER, Role.AUDITOR])
def test_only_providers_hand_back(web, role) -> None:
    sign_in(web, role)
    assert web.get("/packages/PKG-0001/hand-back").status_code == 403
    assert post(web, "/packages/PKG-0001/hand-back", reason="other").status_code == 403


# Proposing a change


def test_the_change_form_says_the_policys_limit(web, settings) -> None:
    awarded(settings, "BD-05")
    form = web.get("/packages/BD-05/changes/new")
    assert form.status_code == 200
    assert "a reduction of up to 20% of weekly hours applies at once" in form.text
    assert 'value="4x30 daily"' in form.text  # today's visits, to edit


def test_a_small_reduction_applies_at_once(web, settings) -> None:
    awarded(settings, "BD-06")

    proposed = post(web, "/packages/BD-06/changes/new", **a_change("4x30 Mon-Sat"))

    assert proposed.status_code == 303
    page = web.get("/packages/BD-06").text
    assert "Care package BD-06 now has the visits 4x30 Mon-Sat" in page
    assert "-14.3% of weekly hours" in page
    changes = page.split("Changes proposed to BD-06")[1].split("</table>")[0]
    assert "Applied" in changes
    assert "/decision" not in page  # nothing for a provider to decide


def test_an_increase_waits_for_a_broker(web, settings) -> None:
    awarded(settings, "BD-07")

    proposed = post(web, "/packages/BD-07/changes/new", **a_change("4x45 daily"))

    assert proposed.status_code == 303
    page = web.get("/packages/BD-07").text
    assert "Your change to care package BD-07 is waiting for approval" in page
    assert "+50.0%" in page and "Awaiting approval" in page
    with unit_of_work(settings) as uow:
        assert market.get_package(uow, "BD-07", viewer=BROKER).pattern == "4x30 daily"


def test_a_change_needs_visits_a_date_and_a_reason(web, settings) -> None:
    awarded(settings, "BD-08")

    empty = post(web, "/packages/BD-08/changes/new", visits="")
    garbled = post(web, "/packages/BD-08/changes/new", **a_change("lots of visits"))
    same = post(web, "/packages/BD-08/changes/new", **a_change("4x30 daily"))

    assert empty.status_code == 400
    assert 'href="#visits">Enter the new visits' in empty.text
    assert 'href="#effective_on-day">Enter the date the change starts' in empty.text
    assert 'href="#reason">Enter why the care should change' in empty.text
    assert garbled.status_code == 400 and 'href="#visits">' in garbled.text
    assert same.status_code == 400
    assert 'href="#visits">The proposed visits are the same as now' in same.text


@pytest.mark.parametrize("role", [Role.BROKER, Role.COMMISSIONER])
def test_only_providers_propose_changes(web, role) -> None:
    sign_in(web, role)
    assert web.get("/packages/PKG-0001/changes/new").status_code == 403
    assert post(web, "/packages/PKG-0001/changes/new", **a_change("1x30 daily")).status_code == (
        403
    )


# A subcontractor


def test_a_lead_provider_places_its_package_with_its_subcontractor(web, settings) -> None:
    awarded(settings, "BD-09")
    form = web.get("/packages/BD-09/subcontractor")
    assert form.status_code == 200 and SUBCONTRACTOR in form.text

    placed = post(web, "/packages/BD-09/subcontractor", subcontractor=SUBCONTRACTOR)

    assert placed.status_code == 303
    page = web.get("/packages/BD-09").text
    assert f"{SUBCONTRACTOR} now delivers care package BD-09 for you" in page
    assert "Subcontractor" in page.split("</dl>")[0]


def test_the_subcontractor_must_be_one_of_the_lots(web, settings) -> None:
    awarded(settings, "BD-10")
    refused = post(web, "/packages/BD-10/subcontractor", subcontractor="Other Care")
    assert refused.status_code == 400
    assert 'href="#subcontractor">Select the subcontractor' in refused.text


def test_a_package_without_a_lot_has_no_subcontractor_to_place_it_with(web) -> None:
    page = web.get("/packages/PKG-0001/subcontractor")
    assert page.status_code == 200
    assert "You have no subcontractor in this package" in page.text
    refused = post(web, "/packages/PKG-0001/subcontractor", subcontractor=SUBCONTRACTOR)
    assert refused.status_code == 409


@pytest.mark.parametrize("role", [Role.BROKER, Role.FINANCE])
def test_only_providers_place_with_subcontractors(web, role) -> None:
    sign_in(web, role)
    assert web.get("/packages/PKG-0001/subcontractor").status_code == 403
    answer = post(web, "/packages/PKG-0001/subcontractor", subcontractor=SUBCONTRACTOR)
    assert answer.status_code == 403


# A provider's own spare capacity


def test_a_provider_offers_its_spare_capacity_from_its_home_page(web, settings) -> None:
    waiting(settings, "BD-11")
    assert 'action="/capacity"' in web.get("/").text

    offered = post(web, "/capacity", hours="20")

    assert offered.status_code == 303
    assert offered.headers["location"] == "/"
    page = web.get("/").text
    assert "Offered to you: BD-11" in page
    offers = page.split("Offers waiting for your answer")[1].split("</table>")[0]
    assert 'href="/offers/BD-11"' in offers


def test_a_providers_spare_capacity_needs_hours(web) -> None:
    refused = post(web, "/capacity", hours="")
    assert refused.status_code == 400
    assert 'href="#hours">Enter the spare hours a week' in refused.text
    assert "<title>Error: Home" in refused.text


@pytest.mark.parametrize("role", [Role.BROKER, Role.AUDITOR])
def test_only_providers_offer_their_own_capacity(web, role) -> None:
    sign_in(web, role)
    assert post(web, "/capacity", hours="10").status_code == 403


def test_without_a_policy_a_package_is_neither_handed_back_nor_changed(client) -> None:
    """(The session's market of conftest.py has no policy: nobody to offer it to again.)"""
    sign_in(client, Role.PROVIDER)
    form = client.get("/packages/PKG-0001/changes/new")
    assert "has not set a sourcing policy yet" in form.text

    handed = post(client, "/packages/PKG-0001/hand-back", reason="staffing", notice_days="14")
    changed = post(client, "/packages/PKG-0001/changes/new", **a_change("3x30 daily"))

    assert handed.status_code == changed.status_code == 400
    assert 'href="#delivery">Care package PKG-0001 was not handed back: its commissioner' in (
        handed.text
    )
    assert 'href="#delivery">The change was not proposed: its commissioner' in changed.text
    assert "Hand-backs of" not in client.get("/packages/PKG-0001").text
