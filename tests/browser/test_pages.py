"""Walking the pages each role may use, through the service navigation."""

from __future__ import annotations

import pytest

from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.packages import PackageStatus
from caremarket.services import market
from caremarket.services.ports import PackageFilter
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

AREAS = {
    Role.ADMIN: [
        "Home", "Dashboard", "Market", "Care packages", "Brokerage", "Tenders", "Applications",
        "ECM files", "Payments", "Reports", "Simulation", "Audit trail",
    ],
    Role.COMMISSIONER: [
        "Home", "Dashboard", "Market", "Care packages", "Brokerage", "Tenders", "Applications",
        "ECM files", "Payments", "Reports", "Simulation", "Audit trail",
    ],
    Role.BROKER: ["Home", "Market", "Care packages", "Brokerage", "Applications", "Reports"],
    Role.FINANCE: [
        "Home", "Market", "Care packages", "Applications", "ECM files", "Payments", "Reports",
    ],
    Role.PROVIDER: [
        "Home", "Market", "Care packages", "Applications", "ECM files", "Payments", "Open book",
    ],
    Role.AUDITOR: [
        "Home", "Dashboard", "Market", "Care packages", "Brokerage", "Tenders", "Applications",
        "ECM files", "Payments", "Reports", "Simulation", "Audit trail",
    ],
}  # fmt: skip
LOOKER = Actor("browser-tests", Role.AUDITOR)
MARKET_PAGES = [
    "Zones",
    "Providers",
    "Vehicles and lots",
    "Rate cards",
    "Sourcing policies",
    "Commissioners",
]


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_walks_the_areas_its_navigation_offers(visitor: Visitor, role: Role) -> None:
    visitor.sign_in(visitor.site.account(role))

    assert visitor.navigation().all_inner_texts() == AREAS[role]
    for area in AREAS[role][1:] + ["Home"]:
        visitor.click(visitor.navigation().get_by_text(area, exact=True))
        current = visitor.page.locator(".govuk-service-navigation__item--active")
        assert [text.strip() for text in current.all_inner_texts()] == [area]
        assert visitor.heading()


def test_the_market_pages_link_to_each_other(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Market", exact=True))
    market = visitor.page.get_by_role("navigation", name="The market")

    for label in MARKET_PAGES:
        visitor.click(market.get_by_role("link", name=label, exact=True))
        assert market.locator("[aria-current=page]").inner_text() == label


def test_a_package_is_found_in_the_list_and_opened(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.click(visitor.navigation().get_by_text("Care packages", exact=True))
    visitor.page.get_by_label("Status").select_option("active")
    visitor.click(visitor.page.get_by_role("button", name="Apply filters"))
    assert "status=active" in visitor.path

    first = visitor.page.locator("table tbody tr").first.get_by_role("link")
    reference = first.inner_text()
    visitor.click(first)

    assert visitor.path == f"/packages/{reference}"
    assert reference in visitor.heading()


def test_the_package_list_pages_through_every_package(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.goto("/packages")
    first_page = visitor.page.locator("table tbody tr").first.inner_text()

    visitor.click(visitor.page.get_by_role("link", name="Next"))

    assert "page=2" in visitor.path
    assert visitor.page.locator("table tbody tr").first.inner_text() != first_page


def test_a_provider_sees_only_its_own_packages(visitor: Visitor) -> None:
    account = visitor.site.account(Role.PROVIDER)
    visitor.sign_in(account)
    visitor.click(visitor.navigation().get_by_text("Care packages", exact=True))

    assert visitor.page.get_by_label("Provider").count() == 0
    assert account.provider in visitor.page.get_by_role("main").inner_text()


def test_another_providers_package_is_a_page_not_found(visitor: Visitor) -> None:
    account = visitor.site.account(Role.PROVIDER)
    theirs = another_providers_package(visitor.site.database_url, account.provider)
    visitor.sign_in(account)

    visitor.goto(f"/packages/{theirs}", status=404)

    assert visitor.heading() == "Page not found"
    assert theirs not in visitor.page.get_by_role("main").inner_text()


def test_a_page_the_role_may_not_use_says_so(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.PROVIDER))

    visitor.goto("/reports", status=403)

    assert visitor.heading()
    assert "Reports" not in visitor.navigation().all_inner_texts()


def another_providers_package(database_url: str, mine: str | None) -> str:
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        packages, _ = market.list_packages(
            uow, PackageFilter(status=PackageStatus.ACTIVE), viewer=LOOKER, limit=500
        )
    finally:
        engine.dispose()
    return next(p.reference for p in packages if p.provider not in (None, mine))
