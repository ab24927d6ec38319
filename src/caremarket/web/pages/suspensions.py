"""A package's suspensions from its page: a broker, or the provider holding the package,
records one (a hospital stay, respite, the person away) or ends an open one. A refusal is
shown above the package's page; another provider's package is not found."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import BROKERS, PROVIDERS
from caremarket.domain.package_suspensions import SuspensionReason
from caremarket.services import schedules
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import formats, forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.packages import SUSPENSION_REASONS as REASONS
from caremarket.web.pages.packages import SUSPENSIONS, render_package

router = APIRouter(prefix="/packages", include_in_schema=False)
ACT = [allow(*(BROKERS | PROVIDERS)), csrf_protected()]


@router.post("/{reference}/suspensions", response_class=HTMLResponse, dependencies=ACT)
def suspend(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    from_on = forms.date_field(values, "from_on", errors, what="the first day without visits")
    to_on = forms.date_field(
        values, "to_on", errors, what="the last day without visits", required=False
    )
    reason = forms.choice_field(
        values, "suspension_reason", REASONS, errors, message="Select why visits stop"
    )
    note = forms.note_field(values, "suspension_note", errors, what="the note")
    if from_on is None or reason is None or errors:
        return render_package(request, uow, by, reference, values, errors, status=400)
    done, status = forms.attempt(
        errors,
        SUSPENSIONS,
        lambda: schedules.record_suspension(
            uow,
            reference,
            from_on=from_on,
            to_on=to_on,
            reason=SuspensionReason(reason),
            note=note,
            by=by.actor,
            now=datetime.now(UTC),
        ),
    )
    if done is None:
        return render_package(request, uow, by, reference, values, errors, status=status)
    until = f" to {formats.day(to_on)}" if to_on else " until it is ended"
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"Visits to {reference} suspended from {formats.day(from_on)}{until}",
        "No visits are planned on those days: a visit recorded then is held as not planned.",
    )


@router.post(
    "/{reference}/suspensions/{suspension_id}/end",
    response_class=HTMLResponse,
    dependencies=ACT,
)
def end_suspension(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    reference: str,
    suspension_id: int,
    values: FormDep,
) -> Response:
    errors: dict[str, str] = {}
    last_day = forms.date_field(values, "last_day", errors, what="the suspension's last day")
    if last_day is None:
        return render_package(request, uow, by, reference, values, errors, status=400)
    done, status = forms.attempt(
        errors,
        SUSPENSIONS,
        lambda: schedules.end_suspension(
            uow, reference, suspension_id, last_day=last_day, by=by.actor, now=datetime.now(UTC)
        ),
    )
    if done is None:
        return render_package(request, uow, by, reference, values, errors, status=status)
    return redirect_with(
        request,
        f"/packages/{reference}",
        f"The suspension of {reference} ends on {formats.day(last_day)}",
        "Visits are planned again from the day after.",
    )
