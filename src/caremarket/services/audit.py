"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caremarket.services.ports import AuditFilter, UnitOfWork


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    role: str
    action: str
    object_type: str
    object_ref: str
    changes: dict[str, Any]
    reason: str | None


def list_audit(
    uow: UnitOfWork, where: AuditFilter | None = None, *, limit: int = 50, offset: int = 0
) -> tuple[list[AuditRecord], int]:
    """A page of the trail, newest first, and how many entries match in all."""
    with uow:
        entries, total = uow.audit.search(where or AuditFilter(), limit=limit, offset=offset)
        return [
            AuditRecord(
                e.at,
                e.actor,
                e.role.value,
                e.action,
                e.object_type,
                e.object_ref,
                e.changes,
                e.reason,
            )
            for e in entries
        ], total
