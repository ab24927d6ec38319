"""Hand-backs: a provider gives a package back; it is sourced again under the policy."""

from __future__ import annotations

from datetime import datetime

from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.errors import NotFound
from caremarket.domain.hand_backs import (
    DEFAULT_NOTICE_DAYS,
    AlreadyHandedBack,
    HandBackReason,
    hand_back,
)
from caremarket.domain.notifications import to_brokers
from caremarket.services.brokerage import PACKAGE, acting_provider, begin_round
from caremarket.services.ports import UnitOfWork


def hand_back_package(
    uow: UnitOfWork,
    reference: str,
    *,
    reason: HandBackReason,
    notice_days: int = DEFAULT_NOTICE_DAYS,
    note: str = "",
    by: Actor,
    now: datetime,
    week: WorkingWeek,
) -> None:
    """The provider hands the package back with notice; a new round of sourcing begins at
    once, without it. It keeps delivering until the new provider starts or notice ends."""
    with uow:
        package = uow.packages.get(reference)
        provider = acting_provider(uow, by)
        if package.provider is not provider:
            raise NotFound(f"there is no care package {reference}")
        if uow.hand_backs.list(package=package, provider=provider, ended_on=None):
            raise AlreadyHandedBack(
                f"{provider.name} has already handed back {reference}: it is being sourced again"
            )
        given = hand_back(
            package,
            provider=provider,
            reason=reason,
            given_at=now,
            given_by=by.name,
            today=now.astimezone(week.zone).date(),
            notice_days=notice_days,
            note=note.strip(),
        )
        uow.hand_backs.add(given)
        uow.audit.record(
            entry(
                by,
                now,
                "package handed back",
                (PACKAGE, reference),
                {
                    "provider": provider.name,
                    "reason": reason.value,
                    "notice_ends_on": given.notice_ends_on.isoformat(),
                },
                reason=given.note or None,
            )
        )
        uow.notifications.add(
            to_brokers(
                now,
                f"Handed back: care package {reference}",
                f"{provider.name} has handed back care package {reference}"
                f" ({reason.value}); it delivers care until {given.notice_ends_on:%d %B %Y}"
                " at the latest. The package is being sourced again.",
                reference,
            )
        )
        previous = uow.sourcings.current(package)
        begin_round(
            uow,
            package,
            number=previous.number + 1 if previous else 1,
            cause="handed back",
            by=by,
            now=now,
            week=week,
            excluding=provider,
        )
        uow.commit()
