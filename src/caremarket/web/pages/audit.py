"""The audit trail, filtered by object (type and reference) and by person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from caremarket.domain.access import AUDIT_READERS
from caremarket.services import audit
from caremarket.services.ports import AuditFilter
from caremarket.web.access import allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.paging import Paging, pagination, paging, showing
from caremarket.web.pages.templates import render

router = APIRouter(include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse, dependencies=[allow(*AUDIT_READERS)])
def audit_trail(
    request: Request,
    uow: UowDep,
    page: Annotated[Paging, Depends(paging)],
    object_type: str = "",
    object_ref: str = "",
    actor: str = "",
) -> HTMLResponse:
    values = {"object_type": object_type, "object_ref": object_ref, "actor": actor}
    where = AuditFilter(
        object_type.strip() or None, object_ref.strip() or None, actor.strip() or None
    )
    entries, total = audit.list_audit(uow, where, limit=page.per_page, offset=page.offset)
    context = {
        "title": "Audit trail",
        "entries": entries,
        "values": values,
        "fields": [
            {"name": "object_type", "label": "Object type"},
            {"name": "object_ref", "label": "Object reference"},
            {"name": "actor", "label": "Person (e-mail address)"},
        ],
        "summary": showing(page, total, len(entries)),
        "pages": pagination(request.url.path, values, page, total),
    }
    return render(request, "audit/trail.html", context)
