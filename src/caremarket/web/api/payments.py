"""Payments: payment rule sets by name, payment runs (made, made again, approved, read),
remittances, the finance export, visit queries resolved (they are listed by GET
/api/ecm/queries) and invoices reconciled. Finance
officers and administrators write; a provider reads its own runs and remittances only."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import Response
from pydantic import BaseModel, Field

from caremarket.domain.access import (
    EXTENSION_AUTHORISERS,
    LEDGER_READERS,
    PAYERS,
    PAYMENT_READERS,
    PROVIDERS,
    Role,
)
from caremarket.domain.errors import NotFound
from caremarket.domain.payment_runs import PaymentRun
from caremarket.domain.payments import rules_to_mapping
from caremarket.domain.reconciliation import Reconciliation
from caremarket.domain.visit_queries import Resolution
from caremarket.reports import render
from caremarket.services import invoices, payment_views, payments
from caremarket.services.accounts import Principal
from caremarket.services.invoices import InvoiceSummary, InvoiceUnnamed
from caremarket.services.payment_views import RunDetail, RunSummary
from caremarket.web.access import allow
from caremarket.web.deps import UowDep

router = APIRouter(tags=["payments"])
Payer = Annotated[Principal, allow(*PAYERS)]
Reader = Annotated[Principal, allow(*PAYMENT_READERS)]
LedgerReader = Annotated[Principal, allow(*LEDGER_READERS)]
InvoiceSender = Annotated[Principal, allow(*(PAYERS | PROVIDERS))]  # a provider: its own
Authoriser = Annotated[Principal, allow(*EXTENSION_AUTHORISERS)]


class RunBody(BaseModel):
    commissioner: str
    period_start: date
    period_end: date = Field(description="A week (7 days) or four weeks (28) after the start.")


class ReconciledInvoice(BaseModel):
    invoice: InvoiceSummary
    reconciliation: Reconciliation


class ResolutionBody(BaseModel):
    resolution: Resolution
    note: str | None = Field(None, max_length=2000)


class ExtensionBody(BaseModel):
    minutes: int = Field(ge=0, le=24 * 60, description="Beyond planned; 0 withdraws it.")
    provider: str | None = Field(None, description="With visit_id: the visit, if no query.")
    visit_id: str | None = None
    note: str | None = Field(None, max_length=2000)


class ContributionBody(BaseModel):
    weekly: Decimal | None = Field(
        None, ge=0, decimal_places=2, description="Pounds a week; null takes it away."
    )


class InvoiceBody(BaseModel):
    provider: str | None = Field(
        None, description="Whose invoice: finance name it; a provider sends its own."
    )
    reference: str = Field(min_length=1, max_length=64)
    csv: str = Field(description="The invoice in the layout of docs/formats.md.")


@router.get("/payment-rules")
def list_payment_rules(uow: UowDep, by: LedgerReader) -> list[dict[str, Any]]:
    with uow:
        return [
            {**rules_to_mapping(rules), "set_at": at, "set_by": who}
            for rules, at, who in uow.payment_rules.list()
        ]


@router.put("/payment-rules/{name}")
def set_payment_rules(
    uow: UowDep,
    by: Payer,
    name: str,
    body: Annotated[dict[str, Any], Body(description="The rules (docs/payments.md).")],
) -> dict[str, Any]:
    rules = payments.set_payment_rules(
        uow, {**body, "name": name}, by=by.actor, now=datetime.now(UTC)
    )
    return rules_to_mapping(rules)


@router.get("/payment-runs")
def list_runs(uow: UowDep, by: Reader, commissioner: str | None = None) -> list[RunSummary]:
    return payment_views.list_runs(uow, viewer=by.actor, commissioner=commissioner)


@router.post("/payment-runs", status_code=201)
def create_run(uow: UowDep, by: Payer, body: RunBody) -> PaymentRun:
    return payments.create_run(
        uow,
        body.commissioner,
        body.period_start,
        body.period_end,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.get("/payment-runs/{run}")
def read_run(uow: UowDep, by: Reader, run: str) -> RunDetail:
    return payment_views.run_detail(uow, run, viewer=by.actor)


@router.post("/payment-runs/{run}/refresh")
def refresh_run(uow: UowDep, by: Payer, run: str) -> PaymentRun:
    return payments.refresh_run(uow, run, by=by.actor, now=datetime.now(UTC))


@router.post("/payment-runs/{run}/approval")
def approve_run(uow: UowDep, by: Payer, run: str) -> PaymentRun:
    return payments.approve_run(uow, run, by=by.actor, now=datetime.now(UTC))


@router.get("/payment-runs/{run}/remittances/{provider}")
def remittance_csv(uow: UowDep, by: Reader, run: str, provider: str) -> Response:
    table = payment_views.remittance(uow, run, provider=provider, viewer=by.actor)
    return _csv(render.as_csv(table), f"remittance-{run}-{provider}.csv")


@router.get("/payment-runs/{run}/export")
def finance_export(uow: UowDep, by: LedgerReader, run: str) -> Response:
    table = payment_views.finance_export(uow, run, viewer=by.actor)
    return _csv(render.as_csv(table), f"payment-run-{run}.csv")


@router.post("/payment-runs/{run}/invoices")
def reconcile_invoice(
    uow: UowDep, by: InvoiceSender, run: str, body: InvoiceBody
) -> Reconciliation:
    """An invoice matched line by line to the run. A provider sends its own, for a run it is
    paid in (its lines only); finance name the provider."""
    if by.actor.role is Role.PROVIDER:
        if body.provider not in (None, by.provider_name):
            raise NotFound(f"there is no provider {body.provider}")
        return invoices.submit_invoice(
            uow,
            io.StringIO(body.csv),
            run=run,
            reference=body.reference,
            by=by.actor,
            now=datetime.now(UTC),
        )
    if body.provider is None:
        raise InvoiceUnnamed("say whose invoice it is: the provider")
    return payments.reconcile_invoice(
        uow,
        io.StringIO(body.csv),
        provider=body.provider,
        run=run,
        reference=body.reference,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.get("/invoices")
def list_invoices(uow: UowDep, by: Reader, run: str | None = None) -> list[InvoiceSummary]:
    """Invoices received, newest first, with how they reconcile; a provider sees its own."""
    return invoices.list_invoices(uow, viewer=by.actor, run=run)


@router.get("/invoices/{provider}/{invoice}")
def read_invoice(uow: UowDep, by: Reader, provider: str, invoice: str) -> ReconciledInvoice:
    """One invoice reconciled with its run's lines as they stand."""
    summary, result = invoices.invoice_reconciliation(uow, provider, invoice, viewer=by.actor)
    return ReconciledInvoice(invoice=summary, reconciliation=result)


@router.post("/visit-queries/{query_id}/resolution", status_code=204)
def resolve_query(uow: UowDep, by: Payer, query_id: int, body: ResolutionBody) -> Response:
    payments.resolve_query(
        uow, query_id, body.resolution, note=body.note, by=by.actor, now=datetime.now(UTC)
    )
    return Response(status_code=204)


@router.post("/visit-queries/{query_id}/extension", status_code=204)
def authorise_extension_on_query(
    uow: UowDep, by: Authoriser, query_id: int, body: ExtensionBody
) -> Response:
    """Authorise the over-run of the visit a query was raised on."""
    payments.authorise_extension(
        uow, body.minutes, query_id=query_id, note=body.note, by=by.actor, now=datetime.now(UTC)
    )
    return Response(status_code=204)


@router.post("/visit-extensions", status_code=204)
def authorise_extension(uow: UowDep, by: Authoriser, body: ExtensionBody) -> Response:
    """Authorise a visit's over-run, by its provider and visit ID (its current version)."""
    payments.authorise_extension(
        uow,
        body.minutes,
        provider=body.provider,
        visit_id=body.visit_id,
        note=body.note,
        by=by.actor,
        now=datetime.now(UTC),
    )
    return Response(status_code=204)


@router.put("/packages/{reference}/assessed-contribution", status_code=204)
def set_assessed_contribution(
    uow: UowDep, by: Payer, reference: str, body: ContributionBody
) -> Response:
    """The person's assessed contribution to the package, pounds a week."""
    payments.set_assessed_contribution(
        uow, reference, body.weekly or None, by=by.actor, now=datetime.now(UTC)
    )
    return Response(status_code=204)


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
