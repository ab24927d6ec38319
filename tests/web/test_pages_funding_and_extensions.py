"""Finance's pages for what was API-only: a visit's over-run authorised from the queries page
(minutes beyond planned, a note; refused with the reason where the visit did not run over),
and a person's weekly assessed contribution set from the package's page.

A database of its own: the market of conftest.py (draft run HFD-2017-07-10: Wyeside's WHC-1
paid, WHC-2 held by a query) with one more visit in the run's week, WHC-9 to PKG-0001,
planned 30 minutes and lasting 3 hours 10, held by an implausible-duration query.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.visit_queries import VisitQuery
from caremarket.services import audit
from caremarket.services.ports import AuditFilter, KeptVisit
from tests.web.conftest import PAYMENT_RUN, make_market, post, serve, sign_in

RUN = f"/payments/runs/{PAYMENT_RUN}"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = make_market(f"sqlite:///{tmp_path_factory.mktemp('funding') / 'cm.db'}")[0]
    engine = make_engine(settings.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    now = datetime.now(UTC)
    with uow:
        package = uow.packages.get("PKG-0001")
        start = datetime(2017, 7, 12, 14, 0, tzinfo=LONDON)
        record = VisitRecord(
            visit_id="WHC-9",
            planned_start_at=start,
            planned_minutes=30,
            status=VisitStatus.COMPLETED,
            package_reference="PKG-0001",
            actual_start_at=start,
            actual_end_at=start + timedelta(hours=3, minutes=10),
        )
        [kept] = uow.visits.add([KeptVisit(package.provider.id, record, 1, now, package.id)])
        query = VisitQuery(kept, "implausible duration", "3 h 10 of 30 minutes planned", True, now)
        uow.visits.add_queries([query])
        uow.commit()
    engine.dispose()
    return settings


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    yield from serve(settings)


def trail(settings: Settings, object_ref: str) -> list[audit.AuditRecord]:
    engine = make_engine(settings.database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        return audit.list_audit(uow, AuditFilter(object_ref=object_ref))[0]
    finally:
        engine.dispose()


def query_of(page: str, visit_id: str) -> str:
    """The id of the query on `visit_id` among the page's authorisation forms."""
    after = page.split(f"Visit {visit_id} of")[1]
    return re.findall(r'action="/payments/queries/(\d+)/extension"', after)[0]


def line_of(page: str, visit_id: str) -> str:
    return page.split(f'<th scope="row" class="govuk-table__header">{visit_id}</th>')[1].split(
        "</tr>"
    )[0]


def test_finance_authorises_an_over_run_and_the_run_made_again_pays_it(web, settings) -> None:
    sign_in(web, Role.FINANCE)
    page = web.get("/payments/queries").text
    assert "Authorise an over-run of visit WHC-9" in page
    query = query_of(page, "WHC-9")
    done = post(web, f"/payments/queries/{query}/extension", **{f"minutes-{query}": "15"})
    assert done.status_code == 303
    assert "Up to 15 minutes beyond planned authorised" in web.get("/payments/queries").text
    [authorised] = [e for e in trail(settings, "WHC-9") if e.action == "visit extension authorised"]
    assert authorised.actor == "finance@example.org"
    assert authorised.changes == {"minutes": 15, "planned": 30}
    resolved = post(web, f"/payments/queries/{query}", **{f"resolution-{query}": "pay"})
    assert resolved.status_code == 303
    assert post(web, f"{RUN}/refresh").status_code == 303
    text = web.get(RUN).text
    line = line_of(text, "WHC-9")
    assert (
        "authorised extension" in line and ">45<" in line
    )  # 30 planned and the 15 authorised, of 190 minutes
    assert "£11.85" in line  # 45 minutes at £15.80 an hour


def test_an_over_run_refused_or_badly_entered_is_shown_in_the_error_summary(web) -> None:
    sign_in(web, Role.FINANCE)
    page = web.get("/payments/queries").text
    query = query_of(page, "WHC-2")  # lasted its 30 minutes planned
    for minutes, message in (
        ("", "Enter the minutes beyond planned"),
        ("ten", "The minutes beyond planned must be a whole number from 0 to 1440"),
        ("1441", "The minutes beyond planned must be a whole number from 0 to 1440"),
        ("10", "Visit WHC-2 lasted 30:00 of 30 planned: it did not run over"),
    ):
        refused = post(web, f"/payments/queries/{query}/extension", **{f"minutes-{query}": minutes})
        assert refused.status_code == 400, minutes
        summary = refused.text.split('class="govuk-error-summary"')[1].split("</ul>")[0]
        assert f'href="#minutes-{query}"' in summary
        assert message.split(":")[0] in summary, refused.text
    too_long = {f"minutes-{query}": "5", f"extension-note-{query}": "x" * 5000}
    assert post(web, f"/payments/queries/{query}/extension", **too_long).status_code == 400


def test_only_finance_may_authorise_from_the_page_and_a_provider_may_not(web) -> None:
    sign_in(web, Role.PROVIDER)
    assert post(web, "/payments/queries/1/extension", **{"minutes-1": "5"}).status_code == 403
    sign_in(web, Role.AUDITOR)
    assert "Authorise an over-run" not in web.get("/payments/queries").text
    assert post(web, "/payments/queries/1/extension", **{"minutes-1": "5"}).status_code == 403


def test_finance_sets_and_takes_away_a_persons_weekly_contribution(web, settings) -> None:
    sign_in(web, Role.FINANCE)
    page = web.get("/packages/PKG-0001")
    assert "Weekly assessed contribution" in page.text
    for value, message in (
        ("", "Enter the weekly contribution"),
        ("twenty", "The weekly contribution must be an amount in pounds, like 18.50"),
        ("20.001", "The weekly contribution must be in pounds and pence, like 18.50"),
        ("-5", "The weekly contribution must be £0 or more"),
    ):
        refused = post(web, "/packages/PKG-0001/contribution", weekly_contribution=value)
        assert refused.status_code == 400, value
        summary = refused.text.split('class="govuk-error-summary"')[1].split("</ul>")[0]
        assert 'href="#weekly_contribution"' in summary and message in summary, value
    done = post(web, "/packages/PKG-0001/contribution", weekly_contribution="£20.50")
    assert done.status_code == 303 and done.headers["location"].endswith("#funding")
    shown = web.get("/packages/PKG-0001").text
    assert "is now £20.50 a week" in shown
    assert "£20.50" in shown.split('id="funding"')[1]
    removed = post(web, "/packages/PKG-0001/contribution", weekly_contribution="0")
    assert removed.status_code == 303
    assert "None" in web.get("/packages/PKG-0001").text.split('id="funding"')[1]
    changes = [
        e.changes for e in trail(settings, "PKG-0001") if e.action == "assessed contribution set"
    ]
    assert changes == [
        {"weekly": "0.00", "before": "20.50"},
        {"weekly": "20.50", "before": "0"},
    ]


def test_a_provider_or_broker_may_not_set_a_contribution_nor_see_the_form(web) -> None:
    for role in (Role.PROVIDER, Role.BROKER):
        sign_in(web, role)
        assert "Weekly assessed contribution" not in web.get("/packages/PKG-0001").text
        answer = post(web, "/packages/PKG-0001/contribution", weekly_contribution="5.00")
        assert answer.status_code == 403
    sign_in(web, Role.FINANCE)
    assert post(web, "/packages/PKG-9999/contribution", weekly_contribution="5").status_code == 404
