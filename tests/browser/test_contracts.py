"""Contracts in the browser: a commissioner finds a contract in the register, records a rate
uplift (after a mistake in the form) and decides the framework's first extension; a provider
sees its own contracts only. Every page on the way is checked with axe-core.

The Herefordshire demo's framework runs 3 + 1 + 1 years from 1 April 2017; each provider in
each lot has a contract from 1 July 2017 to 31 March 2020 (see demo/herefordshire.py).
"""

from __future__ import annotations

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def fill_date(visitor: Visitor, legend: str, day: int, month: int, year: int) -> None:
    group = visitor.page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def test_a_commissioner_records_an_uplift_and_decides_the_frameworks_extension(
    visitor: Visitor,
) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Market", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Contracts", exact=True))
    assert visitor.heading() == "Contracts"
    register = visitor.page.get_by_role("table").first
    assert "31 March 2020" in register.inner_text()

    visitor.click(register.get_by_role("link", name="HFD-HOMECARE-2017-O-A-1"))
    assert visitor.heading() == "Contract HFD-HOMECARE-2017-O-A-1"
    visitor.page.get_by_label("Uplift").fill("3.5")
    visitor.click(visitor.page.get_by_role("button", name="Record the uplift"), status=400)
    summary = visitor.page.locator(".govuk-error-summary")
    assert "Enter the day the uplift applies from" in summary.inner_text()

    fill_date(visitor, "Rates rise from", 1, 4, 2018)
    fill_date(visitor, "Agreed on", 1, 3, 2018)
    visitor.page.get_by_label("Why rates rise").fill("National Living Wage")
    visitor.click(visitor.page.get_by_role("button", name="Record the uplift"))
    banner = visitor.page.locator(".govuk-notification-banner")
    assert "Rates rise by 3.5% from 1 April 2018" in banner.inner_text()
    assert "Rates up 3.5% from 1 April 2018" in visitor.page.get_by_role("main").inner_text()

    visitor.goto("/market/contracts")
    visitor.click(visitor.page.get_by_role("link", name="HFD-HOMECARE-2017", exact=True))
    assert visitor.heading() == "Term of HFD-HOMECARE-2017"
    visitor.page.get_by_label("Take the extension").check()
    fill_date(visitor, "Decided on", 1, 12, 2019)
    visitor.page.get_by_label("Why").fill("a stable market")
    visitor.click(visitor.page.get_by_role("button", name="Record the decision"))
    banner = visitor.page.locator(".govuk-notification-banner")
    assert "HFD-HOMECARE-2017 ends on 31 March 2021" in banner.inner_text()


def test_a_provider_sees_its_own_contracts_only(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    visitor.sign_in(provider)
    visitor.goto("/market/contracts")
    register = visitor.page.get_by_role("table").first.inner_text()
    rows = [line for line in register.splitlines() if line.startswith("HFD-HOMECARE-2017-")]
    assert rows and all(provider.provider in row for row in rows)
    assert "Record the uplift" not in visitor.page.inner_text("body")
