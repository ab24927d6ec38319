"""Payments in the browser: a finance officer makes a week's payment run from visits
delivered, reads it and approves it; the provider reads its remittance advice. Every page on
the way is checked with axe-core.

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
