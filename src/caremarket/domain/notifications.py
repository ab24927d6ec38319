"""Notifications: what brokers and providers are told as sourcing moves on.

Each is kept (shown on the home page of the people concerned) and, where SMTP is set up,
also sent by e-mail. A notification goes either to everyone in a role (brokers) or to one
provider's people, never to both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caremarket.domain.access import Role
from caremarket.domain.market import Provider


@dataclass(eq=False)
class Notification:
    at: datetime
    subject: str
    body: str
    package_ref: str | None = None
    role: Role | None = None
    provider: Provider | None = None
    emailed_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        if (self.role is None) == (self.provider is None):
            raise ValueError("a notification goes to a role or to a provider")


def to_brokers(at: datetime, subject: str, body: str, package_ref: str) -> Notification:
    return Notification(at, subject, body, package_ref, role=Role.BROKER)


def to_provider(
    at: datetime, provider: Provider, subject: str, body: str, package_ref: str
) -> Notification:
    return Notification(at, subject, body, package_ref, provider=provider)
