"""Payments in the browser: a finance officer makes a week's payment run from visits
delivered, reads it and approves it; the provider reads its remittance advice and sends its own
invoice, which finance then find among the invoices received; finance authorise a visit's
over-run from the queries page and set a person's weekly contribution from the package's page.
Every page on the way, the refused forms' too, is checked with axe-core.

The Herefordshire demo holds no visit records: the fixture keeps a week of them for one of
the provider account's packages, through the visit-record repository, before the run.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.packages import PackageStatus
from caremarket.domain.schedules import DateRange, schedule_of
from caremarket.domain.visit_queries import VisitQuery
from caremarket.services.ports import KeptVisit
from tests.browser.conftest import DemoSite, Visitor
from tests.builders import A_MOMENT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def delivered_week(site: DemoSite) -> DateRange:
    """Five visits of a week delivered as planned, for the provider account's provider."""
    provider = site.account(Role.PROVIDER).provider
    engine = make_engine(site.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        package = next(
            p
            for p in uow.packages.list(status=PackageStatus.ACTIVE)
            if p.provider is not None and p.provider.name == provider and p.end_on is None
        )
        first = max(package.start_on, date(2017, 7, 3)) + timedelta(days=7)
        monday = first - timedelta(days=first.weekday())
        week = DateRange(monday, monday + timedelta(days=6))
        planned = schedule_of(package).visits(week)[:5]
        kept = [
            KeptVisit(
                package.provider.id,
                VisitRecord(
                    visit_id=f"DEMO-{n}",
                    planned_start_at=visit.starts_at,
                    planned_minutes=visit.minutes,
                    status=VisitStatus.COMPLETED,
                    package_reference=package.reference,
                    actual_start_at=visit.starts_at,
                    actual_end_at=visit.ends_at,
                    carers_planned=visit.carers,
                    carers_present=visit.carers,
                ),
                1,
                A_MOMENT,
                package.id,
            )
            for n, visit in enumerate(planned)
        ]
        uow.visits.add(kept)
        uow.commit()
    engine.dispose()
    return week


def fill_date(visitor: Visitor, legend: str, day: date) -> None:
    group = visitor.page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_finance_makes_and_approves_a_run_and_the_provider_reads_its_remittance(
    visitor: Visitor, delivered_week: DateRange
) -> None:
    reference = f"HFD-{delivered_week.first.isoformat()}"
    provider = visitor.site.account(Role.PROVIDER).provider
    visitor.sign_in(visitor.site.account(Role.FINANCE))
    visitor.click(visitor.navigation().get_by_text("Payments", exact=True))
    assert visitor.heading() == "Payment runs"
    visitor.page.get_by_label("Commissioner").select_option("HFD")
    fill_date(visitor, "First day", delivered_week.first)
    fill_date(visitor, "Last day", delivered_week.last)
    visitor.click(visitor.page.get_by_role("button", name="Make the draft run"))
    assert visitor.heading() == f"Payment run {reference}"
    main = visitor.page.get_by_role("main").inner_text()
    assert provider in main and "Totals by funder" in main
    assert "DEMO-0" in main
    visitor.click(visitor.page.get_by_role("button", name="Approve the run"))
    banner = visitor.page.locator(".govuk-notification-banner")
    assert f"Payment run {reference} approved" in banner.inner_text()
    assert not visitor.page.get_by_role("button", name="Approve the run").count()

    visitor.sign_in(visitor.site.account(Role.PROVIDER))
    visitor.click(visitor.navigation().get_by_text("Payments", exact=True))
    visitor.click(visitor.page.get_by_role("link", name=reference))
    visitor.click(visitor.page.get_by_role("link", name=f"Remittance advice for {provider}"))
    assert visitor.heading() == f"Remittance advice: {provider}"
    assert "Total paid" in visitor.page.get_by_role("main").inner_text()

    # The provider sends its own invoice for the run: one visit at another amount, the rest
    # not claimed; finance then see it among the invoices received, differing from the run.
    first = delivered(visitor.site, provider, "DEMO-0")
    invoice = (
        "visit_id,package_reference,date,minutes,amount\n"
        f"DEMO-0,{first.package_reference},{first.day.isoformat()},{first.planned_minutes},1.00\n"
    )
    visitor.goto(f"/payments/runs/{reference}")
    visitor.click(visitor.page.get_by_role("link", name="Send your invoice for this run"))
    assert visitor.heading() == "Send your invoice"
    visitor.page.get_by_label("Invoice reference").fill("PX-1")
    visitor.page.get_by_label("Invoice (CSV)").set_input_files(
        files=[{"name": "px-1.csv", "mimeType": "text/csv", "buffer": invoice.encode()}]
    )
    visitor.click(visitor.page.get_by_role("button", name="Send the invoice"))
    differs = visitor.page.get_by_role("table").filter(has_text="What differs").inner_text()
    assert "Different amount" in differs and "Missing" in differs

    visitor.sign_in(visitor.site.account(Role.FINANCE))
    visitor.goto("/payments")
    visitor.click(visitor.page.get_by_role("link", name="Invoices", exact=True))
    received = visitor.page.get_by_role("table").filter(has_text="PX-1").inner_text()
    assert provider in received and "Differs" in received
    visitor.click(visitor.page.get_by_role("link", name="PX-1"))
    assert visitor.heading() == "Invoice PX-1"


def delivered(site: DemoSite, provider: str, visit_id: str) -> VisitRecord:
    engine = make_engine(site.database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        with uow:
            return uow.visits.get(uow.providers.get(provider).id, visit_id).record
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def over_run(site: DemoSite, delivered_week: DateRange) -> tuple[str, str]:
    """A visit the week after the delivered week that lasted 3 hours beyond planned, held by
    an implausible-duration query: its package's reference and its visit ID."""
    provider = site.account(Role.PROVIDER).provider
    engine = make_engine(site.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        package = next(
            p
            for p in uow.packages.list(status=PackageStatus.ACTIVE)
            if p.provider is not None and p.provider.name == provider and p.end_on is None
        )
        week = DateRange(
            delivered_week.first + timedelta(days=7), delivered_week.last + timedelta(days=7)
        )
        visit = schedule_of(package).visits(week)[0]
        record = VisitRecord(
            visit_id="DEMO-OVER",
            planned_start_at=visit.starts_at,
            planned_minutes=visit.minutes,
            status=VisitStatus.COMPLETED,
            package_reference=package.reference,
            actual_start_at=visit.starts_at,
            actual_end_at=visit.ends_at + timedelta(hours=3),
            carers_planned=visit.carers,
            carers_present=visit.carers,
        )
        [kept] = uow.visits.add([KeptVisit(package.provider.id, record, 1, A_MOMENT, package.id)])
        held = VisitQuery(kept, "implausible duration", "3 hours beyond planned", True, A_MOMENT)
        uow.visits.add_queries([held])
        uow.commit()
    engine.dispose()
    return package.reference, "DEMO-OVER"


def test_finance_authorise_an_over_run_and_set_a_persons_weekly_contribution(
    visitor: Visitor, over_run: tuple[str, str]
) -> None:
    reference, visit_id = over_run
    visitor.sign_in(visitor.site.account(Role.FINANCE))
    visitor.goto("/payments/queries")
    assert visitor.heading() == "Visit queries to resolve"
    form = visitor.page.locator("form").filter(
        has_text=f"Authorise an over-run of visit {visit_id}"
    )
    form.get_by_label("Minutes beyond planned that may be paid").fill("ten")
    visitor.click(form.get_by_role("button"), status=400)
    summary = visitor.page.locator(".govuk-error-summary").inner_text()
    assert "The minutes beyond planned must be a whole number from 0 to 1440" in summary
    form = visitor.page.locator("form").filter(
        has_text=f"Authorise an over-run of visit {visit_id}"
    )
    form.get_by_label("Minutes beyond planned that may be paid").fill("20")
    form.get_by_label("Note (optional)").fill("Carer stayed until the district nurse came")
    visitor.click(form.get_by_role("button"))
    banner = visitor.page.locator(".govuk-notification-banner").inner_text()
    assert "Up to 20 minutes beyond planned authorised" in banner

    visitor.goto(f"/packages/{reference}")
    contribution = visitor.page.get_by_label("Set the weekly assessed contribution")
    contribution.fill("12.505")
    visitor.click(visitor.page.get_by_role("button", name="Set the contribution"), status=400)
    summary = visitor.page.locator(".govuk-error-summary").inner_text()
    assert "The weekly contribution must be in pounds and pence" in summary
    visitor.page.get_by_label("Set the weekly assessed contribution").fill("12.50")
    visitor.click(visitor.page.get_by_role("button", name="Set the contribution"))
    banner = visitor.page.locator(".govuk-notification-banner").inner_text()
    assert f"The person's contribution to {reference} is now £12.50 a week" in banner
    # taken away again, so the demo's other runs are as they were
    visitor.page.get_by_label("Set the weekly assessed contribution").fill("0")
    visitor.click(visitor.page.get_by_role("button", name="Set the contribution"))
    assert "taken away" in visitor.page.locator(".govuk-notification-banner").inner_text()
