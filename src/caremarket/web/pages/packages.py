"""Care packages: a filtered, paginated list and each package with its history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from caremarket.domain.access import (
    BROKERS,
    PACKAGE_HISTORY_READERS,
    PACKAGE_READERS,
    PAYERS,
    Role,
)
from caremarket.domain.package_suspensions import SuspensionReason
from caremarket.domain.packages import PackageStatus
from caremarket.services import (
    audit,
    care_views,
    market,
    payments,
    schedules,
    sourcing_views,
    structure,
)
from caremarket.services.accounts import Principal
from caremarket.services.ports import AuditFilter, PackageFilter, UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.paging import Paging, pagination, paging, showing
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/packages", include_in_schema=False)
READ = [allow(*PACKAGE_READERS)]
PACKAGE_OBJECT = "care package"  # the audit trail's object type for a package
HISTORY = 200  # entries shown on a package's page
STATUSES = [s.value for s in PackageStatus]
SUSPENSION_REASONS = {
    SuspensionReason.HOSPITAL.value: "Hospital stay",
    SuspensionReason.RESPITE.value: "Respite",
    SuspensionReason.AWAY.value: "The person is away",
    SuspensionReason.OTHER.value: "Another reason",
}
ACTIONS = "actions"  # the page's section a refused action links to
SUSPENSIONS = "suspensions"  # the suspensions' section, where their refusals link to
FUNDING = "funding"  # the funding section (finance: the person's weekly contribution)


@router.get("", response_class=HTMLResponse, dependencies=READ)
def packages(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    page: Annotated[Paging, Depends(paging)],
    zone: str = "",
    status: str = "",
    service: str = "",
    provider: str = "",
    commissioner: str = "",
) -> HTMLResponse:
    """Packages a page at a time; a provider sees only its own and has no provider filter."""
    values = {"zone": zone, "status": status, "service": service, "provider": provider}
    if commissioner:  # the dashboard's drill-down: one commissioner's packages
        values["commissioner"] = commissioner
    errors = {}
    if status and status not in STATUSES:
        errors["status"] = "Choose a status from the list"
    own_only = by.actor.role is Role.PROVIDER
    items, total = [], 0
    if not errors:
        where = PackageFilter(
            commissioner=commissioner or None,
            zone=zone or None,
            service=service or None,
            status=PackageStatus(status) if status else None,
            provider=None if own_only else provider or None,
        )
        items, total = market.list_packages(
            uow, where, viewer=by.actor, limit=page.per_page, offset=page.offset
        )
    fields = [
        *(
            [{"name": "commissioner", "label": "Commissioner", "options": _commissioners(uow)}]
            if commissioner
            else []
        ),
        {"name": "zone", "label": "Zone", "options": _zones(uow)},
        {"name": "status", "label": "Status", "options": STATUSES},
        {"name": "service", "label": "Service", "options": _services(uow)},
    ]
    if not own_only:
        fields.append({"name": "provider", "label": "Provider", "options": _providers(uow)})
    context = {
        "title": "Care packages",
        "items": items,
        "fields": fields,
        "values": values,
        "errors": errors,
        "own_only": own_only,
        "summary": showing(page, total, len(items)),
        "pages": pagination(request.url.path, values, page, total),
    }
    return render(request, "packages/list.html", context, status_code=400 if errors else 200)


@router.get("/{reference}", response_class=HTMLResponse, dependencies=READ)
def package(request: Request, uow: UowDep, by: PrincipalDep, reference: str) -> HTMLResponse:
    """One package, its sourcing and its history. A provider sees those awarded to it or
    offered to it, with its own offers only, and no audit trail; others are not found."""
    return render_package(request, uow, by, reference)


def render_package(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """The package's page; with the values and errors of a form on it that was refused.
    Brokers see what they may do while it is placed, its holder what it may do with it."""
    found = market.get_package(uow, reference, viewer=by.actor)
    care = care_views.package_care(uow, reference, viewer=by.actor)
    context: dict[str, Any] = {
        "title": f"Care package {reference}",
        "package": found,
        "care": care,
        "suspensions": schedules.list_suspensions(uow, reference, viewer=by.actor),
        "may_suspend": found.status == "active" and (by.actor.role in BROKERS or care.holder),
        "suspension_reasons": SUSPENSION_REASONS,
        "suspensions_id": SUSPENSIONS,
        "rounds": sourcing_views.sourcing_history(uow, reference, viewer=by.actor),
        "own_only": by.actor.role is Role.PROVIDER,
        "show_history": by.actor.role in PACKAGE_HISTORY_READERS,
        "may_broker": by.actor.role in BROKERS,
        "today": datetime.now(request.app.state.settings.zone).date(),
        "values": values or {},
        "errors": errors or {},
        "actions_id": ACTIONS,
    }
    if by.actor.role in PAYERS:
        context |= {
            "funding_id": FUNDING,
            "contribution": payments.assessed_contribution(uow, reference),
        }
    if context["show_history"]:
        history, total = audit.list_audit(
            uow, AuditFilter(object_type=PACKAGE_OBJECT, object_ref=reference), limit=HISTORY
        )
        context |= {"history": history, "history_total": total}
    return render(request, "packages/detail.html", context, status_code=status)


def _zones(uow: UnitOfWork) -> list[tuple[str, str]]:
    zones = {z.code: f"{z.code}: {z.name}" for z in market.list_zones(uow)}
    return sorted(zones.items())


def _commissioners(uow: UnitOfWork) -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in market.list_commissioners(uow)]


def _services(uow: UnitOfWork) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in structure.list_services(uow)]


def _providers(uow: UnitOfWork) -> list[str]:
    return [p.name for p in market.list_providers(uow)]
