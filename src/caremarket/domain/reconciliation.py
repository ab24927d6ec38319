"""A provider's invoice matched line by line to a payment run: what differs, with totals.

Lines are matched by the provider's visit ID; an invoice line without one is matched by its
package and day (the first run line of that package and day not already matched). A visit is
*missing* when the run pays it and the invoice does not claim it, *extra* when the invoice
claims it and the run has no line for it (or holds it: not paid yet), and *different* when both
have it with other minutes or another amount. Minutes compared are the run's payable minutes
(for each carer paid); the amount is the run's for the visit, adjustments included.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.payment_runs import RunLine
from caremarket.domain.schedules import DateRange

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class InvoiceLine:
    line: int  # in the provider's file
    visit_id: str | None
    package_reference: str | None
    day: date
    minutes: int
    amount: Decimal


@dataclass(frozen=True)
class Invoice:
    reference: str
    period: DateRange
    lines: tuple[InvoiceLine, ...]

    @property
    def total(self) -> Decimal:
        return sum((x.amount for x in self.lines), ZERO)


class Difference(enum.StrEnum):
    MISSING = "missing"  # paid by the run, not invoiced
    EXTRA = "extra"  # invoiced, not paid by the run
    MINUTES = "different minutes"
    AMOUNT = "different amount"
    MINUTES_AND_AMOUNT = "different minutes and amount"


@dataclass(frozen=True)
class Compared:
    difference: Difference
    visit_id: str | None
    package_reference: str | None
    day: date
    invoice_line: int | None
    invoiced_minutes: int | None
    paid_minutes: int | None
    invoiced: Decimal
    paid: Decimal

    @property
    def amount_difference(self) -> Decimal:
        return self.invoiced - self.paid


@dataclass(frozen=True)
class Reconciliation:
    invoice: Invoice
    differences: tuple[Compared, ...]
    matched: int  # invoice lines that agree with the run
    invoiced: Decimal
    paid: Decimal  # what the run pays the provider

    @property
    def difference(self) -> Decimal:
        return self.invoiced - self.paid

    def count(self, kind: Difference) -> int:
        return sum(1 for d in self.differences if d.difference is kind)


@dataclass
class _Visit:
    visit_id: str
    package_reference: str | None
    day: date
    minutes: int
    amount: Decimal


def reconcile(invoice: Invoice, run_lines: Iterable[RunLine]) -> Reconciliation:
    """The invoice against one provider's lines of a run (held lines are not paid)."""
    visits = _visits(run_lines)
    by_id = {v.visit_id: v for v in visits}
    unmatched = list(visits)
    differences: list[Compared] = []
    matched = 0
    for line in invoice.lines:
        visit = by_id.get(line.visit_id or "") if line.visit_id else _by_day(line, unmatched)
        if visit is None or visit not in unmatched:
            differences.append(_extra(line))
            continue
        unmatched.remove(visit)
        kind = _kind(line, visit)
        if kind is None:
            matched += 1
        else:
            differences.append(_compared(kind, line, visit))
    differences.extend(_missing(v) for v in unmatched)
    return Reconciliation(
        invoice=invoice,
        differences=tuple(sorted(differences, key=_order)),
        matched=matched,
        invoiced=invoice.total,
        paid=sum((v.amount for v in visits), ZERO),
    )


def _visits(lines: Iterable[RunLine]) -> list[_Visit]:
    """The run's paid visits: a visit's lines (its adjustments) added together."""
    found: dict[str, _Visit] = {}
    for line in lines:
        if line.held:
            continue
        visit = found.get(line.visit_id)
        if visit is None:
            found[line.visit_id] = _Visit(
                line.visit_id,
                line.package_reference,
                line.day,
                line.payable_minutes * max(line.carers_paid, 1),
                line.amount,
            )
        else:
            visit.amount += line.amount
            visit.minutes = line.payable_minutes * max(line.carers_paid, 1)
    return list(found.values())


def _by_day(line: InvoiceLine, visits: Sequence[_Visit]) -> _Visit | None:
    return next(
        (v for v in visits if v.package_reference == line.package_reference and v.day == line.day),
        None,
    )


def _kind(line: InvoiceLine, visit: _Visit) -> Difference | None:
    minutes, amount = line.minutes != visit.minutes, line.amount != visit.amount
    if minutes and amount:
        return Difference.MINUTES_AND_AMOUNT
    if minutes:
        return Difference.MINUTES
    if amount:
        return Difference.AMOUNT
    return None


def _compared(kind: Difference, line: InvoiceLine, visit: _Visit) -> Compared:
    return Compared(
        kind,
        visit.visit_id,
        visit.package_reference,
        visit.day,
        line.line,
        line.minutes,
        visit.minutes,
        line.amount,
        visit.amount,
    )


def _extra(line: InvoiceLine) -> Compared:
    return Compared(
        Difference.EXTRA,
        line.visit_id,
        line.package_reference,
        line.day,
        line.line,
        line.minutes,
        None,
        line.amount,
        ZERO,
    )


def _missing(visit: _Visit) -> Compared:
    return Compared(
        Difference.MISSING,
        visit.visit_id,
        visit.package_reference,
        visit.day,
        None,
        None,
        visit.minutes,
        ZERO,
        visit.amount,
    )


def _order(item: Compared) -> tuple:
    return (item.day, item.package_reference or "", item.visit_id or "", item.invoice_line or 0)
