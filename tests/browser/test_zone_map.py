"""The zone map page in the browser: reached from the reports, accessible, with its table."""

from __future__ import annotations

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser


def test_the_zone_map_shows_the_zones_over_the_wards_beside_their_figures(
    visitor: Visitor,
) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Reports", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Zone map"))  # axe checks the page

    assert visitor.heading() == "Zone map"
    image = visitor.page.get_by_role("img", name="Herefordshire Council: 5 zones over the wards")
    assert image.is_visible()
    table = visitor.page.get_by_role("table", name="Each zone's figures")
    assert table.get_by_role("row").count() == 1 + 5  # a heading row and zones A to E
