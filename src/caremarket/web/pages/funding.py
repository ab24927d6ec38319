"""A package's funding from its page: a finance officer sets the person's weekly assessed
contribution (from the financial assessment), which runs made from then take first from each
week's cost; 0 takes it away. A refusal is shown above the package's page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import PAYERS
from caremarket.services import payments
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import formats, forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.packages import FUNDING, render_package

router = APIRouter(prefix="/packages", include_in_schema=False)
SET = [allow(*PAYERS), csrf_protected()]
FIELD = "weekly_contribution"


@router.post("/{reference}/contribution", response_class=HTMLResponse, dependencies=SET)
def set_contribution(
    request: Request, uow: UowDep, by: PrincipalDep, reference: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    weekly = _weekly(values, errors)
    if errors:
        return render_package(request, uow, by, reference, values, errors, status=400)
    done, status = forms.attempt(
        errors,
        FIELD,
        lambda: payments.set_assessed_contribution(
            uow, reference, weekly, by=by.actor, now=datetime.now(UTC)
        ),
    )
    if done is None:
        return render_package(request, uow, by, reference, values, errors, status=status)
    heading = (
        f"The person's contribution to {reference} is now {formats.money(weekly)} a week"
        if weekly
        else f"The person's weekly contribution to {reference} is taken away"
    )
    return redirect_with(
        request,
        f"/packages/{reference}#{FUNDING}",
        heading,
        "Payment runs made from now take it first from each week's cost.",
    )


def _weekly(values: dict[str, str], errors: dict[str, str]) -> Decimal | None:
    """Pounds and pence a week; 0 is none (taken away)."""
    text = values.get(FIELD, "").strip().removeprefix("£").replace(",", "")
    try:
        amount = Decimal(text) if text else None
    except InvalidOperation:
        amount = None  # money_field says why
    if amount is not None and amount.is_finite() and amount <= 0:
        if amount == 0:
            return None
        errors[FIELD] = "The weekly contribution must be £0 or more"
        return None
    return forms.money_field(values, FIELD, errors, what="the weekly contribution")
