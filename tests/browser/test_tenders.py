"""A tender in the browser: a commissioner enters a bid, two evaluators' marks (one refused
first) and the moderated mark, reads the evaluation report and awards the lot. Every page on
the way, and the refused form, is checked with axe-core.

The demo holds no tender: the test adds a vehicle with one lot (1 to 2 providers), a term
starting next month, and a tender for it, scored on quality (marks out of 5, 70%) and price
(30%), to the demo database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.evaluation import Criterion, EvaluationModel, Kind
from caremarket.domain.market import Lot, Vehicle, VehicleKind
from caremarket.services import contracts, tenders
from tests.browser.conftest import Visitor
from tests.builders import a_provider

pytestmark = pytest.mark.browser

SETUP = Actor("browser-tests", Role.ADMIN)
MODEL = EvaluationModel(
    "Q70-P30",
    "Quality 70, price 30",
    (
        Criterion("quality", "Quality", Kind.MARKS, 70, scale=5),
        Criterion("price", "Price", Kind.PRICE_RELATIVE, 30),
    ),
)


def a_tender(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        with uow:
            commissioner = uow.commissioners.list()[0]
            uow.vehicles.add(
                Vehicle(
                    "BT-FW",
                    "Browser test framework",
                    VehicleKind.OPEN_FRAMEWORK,
                    [commissioner],
                    [Lot("T1", "Test lot", min_providers=1, max_providers=2)],
                )
            )
            uow.providers.add(a_provider(name="Larch Home Care", cqc_location_ids=("1-3030303",)))
            uow.commit()
        now = datetime.now(UTC)
        contracts.set_term(
            uow,
            "BT-FW",
            starts_on=(now + timedelta(days=40)).date(),
            initial_months=36,
            extension_months=(12, 12),
            by=SETUP,
            now=now,
        )
        tenders.create_tender(
            uow,
            "BT-FW",
            code="BT-1",
            name="Browser test tender",
            model=MODEL,
            by=SETUP,
            now=datetime.now(UTC),
        )
    finally:
        engine.dispose()


def test_a_commissioner_enters_and_moderates_marks_reads_the_report_and_awards(
    visitor: Visitor,
) -> None:
    a_tender(visitor.site.database_url)
    page = visitor.page
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Tenders", exact=True))
    visitor.click(page.get_by_role("link", name="BT-1", exact=True))
    visitor.click(page.get_by_role("link", name="T1", exact=True))
    assert visitor.heading() == "Lot T1, Test lot"

    page.get_by_label("Bidder").fill("Larch Home Care")
    page.get_by_label("Hourly rate").fill("24.50")
    visitor.click(page.get_by_role("button", name="Enter the bid"))
    assert (
        "Larch Home Care's bid is entered"
        in page.locator(".govuk-notification-banner").inner_text()
    )

    visitor.click(page.get_by_role("link", name="Larch Home Care", exact=True))
    for evaluator, mark, status in (("Asha", "9", 400), ("Asha", "4", 200), ("Ben", "3", 200)):
        page.locator("#mark-criterion").select_option("quality")
        page.locator("#evaluator").fill(evaluator)
        page.locator("#mark").fill(mark)
        visitor.click(page.get_by_role("button", name="Record the mark"), status=status)
        if status == 400:
            summary = page.locator(".govuk-error-summary")
            assert "Quality is marked 0 to 5; Asha gave 9" in summary.inner_text()
    page.locator("#moderated-criterion").select_option("quality")
    page.locator("#moderated-mark").fill("4")
    page.locator("#note").fill("Ben agreed with Asha's reading of the evidence")
    visitor.click(page.get_by_role("button", name="Agree the mark"))
    marks = page.get_by_role("table").first.inner_text()
    assert "Asha: 4; Ben: 3" in marks and "Ben agreed" in marks

    visitor.click(page.get_by_role("link", name="Lot T1, Test lot"))
    visitor.click(page.get_by_role("link", name="The evaluation report"))
    report = page.locator("main").inner_text()
    assert "moderated 4 of 5 (evaluators: Asha 4, Ben 3): 4 ÷ 5 × 70 = 56.00" in report
    assert "rank 1 of 1 with 86.00" in report

    visitor.click(page.get_by_role("link", name="Lot T1, Test lot"))
    visitor.click(page.get_by_role("link", name="Award this lot"))
    page.get_by_label("They join the lot as").select_option("preferred")
    visitor.click(page.get_by_role("button", name="Award lot T1"))
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Lot T1 is awarded to Larch Home Care" in banner
    assert "preferred" in banner
    assert "with a contract (BT-FW-T1-1)" in banner
