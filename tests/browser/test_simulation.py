"""Simulation through the pages: a commissioner saves a scenario, runs it, watches its
progress until the server has run it, and reads the comparison and its CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor
from tests.simulation_scenarios import TINY

pytestmark = pytest.mark.browser

RUN_SECONDS = 60


def test_a_scenario_is_saved_run_and_its_comparison_read(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Simulation", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Save a scenario"))
    visitor.page.get_by_label("Scenario name").fill("Browser test")
    visitor.page.get_by_label("Or paste the scenario").fill(TINY)

    visitor.click(visitor.page.get_by_role("button", name="Save the scenario"))

    assert visitor.heading() == "Browser test"
    assert visitor.page.get_by_label("Replications").input_value() == "2"
    visitor.page.get_by_label("Random seed").fill("21")
    visitor.click(visitor.page.get_by_role("button", name="Run the scenario"))
    assert visitor.heading().endswith(": run " + visitor.path.rsplit("/", 1)[1])

    visitor.page.get_by_role("link", name="CSV").wait_for(timeout=RUN_SECONDS * 1000)
    visitor.check()  # the report, once the page has refreshed itself to it

    outputs = visitor.page.get_by_role("table", name="Each option's outputs", exact=False)
    assert outputs.get_by_role("columnheader", name="Mini-competition").is_visible()
    assert "requests for care" in outputs.inner_text()
    assert visitor.page.locator("svg[role=img]").count() == 7
    with visitor.page.expect_download() as download:
        visitor.page.get_by_role("link", name="CSV").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("option,output,mean,low,high") and len(rows) == 1 + 2 * 12
