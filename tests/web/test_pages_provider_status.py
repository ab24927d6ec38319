"""Suspending, reinstating and removing a provider through the pages: the effect on its
active packages is shown first and nothing changes until it is confirmed.

A database of its own: the market of conftest.py (PKG-0001 active with Wyeside Home Care,
PKG-0002 with Other Care, both in lot O-A of HFD-DPS) under the Leicestershire policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.domain.market import ProviderStatus
from caremarket.web.app import create_app
from tests.web.brokerage_helpers import unit_of_work
from tests.web.conftest import form_token, make_brokerage_market, make_market, sign_in

TODAY = date.today()
WHEN = {"on-day": str(TODAY.day), "on-month": str(TODAY.month), "on-year": str(TODAY.year)}
OTHER = "/market/providers/Other Care"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('status') / 'cm.db'}"
    return make_brokerage_market(url, [])[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def send(web: TestClient, url: str, **fields: str):
    return web.post(url, data={"csrf_token": form_token(web)} | fields, follow_redirects=False)


def status_of(settings: Settings, name: str) -> ProviderStatus:
    with unit_of_work(settings) as uow, uow:
        return uow.providers.get(name).status


def test_a_suspension_shows_its_effect_on_active_packages_before_it_is_confirmed(
    web, settings
) -> None:
    sign_in(web, Role.COMMISSIONER)
    providers = web.get("/market/providers").text
    assert 'href="/market/providers/Other%20Care"' in providers
    page = web.get(OTHER).text
    assert "1 package, 14 hours a week" in page

    effect = send(web, OTHER + "/effect", action="suspend", reason="CQC warning notice", **WHEN)

    assert effect.status_code == 200, effect.text
    assert "Suspending Other Care keeps 1 active package (14 hours a week)" in effect.text
    assert "Nothing has changed yet" in effect.text
    assert "PKG-0002" in effect.text and "Kept" in effect.text
    assert status_of(settings, "Other Care") is ProviderStatus.ACTIVE

    confirmed = send(web, OTHER + "/status", action="suspend", reason="CQC warning notice", **WHEN)

    assert confirmed.status_code == 303, confirmed.text
    assert status_of(settings, "Other Care") is ProviderStatus.SUSPENDED
    after = web.get(OTHER).text
    assert "Other Care is suspended" in after
    assert 'value="reinstate"' in after and 'value="suspend"' not in after

    again = send(web, OTHER + "/effect", action="suspend", reason="again", **WHEN)
    assert again.status_code == 400
    assert "Other Care is suspended and cannot be suspended" in again.text

    reinstated = send(web, OTHER + "/status", action="reinstate", reason="Re-inspected", **WHEN)
    assert reinstated.status_code == 303
    assert status_of(settings, "Other Care") is ProviderStatus.ACTIVE


def test_a_removal_shows_the_packages_to_source_again_then_ends_its_places(web, settings) -> None:
    sign_in(web, Role.ADMIN)
    effect = send(web, OTHER + "/effect", action="remove", reason="Contract ended", **WHEN)
    assert "Sourced again" in effect.text
    assert "Places in lots that end" in effect.text

    confirmed = send(web, OTHER + "/status", action="remove", reason="Contract ended", **WHEN)

    assert confirmed.status_code == 303, confirmed.text
    page = web.get(OTHER).text
    assert "Sourcing has begun again for PKG-0002" in page
    assert "Lots it is in" in page and "None." in page
    assert 'action="/market/providers/Other%20Care/effect"' not in page  # nothing left to do
    with unit_of_work(settings) as uow, uow:
        assert uow.sourcings.current(uow.packages.get("PKG-0002")).cause == "provider removed"


def test_the_form_needs_what_when_and_why(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    refused = send(web, "/market/providers/Wyeside Home Care/effect")
    assert refused.status_code == 400
    for message in ("Select what to do", "Enter the date it takes effect", "Enter the reason"):
        assert message in refused.text


def test_an_auditor_reads_the_status_and_a_broker_or_provider_cannot_change_it(web) -> None:
    sign_in(web, Role.AUDITOR)
    page = web.get("/market/providers/Wyeside Home Care")
    assert page.status_code == 200 and "Show the effect" not in page.text
    sign_in(web, Role.BROKER)
    assert web.get("/market/providers/Wyeside Home Care").status_code == 403
    refused = send(web, "/market/providers/Wyeside Home Care/status", action="suspend",
                   reason="x", **WHEN)  # fmt: skip
    assert refused.status_code == 403
    sign_in(web, Role.PROVIDER)
    assert send(web, OTHER + "/effect", action="suspend", reason="x", **WHEN).status_code == 403
    assert web.get("/market/providers/Nobody").status_code == 403


def test_a_removal_that_cannot_source_the_packages_again_changes_nothing(tmp_path) -> None:
    settings, _ = make_market(f"sqlite:///{tmp_path / 'cm.db'}")  # no sourcing policy set
    app = create_app(settings)
    with TestClient(app) as web:
        sign_in(web, Role.COMMISSIONER)
        refused = send(web, OTHER + "/status", action="remove", reason="Contract ended", **WHEN)
        assert refused.status_code == 400
        assert "Nothing was changed: Herefordshire Council has no sourcing policy yet" in (
            refused.text
        )
        assert 'href="#change"' in refused.text
    app.state.engine.dispose()
    assert status_of(settings, "Other Care") is ProviderStatus.ACTIVE
