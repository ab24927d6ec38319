"""A provider's standing, for commissioners: its CQC rating and locations, its places in
lots, the packages it holds; and suspending, reinstating or removing it.

Nothing changes until it is confirmed: the form first shows the effect on the provider's
active packages (how many, which, their weekly hours, which are sourced again and which it
keeps), then asks to confirm.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import POLICY_SETTERS, Role
from caremarket.domain.errors import DomainError, NotFound
from caremarket.domain.suspensions import ProviderAction
from caremarket.services import admission_views, applications
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep, WeekDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/market/providers", include_in_schema=False)
READERS = POLICY_SETTERS | {Role.AUDITOR}  # it names the packages the provider holds
CHANGE = [allow(*POLICY_SETTERS), csrf_protected()]
ACTIONS = {
    ProviderAction.SUSPEND.value: "Suspend it: it keeps its packages and receives no new offers",
    ProviderAction.REINSTATE.value: "Reinstate it: it receives new offers again",
    ProviderAction.REMOVE.value: "Remove it: it leaves its lots and its packages are sourced again",
}
DONE = {
    ProviderAction.SUSPEND: "is suspended",
    ProviderAction.REINSTATE: "is reinstated",
    ProviderAction.REMOVE: "is removed",
}
CHANGE_FORM = "change"  # the form's section a refusal links to
REASON_LENGTH = 1000  # as the API allows


@router.get("/{provider}", response_class=HTMLResponse, dependencies=[allow(*READERS)])
def provider_status(request: Request, uow: UowDep, by: PrincipalDep, provider: str) -> HTMLResponse:
    return _page(request, uow, provider, may_change=by.actor.role in POLICY_SETTERS)


@router.post("/{provider}/effect", response_class=HTMLResponse, dependencies=CHANGE)
def preview(request: Request, uow: UowDep, provider: str, values: FormDep) -> Response:
    """The effect of the change asked for, and a button to confirm it; nothing changes yet."""
    errors: dict[str, str] = {}
    asked = _asked(request, uow, provider, values, errors)
    if asked is None:
        return _page(request, uow, provider, values=values, errors=errors, status=400)
    action, on, reason = asked
    effect = applications.suspension_effect(uow, provider, action, on=on)
    context = {
        "title": f"Check: {action.value} {provider}",
        "effect": effect,
        "action": action,
        "on": on,
        "reason": reason,
        "actions": ACTIONS,
    }
    return render(request, "market/provider_effect.html", context)


@router.post("/{provider}/status", response_class=HTMLResponse, dependencies=CHANGE)
def confirm(
    request: Request,
    uow: UowDep,
    week: WeekDep,
    by: PrincipalDep,
    provider: str,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    asked = _asked(request, uow, provider, values, errors)
    if asked is None:
        return _page(request, uow, provider, values=values, errors=errors, status=400)
    action, on, reason = asked
    done, status = forms.attempt(  # refused, e.g., for a package to source under no policy
        errors,
        CHANGE_FORM,
        lambda: applications.confirm_status_change(
            uow,
            provider,
            action,
            on=on,
            reason=reason,
            by=by.actor,
            now=datetime.now(UTC),
            week=week,
        ),
        refused="Nothing was changed",
    )
    if done is None:
        return _page(request, uow, provider, values=values, errors=errors, status=status)
    told = done.description[:1].upper() + done.description[1:] + "."
    if done.sourced_again:
        told += f" Sourcing has begun again for {', '.join(done.sourced_again)}."
    return redirect_with(
        request, f"/market/providers/{provider}", f"{provider} {DONE[action]}", told
    )


def _asked(
    request: Request,
    uow: UnitOfWork,
    provider: str,
    values: dict[str, str],
    errors: dict[str, str],
) -> tuple[ProviderAction, date, str] | None:
    """The change asked for, checked as the form and as the provider stands."""
    action = forms.choice_field(
        values, "action", ACTIONS, errors, message="Select what to do to the provider"
    )
    on = forms.date_field(values, "on", errors, what="the date it takes effect")
    reason = forms.text_field(values, "reason", errors, what="the reason", length=REASON_LENGTH)
    if action is None or on is None or reason is None or errors:
        return None
    try:
        applications.suspension_effect(uow, provider, ProviderAction(action), on=on)
    except NotFound:
        raise
    except DomainError as error:
        errors["action"] = forms.sentence(str(error))
        return None
    return ProviderAction(action), on, reason


def _page(
    request: Request,
    uow: UnitOfWork,
    provider: str,
    *,
    may_change: bool = True,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    today = datetime.now(request.app.state.settings.zone).date()
    page = admission_views.provider_page(uow, provider, on=today)
    context: dict[str, Any] = {
        "title": provider,
        "page": page,
        "may_change": may_change and bool(page.actions),
        "actions": {a.value: ACTIONS[a.value] for a in page.actions},
        "today": today,
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "market/provider.html", context, status_code=status)
