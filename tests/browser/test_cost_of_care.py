"""The cost of care through the pages: a commissioner saves a scenario (a mistake first, shown
in the error summary) and reads the gap report; every page passes axe."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_a_commissioner_corrects_a_mistake_and_saves_a_scenario(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Reports", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Cost of care", exact=True))
    assert visitor.heading() == "Cost of care"
    assert visitor.page.get_by_role("table").first.is_visible()
    visitor.click(visitor.page.get_by_role("link", name="Change these inputs"))
    page = visitor.page
    page.get_by_label("Scenario name").fill("Rural travel, browser")
    for label, value in zip(("Day", "Month", "Year"), ("1", "4", "2017"), strict=True):
        page.get_by_role("group", name="In force from").get_by_label(label, exact=True).fill(value)
    page.get_by_label("Care worker pay an hour (£)").fill("twelve")
    zone_e = page.get_by_role("group", name="Zone E: Zone E")
    zone_e.get_by_label("Travel minutes a visit").fill("25")

    visitor.click(page.get_by_role("button", name="Save the scenario"), status=400)
    summary = page.locator(".govuk-error-summary")
    assert "Care worker pay an hour must be a number" in summary.inner_text()

    page.get_by_label("Care worker pay an hour (£)").fill("12.71")
    visitor.click(page.get_by_role("button", name="Save the scenario"))
    assert "The scenario Rural travel, browser is saved" in page.inner_text("body")
    prices = page.get_by_role("table").first
    assert "Zone E" in prices.inner_text()


def test_the_gap_report_shows_and_downloads(visitor: Visitor, tmp_path: Path) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.goto("/reports/cost-of-care?commissioner=HFD&day=1&month=4&year=2017")
    table = visitor.page.get_by_role("table")
    assert "Commissioned rate" in table.inner_text()
    assert "Pembridge Cross Care" in table.inner_text()
    with visitor.page.expect_download() as download:
        visitor.page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("By,Zone or provider,Weekly hours,Model rate")
