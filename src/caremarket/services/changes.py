"""Trusted-assessor changes: a provider proposes new visits; small reductions apply at once,
other changes wait for a broker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.changes import ChangeProposal, ChangeStatus, propose_change
from caremarket.domain.errors import NotFound
from caremarket.domain.notifications import to_brokers, to_provider
from caremarket.domain.patterns import format_pattern, parse_pattern, weekly_hours
from caremarket.services.brokerage import PACKAGE, acting_provider, policy_for
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class ChangeSummary:
    id: int
    reference: str
    provider: str
    visits_before: str
    visits_after: str
    hours_before: Decimal
    hours_after: Decimal
    change_percent: Decimal
    effective_on: date
    reason: str
    status: str
    proposed_at: datetime
    decided_by: str | None
    decision_note: str


def propose(
    uow: UnitOfWork,
    reference: str,
    *,
    visits: str,
    effective_on: date,
    reason: str,
    by: Actor,
    now: datetime,
) -> ChangeSummary:
    """A provider's proposed new visits for a package it holds."""
    pattern = parse_pattern(visits)
    with uow:
        package = uow.packages.get(reference)
        provider = acting_provider(uow, by)
        if package.provider is not provider:
            raise NotFound(f"there is no care package {reference}")
        proposal = propose_change(
            package,
            provider=provider,
            pattern=pattern,
            effective_on=effective_on,
            reason=reason,
            at=now,
            by=by.name,
            reduction_limit=policy_for(uow, package).reduction_limit,
        )
        uow.changes.add(proposal)
        uow.flush()
        applied = proposal.status is ChangeStatus.APPLIED
        uow.audit.record(
            entry(
                by,
                now,
                "change applied (trusted assessor)" if applied else "change proposed",
                (PACKAGE, reference),
                {
                    "visits": [format_pattern(proposal.pattern_before), visits],
                    "change_percent": str(proposal.change_percent),
                    "effective_on": effective_on.isoformat(),
                },
                reason=proposal.reason,
            )
        )
        what = "has reduced" if applied else "proposes to change"
        uow.notifications.add(
            to_brokers(
                now,
                ("Change made" if applied else "Change to approve") + f": care package {reference}",
                f"{provider.name} {what} the visits of care package {reference} to"
                f" {format_pattern(proposal.pattern_after)} ({proposal.change_percent}% of"
                f" weekly hours) from {effective_on:%d %B %Y}: {proposal.reason}",
                reference,
            )
        )
        uow.commit()
        return _summary(proposal)


def decide(
    uow: UnitOfWork, change_id: int, *, approve: bool, note: str = "", by: Actor, now: datetime
) -> ChangeSummary:
    """A broker approves or rejects a proposed change."""
    with uow:
        proposal = uow.changes.get(change_id)
        proposal.decide(approve=approve, at=now, by=by.name, note=note.strip())
        reference = proposal.package.reference
        verdict = "approved" if approve else "rejected"
        uow.audit.record(
            entry(
                by,
                now,
                f"change {verdict}",
                (PACKAGE, reference),
                {"visits": format_pattern(proposal.pattern_after)},
                reason=proposal.decision_note or None,
            )
        )
        uow.notifications.add(
            to_provider(
                now,
                proposal.provider,
                f"Change {verdict}: care package {reference}",
                f"Your proposed change to care package {reference} is {verdict}."
                + (f" {proposal.decision_note}" if proposal.decision_note else ""),
                reference,
            )
        )
        uow.commit()
        return _summary(proposal)


def list_changes(
    uow: UnitOfWork,
    *,
    viewer: Actor,
    status: ChangeStatus | None = None,
    reference: str | None = None,
) -> list[ChangeSummary]:
    """Proposed changes, newest first, to every package or the one `reference` names: a
    provider sees its own."""
    with uow:
        where: dict[str, object] = {} if status is None else {"status": status}
        if reference is not None:
            where["package"] = uow.packages.get(reference)
        if viewer.role is Role.PROVIDER:
            where["provider"] = acting_provider(uow, viewer)
        changes = sorted(uow.changes.list(**where), key=lambda c: c.proposed_at, reverse=True)
        return [_summary(c) for c in changes]


def _summary(proposal: ChangeProposal) -> ChangeSummary:
    assert proposal.id is not None
    return ChangeSummary(
        id=proposal.id,
        reference=proposal.package.reference,
        provider=proposal.provider.name,
        visits_before=format_pattern(proposal.pattern_before),
        visits_after=format_pattern(proposal.pattern_after),
        hours_before=weekly_hours(proposal.pattern_before),
        hours_after=weekly_hours(proposal.pattern_after),
        change_percent=proposal.change_percent,
        effective_on=proposal.effective_on,
        reason=proposal.reason,
        status=proposal.status.value,
        proposed_at=proposal.proposed_at,
        decided_by=proposal.decided_by,
        decision_note=proposal.decision_note,
    )
