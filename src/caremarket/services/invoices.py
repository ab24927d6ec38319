"""Providers' invoices: a provider sends its own invoice for a run it is paid in, and sees it
reconciled line by line; finance officers see every invoice received with its reconciliation.

A provider's invoice is matched against its own lines of the run only; a run it has no lines
in, and another provider's invoice, do not exist for it. Each invoice's reconciliation is made
again from the run's lines as they stand when it is read (a draft run may be made again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.reconciliation import Difference, Reconciliation, reconcile
from caremarket.imports.csvfile import Source
from caremarket.imports.invoices import read_invoice
from caremarket.services.brokerage import acting_provider
from caremarket.services.ports import ReceivedInvoice, UnitOfWork

INVOICE = "invoice"  # the audit trail's object type, as finance's reconciliations name it


class InvoiceUnnamed(DomainError):
    """Finance sent an invoice without saying whose it is."""


@dataclass(frozen=True)
class InvoiceSummary:
    provider: str
    reference: str
    run: str | None
    period_first: date
    period_last: date
    received_at: datetime
    received_by: str
    lines: int
    matched: int
    missing: int
    extra: int
    different: int  # in minutes, amount or both
    invoiced: Decimal
    paid: Decimal  # what the run pays the provider
    difference: Decimal  # invoiced less paid
    agrees: bool  # no line differs and the totals are equal


def submit_invoice(
    uow: UnitOfWork, source: Source, *, run: str, reference: str, by: Actor, now: datetime
) -> Reconciliation:
    """A provider's own invoice for a run it is paid in, kept and reconciled with its lines."""
    with uow:
        provider = acting_provider(uow, by)
        payment_run = uow.payment_runs.find(run)
        lines = uow.payment_runs.lines(payment_run, provider_id=provider.id) if payment_run else []
        if payment_run is None or not lines:
            raise NotFound(f"there is no payment run {run}")
        invoice = read_invoice(source, reference=reference, period=payment_run.period)
        if uow.invoices.find(provider.id, reference) is not None:
            raise Conflict(f"invoice {reference} of {provider.name} was already received")
        uow.invoices.add(
            invoice, provider_id=provider.id, run_id=payment_run.id, at=now, by=by.name
        )
        result = reconcile(invoice, lines)
        uow.audit.record(
            entry(
                by,
                now,
                "invoice submitted",
                (INVOICE, f"{provider.name} {reference}"),
                {
                    "run": payment_run.reference,
                    "invoiced": str(result.invoiced),
                    "paid": str(result.paid),
                    "differences": len(result.differences),
                },
            )
        )
        uow.commit()
    return result


def list_invoices(
    uow: UnitOfWork, *, viewer: Actor, run: str | None = None
) -> list[InvoiceSummary]:
    """Invoices received, newest first, each with its reconciliation's counts and totals; a
    provider sees its own only."""
    with uow:
        run_id = None
        if run is not None:
            found = uow.payment_runs.find(run)
            if found is None:
                raise NotFound(f"there is no payment run {run}")
            run_id = found.id
        received = uow.invoices.received(provider_id=_own(viewer), run_id=run_id)
        return [_summary(r, _reconciled(uow, r)) for r in received]


def invoice_reconciliation(
    uow: UnitOfWork, provider: str, reference: str, *, viewer: Actor
) -> tuple[InvoiceSummary, Reconciliation]:
    """One invoice and its reconciliation with its run; NotFound for another provider's."""
    with uow:
        found = uow.providers.find(provider)
        own = _own(viewer)
        if found is None or (own is not None and found.id != own):
            raise NotFound(f"there is no invoice {reference} of {provider}")
        wanted = [
            r
            for r in uow.invoices.received(provider_id=found.id)
            if r.invoice.reference == reference
        ]
        if not wanted:
            raise NotFound(f"there is no invoice {reference} of {provider}")
        result = _reconciled(uow, wanted[0])
        return _summary(wanted[0], result), result


def _reconciled(uow: UnitOfWork, received: ReceivedInvoice) -> Reconciliation:
    lines = []
    if received.run is not None:
        run = uow.payment_runs.get(received.run)
        lines = uow.payment_runs.lines(run, provider_id=received.provider_id)
    return reconcile(received.invoice, lines)


def _summary(received: ReceivedInvoice, result: Reconciliation) -> InvoiceSummary:
    invoice = received.invoice
    return InvoiceSummary(
        provider=received.provider,
        reference=invoice.reference,
        run=received.run,
        period_first=invoice.period.first,
        period_last=invoice.period.last,
        received_at=received.received_at,
        received_by=received.received_by,
        lines=len(invoice.lines),
        matched=result.matched,
        missing=result.count(Difference.MISSING),
        extra=result.count(Difference.EXTRA),
        different=len(result.differences)
        - result.count(Difference.MISSING)
        - result.count(Difference.EXTRA),
        invoiced=result.invoiced,
        paid=result.paid,
        difference=result.difference,
        agrees=not result.differences and result.difference == 0,
    )


def _own(viewer: Actor) -> int | None:
    if viewer.role is Role.PROVIDER:
        if viewer.provider_id is None:
            raise NotFound("a provider account must name its provider")
        return viewer.provider_id
    return None
