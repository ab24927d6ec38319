"""The audit trail: every change, who made it and why."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from caremarket.domain.access import AUDIT_READERS
from caremarket.services import audit
from caremarket.services.audit import AuditRecord
from caremarket.services.ports import AuditFilter
from caremarket.web.access import allow
from caremarket.web.deps import UowDep

router = APIRouter(tags=["audit"])


class AuditPage(BaseModel):
    items: list[AuditRecord]
    total: int
    limit: int
    offset: int


@router.get("/audit", dependencies=[allow(*AUDIT_READERS)])
def audit_trail(
    uow: UowDep,
    object_type: str | None = None,
    object_ref: str | None = None,
    actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AuditPage:
    """Entries newest first, filtered by object (type and reference) and by person."""
    where = AuditFilter(object_type, object_ref, actor)
    items, total = audit.list_audit(uow, where, limit=limit, offset=offset)
    return AuditPage(items=items, total=total, limit=limit, offset=offset)
