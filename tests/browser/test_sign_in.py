"""Signing in and out in a real browser, as each role."""

from __future__ import annotations

import re

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_demo_role_signs_in_and_sees_its_home_page(visitor: Visitor, role: Role) -> None:
    visitor.sign_in(visitor.site.account(role))

    assert visitor.path == "/"
    assert visitor.page.get_by_role("heading", level=1).is_visible()


def test_signing_in_with_nothing_entered_shows_the_error_summary(visitor: Visitor) -> None:
    visitor.goto("/sign-in")
    visitor.page.get_by_role("button", name="Sign in").click()
    visitor.check()

    summary = visitor.page.get_by_role("alert")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert re.match(r"Error: ", visitor.page.title())
    summary.get_by_role("link", name="Enter your e-mail address").click()
    assert visitor.page.evaluate("document.activeElement.id") == "email"
