"""Procurement in the browser: a commissioner opens the framework to applications, a provider
applies (its first try refused with every problem named), the commissioner approves some of
the lots and declines the other with a reason the provider then reads; a commissioner checks
a suspension's effect on a provider's packages, confirms it, and lifts it again. Every page on
the way is checked with axe-core.

The Herefordshire demo: the provider account's Pembridge Cross Care is in lots O-A and O-B of
HFD-HOMECARE-2017 and applies for O-C and O-D; Monnow Reach Care, in lot O-E only, is
suspended and reinstated (no other test sources packages in zone E).
"""

from __future__ import annotations

from datetime import date

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor
from tests.browser.test_brokerage import sign_out

pytestmark = pytest.mark.browser

VEHICLE = "HFD-HOMECARE-2017"


def banner(visitor: Visitor) -> str:
    return visitor.page.locator(".govuk-notification-banner").inner_text()


def test_a_provider_applies_and_a_commissioner_approves_some_lots(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    page = visitor.page
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.goto("/market/vehicles")
    visitor.click(page.get_by_role("link", name=f"({VEHICLE})"))
    visitor.click(page.get_by_role("link", name="Change the admission rules"))
    page.get_by_label("Always open (a dynamic market)").check()
    page.get_by_label("Documents required (optional)").fill("insurance certificate")
    visitor.click(page.get_by_role("button", name="Set the admission rules"))
    assert f"The admission rules of {VEHICLE} are set" in banner(visitor)
    sign_out(visitor)

    visitor.sign_in(provider)
    visitor.click(visitor.navigation().get_by_text("Applications", exact=True))
    visitor.click(page.get_by_role("link", name="Apply to join a vehicle"))
    visitor.click(page.get_by_role("link", name=f"({VEHICLE})"))
    page.get_by_label("Lot O-C").check()
    page.get_by_label("Lot O-D").check()
    page.get_by_label("CQC location IDs").fill("CQC-42")
    page.get_by_label("Inadequate").check()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill(str(date.today().year + 2))
    page.get_by_label("Zone C", exact=True).fill("120")
    visitor.click(page.get_by_role("button", name="Send the application"), status=400)

    summary = page.locator(".govuk-error-summary").inner_text()
    assert "'CQC-42' is not a CQC location ID" in summary
    assert f"The CQC rates {provider.provider} Inadequate" in summary
    assert "Missing documents: insurance certificate" in summary
    assert page.get_by_label("Zone C", exact=True).input_value() == "120"  # kept
    page.get_by_label("CQC location IDs").fill("1-101634823")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("insurance certificate").check()
    visitor.click(page.get_by_role("button", name="Send the application"))
    assert f"Your application to {VEHICLE} is made" in banner(visitor)
    application = visitor.path
    sign_out(visitor)

    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Applications", exact=True))
    waiting = page.get_by_role("table").filter(has_text="Waiting for a decision")
    visitor.click(waiting.get_by_role("link", name=provider.provider))
    assert visitor.path == application
    page.get_by_label("Lot O-D", exact=True).uncheck()
    page.get_by_label("Why lot O-D is declined").fill("Zone D has the providers it needs")
    visitor.click(page.get_by_role("button", name="Approve"))
    assert f"{provider.provider} is admitted to lot O-C" in banner(visitor)
    sign_out(visitor)

    visitor.sign_in(provider)
    visitor.goto(application)
    decision = page.get_by_role("main").inner_text()
    assert "Zone D has the providers it needs" in decision
    assert "Approved" in decision


def test_a_commissioner_sees_a_suspensions_effect_then_confirms_it(visitor: Visitor) -> None:
    page = visitor.page
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.goto("/market/providers")
    visitor.click(page.get_by_role("link", name="Monnow Reach Care"))
    page.get_by_label("Suspend it").check()
    page.get_by_label("Why?").fill("CQC warning notice")
    visitor.click(page.get_by_role("button", name="Show the effect"))

    assert visitor.heading() == "Check the effect before you confirm"
    effect = page.get_by_role("main").inner_text()
    assert "Suspending Monnow Reach Care keeps" in effect
    assert "Nothing has changed yet" in effect
    visitor.click(page.get_by_role("button", name="Confirm: suspend Monnow Reach Care"))
    assert "Monnow Reach Care is suspended" in banner(visitor)

    page.get_by_label("Reinstate it").check()
    page.get_by_label("Why?").fill("Re-inspected: Good")
    visitor.click(page.get_by_role("button", name="Show the effect"))
    visitor.click(page.get_by_role("button", name="Confirm: reinstate Monnow Reach Care"))
    assert "Monnow Reach Care is reinstated" in banner(visitor)


def test_a_commissioner_opens_a_lots_zones_and_saves_them(visitor: Visitor) -> None:
    """The form with nothing ticked is refused in the error summary, then saved as it was (lot
    O-E keeps zone E: other tests source packages by the demo's lots)."""
    page = visitor.page
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.goto(f"/market/vehicles/{VEHICLE}")
    visitor.click(page.get_by_role("link", name="Change the zones of lot O-E"))
    assert visitor.heading().startswith("Zones of lot O-E")
    zone_e = page.get_by_label("(E), Herefordshire Council")
    assert zone_e.is_checked()

    zone_e.uncheck()
    visitor.click(page.get_by_role("button", name="Save the zones"), status=400)

    assert "Select at least one zone" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("(E), Herefordshire Council").check()
    visitor.click(page.get_by_role("button", name="Save the zones"))
    assert "Lot O-E covers zone E" in banner(visitor)
