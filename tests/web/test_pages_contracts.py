"""Contract pages: the register with its filters and CSV, a contract's page with its forms, a
vehicle's term; everyone reads (a provider its own contracts), commissioners and
administrators write.

A database of its own: the market of conftest.py (vehicle HFD-DPS, lot O-A; contracts
HFD-DPS-O-A-1, Wyeside Home Care's, and -2, Other Care's, 3 + 1 + 1 years from 1 April 2017).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from tests.web.conftest import a_date, make_market, post, serve, sign_in

MINE, THEIRS = "HFD-DPS-O-A-1", "HFD-DPS-O-A-2"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_market(f"sqlite:///{tmp_path_factory.mktemp('contracts') / 'cm.db'}")[0]


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    yield from serve(settings)


def test_the_register_shows_every_contract_with_its_dates_and_links(web) -> None:
    sign_in(web, Role.BROKER)
    page = web.get("/market/contracts")
    assert page.status_code == 200
    assert f'href="/market/contracts/{MINE}"' in page.text
    assert "Other Care" in page.text
    assert "31 March 2020" in page.text  # the end of the initial three years
    assert "31 March 2022" in page.text  # the latest end
    assert '<strong aria-current="page">Contracts</strong>' in page.text
    assert 'action="/market/vehicles' not in page.text


def test_the_register_filters_by_expiry_and_refuses_a_date_that_is_not_one(web) -> None:
    sign_in(web, Role.AUDITOR)
    page = web.get("/market/contracts", params=a_date("expiring", 1, 1, 2018))
    assert page.status_code == 200 and "No contracts match" in page.text
    wrong = web.get("/market/contracts", params=a_date("expiring", 31, 2, 2018))
    assert wrong.status_code == 400
    assert "must be a real date" in wrong.text


def test_the_register_downloads_as_csv(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    answer = web.get("/market/contracts.csv", params={"commissioner": "HFD"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text.splitlines()
    assert lines[0].startswith("Reference,Provider,Vehicle,Lot,Commissioner,Starts,Ends")
    assert any(
        line.startswith(f"{MINE},Wyeside Home Care,HFD-DPS,O-A,HFD,2017-04-01,2020-03-31")
        for line in lines
    )


def test_a_provider_sees_only_its_own_contracts(web) -> None:
    sign_in(web, Role.PROVIDER)
    page = web.get("/market/contracts")
    assert MINE in page.text and THEIRS not in page.text
    assert web.get(f"/market/contracts/{THEIRS}").status_code == 404
    own = web.get(f"/market/contracts/{MINE}")
    assert own.status_code == 200 and "Record the uplift" not in own.text
    assert THEIRS not in web.get("/market/contracts.csv").text


def test_a_commissioner_records_an_uplift_and_a_refused_one_is_explained(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    url = f"/market/contracts/{THEIRS}/uplift"
    done = post(
        web,
        url,
        percent="3.5",
        **a_date("effective", 1, 4, 2018),
        **a_date("uplift-agreed", 1, 3, 2018),
        **{"uplift-reason": "National Living Wage"},
    )
    assert done.status_code == 303, done.text
    page = web.get(done.headers["location"])
    assert "Rates rise by 3.5% from 1 April 2018" in page.text
    assert "Rates up 3.5% from 1 April 2018" in page.text
    outside = post(
        web,
        url,
        percent="2",
        **a_date("effective", 1, 4, 2021),
        **a_date("uplift-agreed", 1, 3, 2019),
        **{"uplift-reason": "beyond"},
    )
    assert outside.status_code == 400
    assert "falls outside the contract" in outside.text
    blank = post(web, url, percent="lots")
    assert blank.status_code == 400 and "must be a percentage" in blank.text


def test_a_commissioner_decides_an_extension_then_ends_the_contract(web) -> None:
    sign_in(web, Role.ADMIN)
    decided = post(
        web,
        f"/market/contracts/{THEIRS}/extension",
        decision="taken",
        option="1",
        **a_date("decided", 1, 12, 2019),
        **{"decision-reason": "stable market"},
    )
    assert decided.status_code == 303, decided.text
    assert "the contract ends on 31 March 2021" in web.get(decided.headers["location"]).text
    ended = post(
        web,
        f"/market/contracts/{THEIRS}/end",
        **a_date("end", 30, 6, 2020),
        **{"end-reason": "provider exited"},
    )
    assert ended.status_code == 303
    again = post(
        web,
        f"/market/contracts/{THEIRS}/end",
        **a_date("end", 1, 7, 2020),
        **{"end-reason": "again"},
    )
    assert again.status_code == 409 and "ended on 30 June 2020" in again.text


def test_only_commissioners_and_admins_post_the_forms(web) -> None:
    sign_in(web, Role.BROKER)
    answer = post(
        web, f"/market/contracts/{MINE}/end", **a_date("end", 1, 7, 2018), **{"end-reason": "x"}
    )
    assert answer.status_code == 403


def test_a_commissioner_sets_a_vehicles_term_and_declines_its_extension(web) -> None:
    sign_in(web, Role.COMMISSIONER)
    assert "No term is set for HFD-DPS" in web.get("/market/vehicles/HFD-DPS/term").text
    bad = post(
        web,
        "/market/vehicles/HFD-DPS/term",
        **a_date("starts", 1, 4, 2017),
        initial="36",
        extensions="twelve",
    )
    assert bad.status_code == 400 and "separated by commas" in bad.text
    done = post(
        web,
        "/market/vehicles/HFD-DPS/term",
        **a_date("starts", 1, 4, 2017),
        initial="36",
        extensions="12, 12",
    )
    assert done.status_code == 303, done.text
    page = web.get(done.headers["location"])
    assert "HFD-DPS runs 3 + 1 + 1 years from 1 April 2017" in page.text
    assert "Option 1: decide by 31 March 2020" in page.text
    declined = post(
        web,
        "/market/vehicles/HFD-DPS/term/extension",
        decision="declined",
        option="1",
        **a_date("decided", 1, 10, 2019),
        **{"decision-reason": "re-tendering"},
    )
    assert declined.status_code == 303
    page = web.get(declined.headers["location"])
    assert "None left to decide" in page.text and "re-tendering" in page.text
    vehicle = web.get("/market/vehicles/HFD-DPS").text
    assert "3 + 1 + 1 years from 1 April 2017; as things stand it ends on 31 March 2020" in vehicle
    assert 'href="/market/contracts?vehicle=HFD-DPS"' in vehicle
    lapsed = post(
        web,
        "/market/vehicles/HFD-DPS/term/extension",
        decision="taken",
        option="2",
        **a_date("decided", 1, 11, 2019),
        **{"decision-reason": "x"},
    )
    assert lapsed.status_code == 400 and "has lapsed" in lapsed.text
