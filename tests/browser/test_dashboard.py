"""The commissioner's dashboard in a browser: reached from the navigation, accessible (axe),
its charts images with their figures in tables, a figure drilled down to its packages."""

from __future__ import annotations

import re

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

PERIOD = {"From": ("1", "1", "2017"), "To": ("1", "4", "2017")}  # the preset's report day


def choose_period(visitor: Visitor) -> None:
    page = visitor.page
    if not page.get_by_role("button", name="Show the dashboard").is_visible():
        page.get_by_text("Choose the commissioner and period").click()
    for legend, values in PERIOD.items():
        group = page.get_by_role("group", name=legend)
        for label, value in zip(("Day", "Month", "Year"), values, strict=True):
            group.get_by_label(label, exact=True).fill(value)
    visitor.click(page.get_by_role("button", name="Show the dashboard"))


def test_a_commissioner_reads_the_dashboard_and_drills_down_to_the_packages(
    visitor: Visitor,
) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Dashboard", exact=True))
    assert visitor.heading() == "Dashboard"
    choose_period(visitor)
    visitor.check()

    charts = visitor.page.get_by_role("img")
    assert charts.count() >= 4
    largest = visitor.page.get_by_role("img", name=re.compile("providers' share.*1 April 2017"))
    assert largest.is_visible()
    assert visitor.page.get_by_role("table").count() >= 1

    provider = visitor.page.locator("#providers-heading ~ .govuk-grid-row table a").first
    name = provider.inner_text()
    visitor.click(provider)
    assert visitor.path.startswith("/packages")
    rows = visitor.page.locator("table tbody tr")
    assert rows.count() >= 1
    assert name in rows.first.inner_text()
    visitor.check()


def test_a_report_over_a_period_is_accessible(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.AUDITOR))
    visitor.goto("/reports/time-to-source")
    assert visitor.heading() == "Time to source"
    visitor.check()
    visitor.goto("/reports/concentration?day=1&month=4&year=2017")
    assert visitor.page.get_by_role("table").is_visible()
    visitor.check()


def test_a_broker_has_no_dashboard(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.BROKER))
    assert visitor.navigation().get_by_text("Dashboard", exact=True).count() == 0
    visitor.goto("/dashboard", status=403)


def test_the_spend_delivery_drill_down_and_forecast_pages_are_accessible(
    visitor: Visitor,
) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.goto("/reports/spend-by-funder?day=1&month=4&year=2017")
    assert visitor.heading() == "Spend by funder"
    visitor.page.get_by_label("Include draft runs").check()
    visitor.click(visitor.page.get_by_role("button", name="Show the report"))
    assert "Approved and draft runs" in visitor.page.inner_text("main")
    visitor.check()
    visitor.goto("/reports/delivered-hours?day=1&month=4&year=2017")
    assert visitor.page.get_by_role("table").is_visible()
    visitor.check()

    visitor.goto("/reports/hand-backs?day=1&month=4&year=2017")
    visitor.page.get_by_label("Reason").select_option("staffing")
    visitor.click(visitor.page.get_by_role("button", name="Show the report"))
    assert visitor.page.get_by_role("heading", name="The packages behind the figure").is_visible()
    visitor.check()

    visitor.goto("/reports/forecast?day=1&month=4&year=2017")
    visitor.page.get_by_label("The past year's trend").check()
    visitor.page.get_by_label("Growth a year (optional)").fill("a lot")
    visitor.click(visitor.page.get_by_role("button", name="Show the report"), status=400)
    summary = visitor.page.locator(".govuk-error-summary")
    assert "Enter the growth as a percentage a year" in summary.inner_text()
    assert visitor.page.get_by_label("Growth a year (optional)").input_value() == "a lot"
    visitor.check()
    visitor.page.get_by_label("Growth a year (optional)").fill("2")
    visitor.page.get_by_label("Year ahead").fill("2019")
    visitor.click(visitor.page.get_by_role("button", name="Show the report"))
    assert "Forecast weekly hours for 2019" in visitor.page.inner_text("main")
    visitor.check()
