"""Payments: the finance officer's run list (with the form to make one), a run's detail
(lines per provider, held queries apart, totals by funder; made again or approved), the
queries to resolve, a provider's remittance advice (printable, and CSV), the finance export,
and an invoice uploaded with its reconciliation report. A provider sees its own runs and
remittances only."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import (
    EXTENSION_AUTHORISERS,
    LEDGER_READERS,
    PAYERS,
    PAYMENT_READERS,
    PROVIDERS,
    VISIT_QUERY_READERS,
    Role,
)
from caremarket.domain.errors import DomainError, ImportRejected, NotFound
from caremarket.domain.visit_queries import Resolution
from caremarket.reports import render as reports_render
from caremarket.services import ecm, invoices, market, payment_views, payments
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/payments", include_in_schema=False)
READ = [allow(*PAYMENT_READERS)]
LEDGER = [allow(*LEDGER_READERS)]
WRITE = [allow(*PAYERS), csrf_protected()]
AUTHORISE = [allow(*EXTENSION_AUTHORISERS), csrf_protected()]
MOST_EXTRA_MINUTES = 24 * 60  # an over-run authorised: minutes beyond planned, at most a day
INVOICE_SENDERS = [allow(*(PAYERS | PROVIDERS))]  # a provider: its own, for its own runs
RESOLUTIONS = {
    Resolution.PAY.value: "Pay it",
    Resolution.DO_NOT_PAY.value: "Do not pay it",
}


@router.get("", response_class=HTMLResponse, dependencies=READ)
def runs(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return _runs_page(request, uow, by, {}, {})


@router.post("", response_class=HTMLResponse, dependencies=WRITE)
def make_run(request: Request, uow: UowDep, by: PrincipalDep, values: FormDep) -> Response:
    errors: dict[str, str] = {}
    commissioner = values.get("commissioner", "")
    if not commissioner:
        errors["commissioner"] = "Select the commissioner"
    first = forms.date_field(values, "from", errors, what="the first day of the period")
    last = forms.date_field(values, "to", errors, what="the last day of the period")
    if errors or first is None or last is None:
        return _runs_page(request, uow, by, values, errors, status=400)
    try:
        run = payments.create_run(uow, commissioner, first, last, by=by.actor, now=_now())
    except DomainError as error:
        errors["from-day"] = forms.sentence(str(error))
        return _runs_page(request, uow, by, values, errors, status=forms.refusal_status(error))
    return redirect_with(request, _run_url(run.reference), f"Payment run {run.reference} made")


@router.get("/runs/{run}", response_class=HTMLResponse, dependencies=READ)
def run_detail(request: Request, uow: UowDep, by: PrincipalDep, run: str) -> HTMLResponse:
    return _run_page(request, uow, by, run, {})


@router.post("/runs/{run}/refresh", response_class=HTMLResponse, dependencies=WRITE)
def refresh_run(request: Request, uow: UowDep, by: PrincipalDep, run: str) -> Response:
    return _decide_run(
        request,
        uow,
        by,
        run,
        lambda: payments.refresh_run(uow, run, by=by.actor, now=_now()),
        "Payment run made again from what is known now",
    )


@router.post("/runs/{run}/approve", response_class=HTMLResponse, dependencies=WRITE)
def approve_run(request: Request, uow: UowDep, by: PrincipalDep, run: str) -> Response:
    return _decide_run(
        request,
        uow,
        by,
        run,
        lambda: payments.approve_run(uow, run, by=by.actor, now=_now()),
        f"Payment run {run} approved",
        "It cannot change now.",
    )


# Before the page's route, which would take "NAME.csv" for a provider's name.
@router.get("/runs/{run}/remittance/{provider}.csv", dependencies=READ)
def remittance_csv(
    request: Request, uow: UowDep, by: PrincipalDep, run: str, provider: str
) -> Response:
    table = payment_views.remittance(uow, run, provider=provider, viewer=by.actor)
    return _csv(reports_render.as_csv(table), f"remittance-{run}-{provider}.csv")


@router.get("/runs/{run}/remittance/{provider}", response_class=HTMLResponse, dependencies=READ)
def remittance(
    request: Request, uow: UowDep, by: PrincipalDep, run: str, provider: str
) -> HTMLResponse:
    table = payment_views.remittance(uow, run, provider=provider, viewer=by.actor)
    context = {
        "title": table.title,
        "report": table,
        "run": run,
        "provider": provider,
        "rows": [
            [
                reports_render.text_of(c, col.measure)
                for c, col in zip(r.cells, table.columns, strict=True)
            ]
            for r in table.rows
        ],
        "totals": reports_render.text_of(table.totals.cells[8], table.columns[8].measure)
        if table.totals
        else "",
        "quote": quote,
    }
    return render(request, "payments/remittance.html", context)


@router.get("/runs/{run}/export.csv", dependencies=LEDGER)
def export_csv(request: Request, uow: UowDep, by: PrincipalDep, run: str) -> Response:
    table = payment_views.finance_export(uow, run, viewer=by.actor)
    return _csv(reports_render.as_csv(table), f"payment-run-{run}.csv")


@router.get("/runs/{run}/invoice", response_class=HTMLResponse, dependencies=INVOICE_SENDERS)
def invoice_form(request: Request, uow: UowDep, by: PrincipalDep, run: str) -> HTMLResponse:
    """Finance reconcile a provider's invoice; a provider sends its own (a run it is paid in:
    its own lines only, another's run is not found)."""
    detail = payment_views.run_detail(uow, run, viewer=by.actor)
    return _invoice_page(request, detail, {}, {}, None, provider_view=_is_provider(by))


@router.post(
    "/runs/{run}/invoice",
    response_class=HTMLResponse,
    dependencies=[*INVOICE_SENDERS, csrf_protected()],
)
async def reconcile_invoice(
    request: Request, uow: UowDep, by: PrincipalDep, run: str
) -> HTMLResponse:
    detail = payment_views.run_detail(uow, run, viewer=by.actor)
    errors: dict[str, str] = {}
    async with request.form() as form:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("invoice")
        raw = await upload.read() if upload is not None and not isinstance(upload, str) else b""
    own = _is_provider(by)
    provider = (by.provider_name or "") if own else values.get("provider", "")
    reference = forms.text_field(
        values, "reference", errors, what="the invoice's reference", length=64
    )
    if provider not in [t.provider for t in detail.totals]:
        errors["provider"] = "Select the provider whose invoice it is"
    if not raw:
        errors["invoice"] = "Select the invoice's CSV file"
    if errors or reference is None:
        return _invoice_page(request, detail, values, errors, None, status=400, provider_view=own)
    try:
        source = io.StringIO(raw.decode("utf-8-sig"))
        if own:
            result = invoices.submit_invoice(
                uow, source, run=run, reference=reference, by=by.actor, now=_now()
            )
        else:
            result = payments.reconcile_invoice(
                uow,
                source,
                provider=provider,
                run=run,
                reference=reference,
                by=by.actor,
                now=_now(),
            )
    except UnicodeDecodeError:
        errors["invoice"] = "The invoice must be a CSV file in UTF-8"
        return _invoice_page(request, detail, values, errors, None, status=400, provider_view=own)
    except ImportRejected as rejected:
        errors["invoice"] = "; ".join(
            f"line {p.line}, {p.column}: {p.reason}" for p in rejected.problems[:10]
        )
        return _invoice_page(request, detail, values, errors, None, status=400, provider_view=own)
    except NotFound:
        raise
    except DomainError as error:
        errors["reference"] = forms.sentence(str(error))
        status = forms.refusal_status(error)
        return _invoice_page(
            request, detail, values, errors, None, status=status, provider_view=own
        )
    return _invoice_page(request, detail, values, {}, result, provider_view=own)


@router.get("/invoices", response_class=HTMLResponse, dependencies=READ)
def invoices_received(
    request: Request, uow: UowDep, by: PrincipalDep, run: str = ""
) -> HTMLResponse:
    """Invoices received, newest first, with how each reconciles with its run: finance see
    every provider's, a provider its own."""
    context = {
        "title": "Invoices received" if not _is_provider(by) else "Your invoices",
        "invoices": invoices.list_invoices(uow, viewer=by.actor, run=run or None),
        "provider_view": _is_provider(by),
        "may_resolve": by.actor.role in VISIT_QUERY_READERS,
        "run": run,
        "quote": quote,
    }
    return render(request, "payments/invoices.html", context)


@router.get("/invoices/{provider}/{invoice}", response_class=HTMLResponse, dependencies=READ)
def invoice_detail(
    request: Request, uow: UowDep, by: PrincipalDep, provider: str, invoice: str
) -> HTMLResponse:
    summary, result = invoices.invoice_reconciliation(uow, provider, invoice, viewer=by.actor)
    context = {
        "title": f"Invoice {summary.reference} of {summary.provider}",
        "summary": summary,
        "result": result,
        "quote": quote,
    }
    return render(request, "payments/invoice_detail.html", context)


@router.get("/queries", response_class=HTMLResponse, dependencies=[allow(*VISIT_QUERY_READERS)])
def queries(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    return _queries_page(request, uow, by, {}, {})


@router.post("/queries/{query_id}", response_class=HTMLResponse, dependencies=WRITE)
def resolve_query(
    request: Request, uow: UowDep, by: PrincipalDep, query_id: int, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    field = f"resolution-{query_id}"
    chosen = forms.choice_field(
        values, field, RESOLUTIONS, errors, message="Select whether to pay the visit"
    )
    note = forms.note_field(values, f"note-{query_id}", errors, what="the note")
    if errors or chosen is None:
        return _queries_page(request, uow, by, values, errors, status=400)
    _, status = forms.attempt(
        errors,
        field,
        lambda: payments.resolve_query(
            uow, query_id, Resolution(chosen), note=note or None, by=by.actor, now=_now()
        ),
    )
    if errors:
        return _queries_page(request, uow, by, values, errors, status=status)
    return redirect_with(
        request,
        "/payments/queries",
        "Query resolved",
        "Make the payment run again to pay it accordingly.",
    )


@router.post("/queries/{query_id}/extension", response_class=HTMLResponse, dependencies=AUTHORISE)
def authorise_extension(
    request: Request, uow: UowDep, by: PrincipalDep, query_id: int, values: FormDep
) -> Response:
    """Authorise the over-run of the visit a query was raised on: up to so many minutes
    beyond planned may be paid (0 withdraws an authorisation), with a note; audited."""
    errors: dict[str, str] = {}
    field = f"minutes-{query_id}"
    minutes = forms.whole_number_field(
        values,
        field,
        errors,
        what="the minutes beyond planned",
        low=0,
        high=MOST_EXTRA_MINUTES,
    )
    note = forms.note_field(values, f"extension-note-{query_id}", errors, what="the note")
    if errors or minutes is None:
        return _queries_page(request, uow, by, values, errors, status=400)
    done, status = forms.attempt(
        errors,
        field,
        lambda: payments.authorise_extension(
            uow, minutes, query_id=query_id, note=note or None, by=by.actor, now=_now()
        ),
    )
    if done is None:
        return _queries_page(request, uow, by, values, errors, status=status)
    heading = (
        f"Up to {minutes} minutes beyond planned authorised"
        if minutes
        else "The authorised over-run is withdrawn"
    )
    return redirect_with(
        request,
        "/payments/queries",
        heading,
        "Make the payment run again (or make the next one) to pay it accordingly.",
    )


def _runs_page(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "title": "Payments",
        "runs": payment_views.list_runs(uow, viewer=by.actor),
        "may_write": by.actor.role in PAYERS,
        "may_resolve": by.actor.role in VISIT_QUERY_READERS,
        "provider_view": by.actor.role is Role.PROVIDER,
        "commissioners": [(c.code, c.name) for c in market.list_commissioners(uow)],
        "values": values,
        "errors": errors,
    }
    return render(request, "payments/runs.html", context, status_code=status)


def _decide_run(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    run: str,
    decide: Callable[[], object],
    heading: str,
    text: str = "",
) -> Response:
    """Make a run again or approve it: a refusal is shown on the run's page."""
    errors: dict[str, str] = {}
    _, status = forms.attempt(errors, "decide", decide)
    if errors:
        return _run_page(request, uow, by, run, errors, status=status)
    return redirect_with(request, _run_url(run), heading, text)


def _run_page(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    run: str,
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    detail = payment_views.run_detail(uow, run, viewer=by.actor)
    context = {
        "title": f"Payment run {detail.run.reference}",
        "detail": detail,
        "providers": [t.provider for t in detail.totals],
        "may_write": by.actor.role in PAYERS,
        "may_export": by.actor.role in LEDGER_READERS,
        "may_send_invoice": _is_provider(by),
        "quote": quote,
        "errors": errors,
    }
    return render(request, "payments/run.html", context, status_code=status)


def _queries_page(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "title": "Visit queries to resolve",
        "queries": ecm.open_queries(uow, held_only=True),
        "resolutions": RESOLUTIONS,
        "may_write": by.actor.role in PAYERS,
        "may_authorise": by.actor.role in EXTENSION_AUTHORISERS,
        "most_extra_minutes": MOST_EXTRA_MINUTES,
        "values": values,
        "errors": errors,
    }
    return render(request, "payments/queries.html", context, status_code=status)


def _invoice_page(
    request: Request,
    detail: payment_views.RunDetail,
    values: dict[str, str],
    errors: dict[str, str],
    result: Any,
    *,
    status: int = 200,
    provider_view: bool = False,
) -> HTMLResponse:
    context = {
        "title": f"Reconcile an invoice with run {detail.run.reference}",
        "provider_view": provider_view,
        "detail": detail,
        "providers": [(t.provider, t.provider) for t in detail.totals],
        "result": result,
        "values": values,
        "errors": errors,
    }
    return render(request, "payments/invoice.html", context, status_code=status)


def _is_provider(by: PrincipalDep) -> bool:
    return by.actor.role is Role.PROVIDER


def _run_url(reference: str) -> str:
    return f"/payments/runs/{quote(reference)}"


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _now() -> datetime:
    return datetime.now(UTC)
