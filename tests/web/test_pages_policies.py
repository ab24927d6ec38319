"""Sourcing policies: everyone reads each commissioner's policy, its lots' own and the
presets; commissioners and administrators set a commissioner's policy from a preset.

A database of its own (the market of conftest.py, no policy set at first).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.domain.market import Commissioner, CommissionerKind
from caremarket.services import audit, brokerage
from caremarket.services.ports import AuditFilter
from caremarket.web.app import create_app
from tests.web.brokerage_helpers import unit_of_work
from tests.web.conftest import SETUP, form_token, make_brokerage_market, sign_in


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    url = f"sqlite:///{tmp_path_factory.mktemp('policies') / 'cm.db'}"
    return make_brokerage_market(url, [], policy=None)[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def choose(web: TestClient, **fields: str):
    data = {"csrf_token": form_token(web)} | fields
    return web.post("/market/policies", data=data, follow_redirects=False)


def test_a_provider_reads_the_policies_and_the_presets_without_the_form(web) -> None:
    sign_in(web, Role.PROVIDER)
    page = web.get("/market/policies")
    assert page.status_code == 200
    assert "Herefordshire Council" in page.text
    for preset in ("liverpool", "st-helens", "leicestershire", "herefordshire", "halton"):
        assert preset in page.text
    assert "cab-rank to lead providers, 4 business hours" in page.text
    assert 'action="/market/policies"' not in page.text
    assert '<strong aria-current="page">Sourcing policies</strong>' in page.text


def test_a_commissioner_sets_the_policy_from_a_preset_and_it_is_audited(web, settings) -> None:
    sign_in(web, Role.COMMISSIONER)

    chosen = choose(web, commissioner="HFD", preset="halton")

    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/market/policies"
    page = web.get("/market/policies").text
    assert "Herefordshire Council now sources packages by the halton policy" in page
    assert "halton: The single provider" in page
    with unit_of_work(settings) as uow:
        trail, _ = audit.list_audit(uow, AuditFilter(object_type="commissioner", object_ref="HFD"))
    assert trail[0].action == "sourcing policy set"
    assert trail[0].actor == "commissioner@example.org"


def test_a_lots_own_policy_is_shown_beside_its_commissioners(web, settings) -> None:
    with unit_of_work(settings) as uow:
        brokerage.set_policy(
            uow, "HFD", "st-helens", lot=("HFD-DPS", "O-A"), by=SETUP, now=datetime.now(UTC)
        )
    sign_in(web, Role.BROKER)
    page = web.get("/market/policies").text
    lots = page.split("Lots with a policy of their own")[1].split("</table>")[0]
    assert "HFD-DPS / O-A" in lots and "st-helens" in lots


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"commissioner": "HFD"}, "preset", "Select the policy to source packages by"),
        ({"commissioner": "HFD", "preset": "made-up"}, "preset", "Select the policy"),
        ({"commissioner": "NOPE", "preset": "halton"}, "commissioner", "Select a commissioner"),
    ],
)
def test_a_policy_must_be_chosen_from_the_list(web, fields, field, message) -> None:
    sign_in(web, Role.ADMIN)
    refused = choose(web, **fields)
    assert refused.status_code == 400
    assert "govuk-error-summary" in refused.text
    assert f'href="#{field}"' in refused.text
    assert message in refused.text


def test_brokers_and_providers_may_not_set_a_policy(web) -> None:
    for role in (Role.BROKER, Role.PROVIDER, Role.AUDITOR):
        sign_in(web, role)
        assert choose(web, commissioner="HFD", preset="liverpool").status_code == 403


def test_setting_a_policy_needs_the_forms_token(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    forged = choose(web, commissioner="HFD", preset="wirral", csrf_token="forged")
    assert forged.status_code == 403
    assert "wirral: Offered across" not in web.get("/market/policies").text.split("models")[0]


def test_a_commissioner_sets_one_lots_own_policy(web, settings) -> None:
    sign_in(web, Role.COMMISSIONER)
    form = web.get("/market/policies").text
    assert 'name="lot"' in form and "HFD-DPS / O-A: O pathway zone A" in form

    chosen = choose(web, commissioner="HFD", lot="HFD-DPS/O-A", preset="wirral")

    assert chosen.status_code == 303
    page = web.get("/market/policies").text
    assert "Herefordshire Council now sources packages in lot HFD-DPS / O-A by the wirral" in page
    lots = page.split("Lots with a policy of their own")[1].split("</table>")[0]
    assert "HFD-DPS / O-A" in lots and "wirral" in lots
    with unit_of_work(settings) as uow:
        trail, _ = audit.list_audit(uow, AuditFilter(object_type="commissioner", object_ref="HFD"))
    assert trail[0].changes["for"] == "lot HFD-DPS/O-A"


def test_a_lot_must_be_one_the_commissioner_commissions_through(web, settings) -> None:
    with unit_of_work(settings) as uow, uow:
        uow.commissioners.add(Commissioner("ICB", "An integrated care board", CommissionerKind.ICB))
        uow.commit()
    sign_in(web, Role.ADMIN)

    elsewhere = choose(web, commissioner="ICB", lot="HFD-DPS/O-A", preset="wirral")
    made_up = choose(web, commissioner="HFD", lot="HFD-DPS/Z-9", preset="wirral")

    assert elsewhere.status_code == 400
    assert 'href="#lot">Lot HFD-DPS / O-A is not one An integrated care board commissions' in (
        elsewhere.text
    )
    assert made_up.status_code == 400
    assert 'href="#lot">Select the lots it is for' in made_up.text
