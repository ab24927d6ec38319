"""Signing in and out in a real browser, as each of the demo's roles."""

from __future__ import annotations

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

HOME_HEADINGS = {
    Role.ADMIN: "Accounts",
    Role.COMMISSIONER: "The market",
    Role.BROKER: "Packages to source",
    Role.FINANCE: "Active packages by provider",
    Role.AUDITOR: "Latest changes",
}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_demo_role_signs_in_to_its_own_home_page(visitor: Visitor, role: Role) -> None:
    account = visitor.site.account(role)

    visitor.sign_in(account)

    assert visitor.path == "/"
    assert visitor.heading() == HOME_HEADINGS.get(role, account.provider)
    signed_in = visitor.page.get_by_text("Signed in as")
    assert role.label in signed_in.inner_text()


def test_signing_in_with_nothing_entered_shows_the_error_summary(visitor: Visitor) -> None:
    visitor.goto("/sign-in")

    visitor.click(visitor.page.get_by_role("button", name="Sign in", exact=True), status=400)

    assert visitor.page.title().startswith("Error: ")
    summary = visitor.page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert summary.get_by_role("link").all_inner_texts() == [
        "Enter your e-mail address",
        "Enter your password",
    ]
    summary.get_by_role("link", name="Enter your e-mail address").click()
    assert visitor.page.evaluate("document.activeElement.id") == "email"


def test_a_wrong_password_is_refused_with_the_error_summary(visitor: Visitor) -> None:
    visitor.goto("/sign-in")
    visitor.page.get_by_label("E-mail address").fill(visitor.site.account(Role.AUDITOR).email)
    visitor.page.get_by_label("Password", exact=True).fill("not-the-password")

    visitor.click(visitor.page.get_by_role("button", name="Sign in", exact=True), status=400)

    summary = visitor.page.locator(".govuk-error-summary")
    assert "not right" in summary.inner_text()
    assert visitor.page.get_by_label("E-mail address").input_value() == (
        visitor.site.account(Role.AUDITOR).email
    )


def test_a_page_asked_for_before_signing_in_is_shown_after_it(visitor: Visitor) -> None:
    visitor.goto("/market/zones")  # redirected to the sign-in page
    assert visitor.path.startswith("/sign-in?next=")

    visitor.page.get_by_label("E-mail address").fill(visitor.site.account(Role.BROKER).email)
    visitor.page.get_by_label("Password", exact=True).fill(
        visitor.site.account(Role.BROKER).password
    )
    visitor.click(visitor.page.get_by_role("button", name="Sign in", exact=True))

    assert visitor.path == "/market/zones"


def test_signing_out_ends_the_session(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))

    visitor.click(visitor.page.get_by_role("button", name="Sign out"))

    assert visitor.path == "/sign-in"
    visitor.goto("/")
    assert visitor.path == "/sign-in?next=/"
