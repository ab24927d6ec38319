"""Care around sourcing in the browser: a broker records a new request and it is offered; a
broker bridges a discharge and then chooses a direct payment; a provider hands a package back
and offers its spare capacity; a provider proposes a change that a broker approves. Every page
on the way, and each form refused, is checked with axe-core.

The demo's provider account is Pembridge Cross Care, in lots O-A and O-B with Bircher Common
Care and Arrow Vale Homecare. Each test sets the Herefordshire policy (every provider in the
package's lot at once) and uses packages of its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.packages import PackageStatus
from caremarket.holidays import working_week
from caremarket.services import brokerage, market, requests
from caremarket.services.ports import PackageFilter
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

SETUP = Actor("browser-tests", Role.ADMIN)
ZONE_A = "HR6 8AA"


def with_policy(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        brokerage.set_policy(uow, "HFD", "herefordshire", by=SETUP, now=datetime.now(UTC))
    finally:
        engine.dispose()


def held_by(database_url: str, provider: str | None, index: int) -> str:
    """One of the provider's active packages (a different one for each `index`)."""
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        held, _ = market.list_packages(
            uow,
            PackageFilter(provider=provider, status=PackageStatus.ACTIVE),
            viewer=SETUP,
            limit=index + 1,
        )
        return held[index].reference
    finally:
        engine.dispose()


def requested(database_url: str, person: str) -> str:
    """A request for care in zone A, recorded and not yet sourced."""
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        care = requests.CareRequest(
            commissioner="HFD",
            person=person,
            postcode=ZONE_A,
            service="PC",
            visits="3x30 daily",
            start_on=date.today() + timedelta(days=1),
            fit_for_discharge_on=date.today(),
        )
        return requests.request_care(
            uow, care, by=SETUP, now=datetime.now(UTC), week=working_week(), source=False
        )
    finally:
        engine.dispose()


def fill_date(visitor: Visitor, name: str, day: date) -> None:
    visitor.page.locator(f"#{name}-day").fill(str(day.day))
    visitor.page.locator(f"#{name}-month").fill(str(day.month))
    visitor.page.locator(f"#{name}-year").fill(str(day.year))


def banner(visitor: Visitor) -> str:
    return visitor.page.locator(".govuk-notification-banner").inner_text()


def error_summary(visitor: Visitor) -> str:
    return visitor.page.locator(".govuk-error-summary").inner_text()


def sign_out(visitor: Visitor) -> None:
    visitor.click(visitor.page.get_by_role("button", name="Sign out"))


def test_a_broker_records_a_new_request_and_it_is_offered(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    with_policy(visitor.site.database_url)
    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.goto("/brokerage")
    visitor.click(visitor.page.get_by_role("button", name="Record a new request for care"))
    assert visitor.heading() == "New request for care"

    visitor.click(visitor.page.get_by_role("button", name="Record the request"), status=400)

    assert "Enter the person's reference" in error_summary(visitor)
    page = visitor.page
    page.get_by_label("Person's reference").fill("P-BR-0001")
    page.get_by_label("Postcode where care is given").fill(ZONE_A)
    page.get_by_label("Service", exact=True).select_option(label="Personal care")
    page.get_by_label("Visits", exact=True).fill("2x30 daily; 1x45x2 Mon-Fri")
    fill_date(visitor, "start_on", date.today() + timedelta(days=3))
    page.get_by_label("High", exact=True).check()
    page.get_by_label("The carer who supported the person has broken down").check()
    visitor.click(page.get_by_role("button", name="Record the request"))

    assert visitor.path.startswith("/packages/HFD-R")
    reference = visitor.path.removeprefix("/packages/")
    told = banner(visitor)
    assert f"Care requested: care package {reference}" in told
    assert "It is offered to" in told and provider.provider in told
    sign_out(visitor)

    visitor.sign_in(provider)
    offers = visitor.page.get_by_role("table").filter(has_text="Offers waiting for your answer")
    visitor.click(offers.get_by_role("link", name=reference))
    summary = visitor.page.locator(".govuk-summary-list").inner_text()
    assert "Herefordshire Council" in summary and "Personal care (PC)" in summary


def test_a_broker_bridges_a_discharge_then_chooses_a_direct_payment(visitor: Visitor) -> None:
    reference = requested(visitor.site.database_url, "P-BR-0002")
    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.goto(f"/packages/{reference}")

    visitor.click(visitor.page.get_by_role("button", name="Place bridging care"))
    visitor.click(visitor.page.get_by_role("button", name="Place bridging care"), status=400)
    assert "Enter the bridging service" in error_summary(visitor)
    visitor.page.get_by_label("Bridging service").fill("Discharge Response Team")
    visitor.page.get_by_label("2 working days").check()
    visitor.click(visitor.page.get_by_role("button", name="Place bridging care"))

    assert f"Bridging care placed for {reference}" in banner(visitor)
    bridges = visitor.page.get_by_role("table").filter(has_text="Bridging care for")
    assert "Discharge Response Team" in bridges.inner_text()
    visitor.click(visitor.page.get_by_role("button", name="End bridging care"))
    assert f"Bridging care for {reference} ends on" in banner(visitor)

    visitor.click(visitor.page.get_by_role("button", name="Direct payment instead"))
    assert "open offers are withdrawn" in visitor.page.locator(".govuk-warning-text").inner_text()
    visitor.page.get_by_label("Why (optional)").fill("the person employs a personal assistant")
    visitor.click(visitor.page.get_by_role("button", name="Confirm the direct payment"))

    assert f"Care package {reference} will be met by a direct payment" in banner(visitor)
    assert "direct payment" in visitor.page.locator(".govuk-summary-list").first.inner_text()


def test_a_provider_hands_a_package_back_and_offers_its_spare_capacity(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    with_policy(visitor.site.database_url)
    reference = held_by(visitor.site.database_url, provider.provider, 0)
    visitor.sign_in(provider)
    visitor.goto(f"/packages/{reference}")
    visitor.goto(f"/packages/{reference}/subcontractor")  # (none in the demo's lots)
    assert "You have no subcontractor" in visitor.page.get_by_role("main").inner_text()
    visitor.goto(f"/packages/{reference}")

    visitor.click(visitor.page.get_by_role("button", name="Hand back"))
    visitor.click(visitor.page.get_by_role("button", name="Hand back the package"), status=400)
    assert "Select why you are handing the package back" in error_summary(visitor)
    visitor.page.get_by_label("Staffing: we do not have enough care workers").check()
    visitor.page.get_by_label("Days of notice").fill("7")
    visitor.page.get_by_label("Anything to add (optional)").fill("two care workers have left")
    visitor.click(visitor.page.get_by_role("button", name="Hand back the package"))

    assert visitor.path == f"/packages/{reference}"
    assert f"You handed back care package {reference}" in banner(visitor)
    hand_backs = visitor.page.get_by_role("table").filter(has_text="Hand-backs of")
    assert "Staffing" in hand_backs.inner_text()
    assert "two care workers have left" in hand_backs.inner_text()

    visitor.click(visitor.navigation().get_by_text("Home", exact=True))
    visitor.page.get_by_label("Spare hours a week").fill("0.5")
    visitor.click(visitor.page.get_by_role("button", name="Offer us waiting packages"))
    assert "No waiting package was offered to you" in banner(visitor)
    sign_out(visitor)

    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.goto(f"/packages/{reference}")
    sourcing = visitor.page.get_by_role("main").inner_text()
    assert "Round" in sourcing and "(handed back)" in sourcing


def test_a_provider_proposes_a_change_that_a_broker_approves(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    with_policy(visitor.site.database_url)
    reference = held_by(visitor.site.database_url, provider.provider, 1)
    visitor.sign_in(provider)
    visitor.goto(f"/packages/{reference}")
    visitor.click(visitor.page.get_by_role("button", name="Propose a change"))
    form = visitor.page.get_by_role("main").inner_text()
    assert "a reduction of up to 20% of weekly hours applies at once" in form

    visits = visitor.page.get_by_label("New visits")
    visits.fill(visits.input_value() + "; 1x30 Sat")
    visitor.click(visitor.page.get_by_role("button", name="Propose the change"), status=400)
    assert "Enter the date the change starts" in error_summary(visitor)
    fill_date(visitor, "effective_on", date.today() + timedelta(days=7))
    visitor.page.get_by_label("Why the care should change").fill("an extra call on Saturdays")
    visitor.click(visitor.page.get_by_role("button", name="Propose the change"))

    assert f"Your change to care package {reference} is waiting for approval" in banner(visitor)
    sign_out(visitor)

    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.goto("/brokerage")
    card = visitor.page.locator(".govuk-summary-card").filter(has_text=reference)
    assert "an extra call on Saturdays" in card.inner_text()
    card.get_by_label(f"Note to {provider.provider} (optional)").fill("agreed at review")
    visitor.click(
        card.get_by_role("button", name=f"Approve the change to care package {reference}")
    )

    assert f"Change approved: care package {reference}" in banner(visitor)
    visitor.goto(f"/packages/{reference}")
    changes = visitor.page.get_by_role("table").filter(has_text="Changes proposed to")
    assert "Approved" in changes.inner_text() and "agreed at review" in changes.inner_text()


def test_a_provider_suspends_visits_for_a_hospital_stay_and_ends_the_suspension(
    visitor: Visitor,
) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    reference = held_by(visitor.site.database_url, provider.provider, 2)
    visitor.sign_in(provider)
    visitor.goto(f"/packages/{reference}")
    visitor.page.get_by_label("Why visits stop").select_option(label="Hospital stay")
    visitor.click(visitor.page.get_by_role("button", name="Suspend visits"), status=400)
    assert "Enter the first day without visits" in error_summary(visitor)

    first = date.today() + timedelta(days=2)
    fill_date(visitor, "from_on", first)
    visitor.page.get_by_label("Why visits stop").select_option(label="Hospital stay")
    visitor.page.get_by_label("Note (optional)").fill("admitted to the County Hospital")
    visitor.click(visitor.page.get_by_role("button", name="Suspend visits"))

    assert f"Visits to {reference} suspended from" in banner(visitor)
    stays = visitor.page.get_by_role("table").filter(has_text="Suspensions of")
    assert "Hospital stay" in stays.inner_text() and "Open" in stays.inner_text()
    fill_date(visitor, "last_day", first + timedelta(days=6))
    visitor.click(visitor.page.get_by_role("button", name="End the suspension"))

    assert f"The suspension of {reference} ends on" in banner(visitor)
    stays = visitor.page.get_by_role("table").filter(has_text="Suspensions of")
    assert "Open" not in stays.inner_text()
