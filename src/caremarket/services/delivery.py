"""Delivering notifications by e-mail, to the people concerned: every active account in the
role, or every active account of the provider. Each person gets a message of their own, so
no one sees another's address. A notification is marked sent once tried for all of them."""

from __future__ import annotations

from datetime import datetime

from caremarket.domain.access import User
from caremarket.domain.notifications import Notification
from caremarket.services.ports import Mailer, UnitOfWork

FOOTER = "\n\n-- \ncaremarket: sign in to see the package and respond."


def deliver_notifications(
    uow: UnitOfWork, mailer: Mailer, *, now: datetime, batch: int = 100
) -> int:
    """Send what has not been sent yet; returns the number of e-mails sent."""
    sent = 0
    with uow:
        try:
            for notification in uow.notifications.undelivered(limit=batch):
                for person in _recipients(uow, notification):
                    mailer.send(person.email, notification.subject, notification.body + FOOTER)
                    sent += 1
                notification.emailed_at = now
        finally:  # what was sent stays sent, even when the mail server fails part way
            uow.commit()
    return sent


def _recipients(uow: UnitOfWork, notification: Notification) -> list[User]:
    if notification.provider is not None:
        people = uow.users.list(provider=notification.provider)
    else:
        people = uow.users.list(role=notification.role)
    return [p for p in people if p.active]
