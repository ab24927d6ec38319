"""A payment run as tables: a provider's remittance advice, and the export for the finance
system (its layout is in docs/formats.md, "Payment run export"). Rendered by `render.py`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from caremarket.domain.packages import PERSONAL_CONTRIBUTION
from caremarket.domain.payment_runs import PaymentRun, RunLine
from caremarket.reports.tables import Column, Measure, Row, Table

EXPORT_COLUMNS = (
    Column("run"),
    Column("period_start"),
    Column("period_end"),
    Column("provider"),
    Column("line"),
    Column("adjusts_line"),
    Column("visit_id"),
    Column("package_reference"),
    Column("date"),
    Column("funder"),
    Column("amount", Measure.PENCE),
)


def remittance_table(
    run: PaymentRun, provider: str, lines: Sequence[RunLine], *, commissioner: str
) -> Table:
    """Each of the provider's lines, paid or held; the totals are what is paid."""
    mine = [x for x in lines if x.provider == provider]
    rows = tuple(
        Row(
            (
                x.day.isoformat(),
                x.visit_id,
                x.package_reference or "",
                _status(x),
                x.decided,
                x.payable_minutes,
                x.carers_paid,
                x.rate,
                x.amount,
                str(x.adjusts_id) if x.adjusts_id else "",
            )
        )
        for x in mine
    )
    paid = sum((x.amount for x in mine if not x.held), Decimal("0.00"))
    held = [x for x in mine if x.held]
    notes = [f"Payment run {run.reference}, {_period(run)}: {run.status}."]
    contributions = sum(
        (a for x in mine if not x.held for f, a in x.funders if f == PERSONAL_CONTRIBUTION),
        Decimal("0.00"),
    )
    if contributions:
        notes.append(
            f"Of the total paid, the people's assessed contributions: £{contributions:,.2f}"
            " (the council collects them from the people; the export lists them as PERSON)."
        )
    if held:
        held_sum = sum((x.amount for x in held), Decimal("0.00"))
        notes.append(
            f"{len(held)} visits held for queries (£{held_sum:,.2f}) are not paid in this run:"
            " they are paid in a later run once resolved."
        )
    return Table(
        title=f"Remittance advice: {provider}",
        commissioner=commissioner,
        on=run.period.last,
        columns=(
            Column("Date"),
            Column("Visit"),
            Column("Package"),
            Column("Status"),
            Column("Rule"),
            Column("Payable minutes", Measure.COUNT),
            Column("Carers paid", Measure.COUNT),
            Column("Rate", Measure.PENCE),
            Column("Amount", Measure.PENCE),
            Column("Adjusts line"),
        ),
        rows=rows,
        totals=Row(("Total paid", "", "", "", "", None, None, None, paid, "")),
        notes=tuple(notes),
    )


def export_table(run: PaymentRun, lines: Sequence[RunLine], *, commissioner: str) -> Table:
    """One row for each funder of each line paid (held lines are not paid, so not here)."""
    rows = tuple(
        Row(
            (
                run.reference,
                run.period.first.isoformat(),
                run.period.last.isoformat(),
                x.provider,
                str(x.id or ""),
                str(x.adjusts_id or ""),
                x.visit_id,
                x.package_reference or "",
                x.day.isoformat(),
                funder,
                amount,
            )
        )
        for x in lines
        if not x.held
        for funder, amount in x.funders
    )
    return Table(
        title=f"Payment run {run.reference} for the finance system",
        commissioner=commissioner,
        on=run.period.last,
        columns=EXPORT_COLUMNS,
        rows=rows,
    )


def _status(line: RunLine) -> str:
    if line.held:
        return "held"
    return "adjustment" if line.adjustment else "paid"


def _period(run: PaymentRun) -> str:
    return f"{run.period.first:%d/%m/%Y} to {run.period.last:%d/%m/%Y}"
