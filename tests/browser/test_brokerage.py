"""Brokerage in the browser: a broker starts sourcing a package and the provider accepts it;
a provider's mistake in a form and the waiting list that follows a decline; a commissioner
sets the sourcing policy. Every page on the way is checked with axe-core.

The demo holds no requested package: each test adds its own to the demo database, like the
provider account's own packages (so in one of its lots), under the Herefordshire policy (all
the providers of the package's lot at once).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.sourcing import DeclineReason
from caremarket.holidays import working_week
from caremarket.services import brokerage, market
from caremarket.services.ports import PackageFilter
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

SETUP = Actor("browser-tests", Role.ADMIN)
BROKER = Actor("broker@demo.invalid", Role.BROKER)


def requested_like_theirs(database_url: str, provider: str | None, reference: str) -> None:
    """A requested package in the zone, service and pathway of one of `provider`'s own."""
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        [theirs], _ = market.list_packages(
            uow,
            PackageFilter(provider=provider, status=PackageStatus.ACTIVE),
            viewer=SETUP,
            limit=1,
        )
        with uow:
            like = uow.packages.get(theirs.reference)
            uow.packages.add(
                CarePackage(
                    reference=reference,
                    person=like.person,
                    commissioner=like.commissioner,
                    zone=like.zone,
                    service=like.service,
                    pattern=like.pattern,
                    start_on=date.today() + timedelta(days=7),
                    status=PackageStatus.REQUESTED,
                    pathway=like.pathway,
                )
            )
            uow.commit()
            commissioner = like.commissioner.code
        brokerage.set_policy(uow, commissioner, "herefordshire", by=SETUP, now=datetime.now(UTC))
    finally:
        engine.dispose()


def start_and_decline_for_others(database_url: str, reference: str, mine: str | None) -> None:
    """Sourcing started, then every provider asked but `mine` declines (no capacity)."""
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        now, week = datetime.now(UTC), working_week()
        sourcing = brokerage.start_sourcing(uow, reference, by=BROKER, now=now, week=week)
        others = {o.provider for o in sourcing.state.offers} - {mine}
        for name in others:
            with uow:
                actor = Actor(f"staff of {name}", Role.PROVIDER, uow.providers.get(name).id)
            brokerage.decline_offer(
                uow,
                reference,
                by=actor,
                reason=DeclineReason.NO_CAPACITY,
                note="no carers free",
                now=now,
                week=week,
            )
    finally:
        engine.dispose()


def sign_out(visitor: Visitor) -> None:
    visitor.click(visitor.page.get_by_role("button", name="Sign out"))


def test_a_broker_starts_sourcing_and_the_provider_accepts_the_offer(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    requested_like_theirs(visitor.site.database_url, provider.provider, "HFD-B0001")
    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.click(visitor.navigation().get_by_text("Brokerage", exact=True))
    assert visitor.heading() == "Brokerage"

    visitor.click(visitor.page.get_by_role("button", name="Start sourcing HFD-B0001"))

    banner = visitor.page.locator(".govuk-notification-banner")
    assert "Sourcing started for HFD-B0001" in banner.inner_text()
    assert provider.provider in banner.inner_text()
    sign_out(visitor)

    visitor.sign_in(provider)
    offers = visitor.page.get_by_role("table").filter(has_text="Offers waiting for your answer")
    visitor.click(offers.get_by_role("link", name="HFD-B0001"))
    assert visitor.path == "/offers/HFD-B0001"
    visitor.click(visitor.page.get_by_role("button", name="Accept the offer"))

    assert visitor.path == "/packages/HFD-B0001"
    assert (
        "Care package HFD-B0001 is yours"
        in visitor.page.locator(".govuk-notification-banner").inner_text()
    )
    sourcing = visitor.page.get_by_role("main").inner_text()
    assert "Awarded" in sourcing and provider.provider in sourcing


def test_a_decline_needs_a_reason_and_then_the_package_waits(visitor: Visitor) -> None:
    provider = visitor.site.account(Role.PROVIDER)
    site = visitor.site
    requested_like_theirs(site.database_url, provider.provider, "HFD-B0002")
    start_and_decline_for_others(site.database_url, "HFD-B0002", provider.provider)
    visitor.sign_in(provider)
    visitor.goto("/offers/HFD-B0002")

    visitor.click(visitor.page.get_by_role("button", name="Decline the offer"), status=400)

    summary = visitor.page.locator(".govuk-error-summary")
    assert "Select why you are declining the offer" in summary.inner_text()
    visitor.page.get_by_label("We have no care workers free at the times needed").check()
    visitor.page.get_by_label("Anything to add (optional)").fill("our carers are all booked")
    visitor.click(visitor.page.get_by_role("button", name="Decline the offer"))
    assert visitor.path == "/"
    assert "You declined care package HFD-B0002" in visitor.page.inner_text("body")
    sign_out(visitor)

    visitor.sign_in(site.account(Role.BROKER))
    visitor.goto("/brokerage")
    waiting = visitor.page.get_by_role("table").filter(has_text="neediest first")
    assert "HFD-B0002" in waiting.inner_text()
    assert f"{provider.provider}: no capacity (our carers are all booked)" in waiting.inner_text()


def test_a_commissioner_sets_the_sourcing_policy_from_a_preset(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Market", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Sourcing policies", exact=True))
    visitor.page.get_by_label("herefordshire: The providers of the package's lot").check()

    visitor.click(visitor.page.get_by_role("button", name="Set the policy"))

    banner = visitor.page.locator(".govuk-notification-banner")
    assert "now sources packages by the herefordshire policy" in banner.inner_text()
