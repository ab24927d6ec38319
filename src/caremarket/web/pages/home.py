"""The home page: what needs the signed-in person's attention, by role."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from caremarket.domain.access import EVERYONE, Role
from caremarket.domain.packages import PackageStatus
from caremarket.services import accounts, audit, market, notifications, sourcing_views, structure
from caremarket.services.accounts import Principal
from caremarket.services.ports import PackageFilter, UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.deps import UowDep
from caremarket.web.pages.templates import render

router = APIRouter(include_in_schema=False)
SHOWN = 10  # packages or entries in each list on the home page
WAITING = (PackageStatus.REQUESTED, PackageStatus.SOURCING, PackageStatus.WAITING)


@router.get("/", response_class=HTMLResponse, dependencies=[allow(*EVERYONE)])
def home(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return render_home(request, uow, by)


def render_home(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> HTMLResponse:
    """The home page, with the values and errors of a form on it that was refused."""
    today = datetime.now(request.app.state.settings.zone).date()
    context = {"title": "Home"} | ATTENTION[by.actor.role](uow, by, today)
    context |= {"values": values or {}, "errors": errors or {}}
    return render(request, f"home/{by.actor.role.value}.html", context, status_code=status)


def _packages_by_status(
    uow: UnitOfWork, by: Principal, statuses: tuple[PackageStatus, ...]
) -> list[dict[str, Any]]:
    """For each status: the first few packages and how many there are in all."""
    lists = []
    for status in statuses:
        items, total = market.list_packages(
            uow, PackageFilter(status=status), viewer=by.actor, limit=SHOWN
        )
        lists.append({"status": status.value, "packages": items, "total": total})
    return lists


def _broker(uow: UnitOfWork, by: Principal, today: date) -> dict[str, Any]:
    return {
        "queues": _packages_by_status(uow, by, WAITING),
        "notifications": notifications.list_notifications(uow, viewer=by.actor, limit=SHOWN),
    }


def _commissioner(uow: UnitOfWork, by: Principal, today: date) -> dict[str, Any]:
    _, active = market.list_packages(
        uow, PackageFilter(status=PackageStatus.ACTIVE), viewer=by.actor, limit=1
    )
    return {
        "commissioners": market.list_commissioners(uow),
        "zones": len(market.list_zones(uow)),
        "providers": len(market.list_providers(uow)),
        "vehicles": len(structure.list_vehicles(uow)),
        "active": active,
        "queues": _packages_by_status(uow, by, (PackageStatus.WAITING,)),
    }


def _provider(uow: UnitOfWork, by: Principal, today: date) -> dict[str, Any]:
    items, total = market.list_packages(uow, viewer=by.actor, limit=SHOWN)
    return {
        "offers": sourcing_views.open_offers(uow, viewer=by.actor),
        "items": items,
        "total": total,
        "notifications": notifications.list_notifications(uow, viewer=by.actor, limit=SHOWN),
    }


def _finance(uow: UnitOfWork, by: Principal, today: date) -> dict[str, Any]:
    return {"loads": structure.active_by_provider(uow, on=today), "on": today}


def _auditor(uow: UnitOfWork, by: Principal, today: date) -> dict[str, Any]:
    entries, total = audit.list_audit(uow, limit=SHOWN)
    return {"entries": entries, "total": total}


def _admin(uow: UnitOfWork, by: Principal, today: date) -> dict[str, Any]:
    return {"accounts": accounts.list_accounts(uow, now=datetime.now(UTC))}


ATTENTION = {
    Role.BROKER: _broker,
    Role.COMMISSIONER: _commissioner,
    Role.PROVIDER: _provider,
    Role.FINANCE: _finance,
    Role.AUDITOR: _auditor,
    Role.ADMIN: _admin,
}
