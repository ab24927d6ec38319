"""Notifications by e-mail, through a real SMTP server on this machine (aiosmtpd)."""

from __future__ import annotations

import pytest

from caremarket.config import Settings
from caremarket.domain.access import Role
from caremarket.mail import SmtpMailer
from caremarket.services import accounts
from caremarket.services.delivery import deliver_notifications
from tests.builders import AN_ADMIN
from tests.integration.brokerage_market import FRIDAY_3PM, start

PASSWORD = "a-long-enough-password"


def test_offers_are_sent_to_each_person_of_the_providers_asked(uow, market, mail_server) -> None:
    inbox, port = mail_server
    for email, role, provider in (
        ("coordinator@mersey.example", Role.PROVIDER, "Mersey Care"),
        ("office@mersey.example", Role.PROVIDER, "Mersey Care"),
        ("rota@dingle.example", Role.PROVIDER, "Dingle Care"),
        ("broker@council.example", Role.BROKER, None),
    ):
        accounts.add_user(
            uow,
            email=email,
            name=email,
            role=role,
            password=PASSWORD,
            provider=provider,
            by=AN_ADMIN,
            now=FRIDAY_3PM,
        )
    start(uow)  # offered to the preferred providers: Mersey Care and Anfield Homecare
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)

    with SmtpMailer(settings) as mailer:
        sent = deliver_notifications(uow, mailer, now=FRIDAY_3PM)

    assert sent == 2
    assert sorted(m["To"] for m in inbox.messages) == [
        "coordinator@mersey.example",
        "office@mersey.example",
    ]
    assert inbox.messages[0]["Subject"] == "New offer: care package PKG-0001"
    assert "Accept or decline by Monday 23 November 2026 at 10:00" in str(
        inbox.messages[0].get_payload()
    )
    with SmtpMailer(settings) as mailer:
        assert deliver_notifications(uow, mailer, now=FRIDAY_3PM) == 0  # sent once


def test_without_a_mail_server_nothing_is_sent() -> None:
    with pytest.raises(ValueError, match="CAREMARKET_SMTP_HOST"):
        SmtpMailer(Settings(smtp_host=None))
