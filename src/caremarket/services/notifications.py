"""Reading notifications: what brokers and providers have been told, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caremarket.domain.access import Actor, Role
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class NotificationView:
    at: datetime
    subject: str
    body: str
    package_ref: str | None


def list_notifications(
    uow: UnitOfWork, *, viewer: Actor, limit: int = 10
) -> list[NotificationView]:
    """The latest told to the viewer: a provider's people see what was sent to their provider,
    anyone else what was sent to their role (brokers: awards and the waiting list)."""
    with uow:
        if viewer.role is Role.PROVIDER:
            if viewer.provider_id is None:
                return []
            told = uow.notifications.for_provider(viewer.provider_id, limit=limit)
        else:
            told = uow.notifications.for_role(viewer.role.value, limit=limit)
        return [NotificationView(n.at, n.subject, n.body, n.package_ref) for n in told]
