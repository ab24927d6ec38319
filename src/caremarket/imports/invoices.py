"""A provider's invoice CSV: one row per visit claimed (docs/formats.md, "Provider invoices").

Columns: ``visit_id`` (the provider's visit ID, as in its ECM records; may be blank),
``package_reference``, ``date`` (YYYY-MM-DD or DD/MM/YYYY), ``minutes`` (the minutes claimed:
for each carer together), ``amount`` (pounds and pence). Other columns are read past.
"""

from __future__ import annotations

from caremarket.domain.money import parse_money
from caremarket.domain.reconciliation import Invoice, InvoiceLine
from caremarket.domain.schedules import DateRange
from caremarket.imports.csvfile import Columns, Source, read_table
from caremarket.imports.fields import parse_count, parse_date
from caremarket.imports.problems import Problems

INVOICE_COLUMNS = Columns(
    required=("package_reference", "date", "minutes", "amount"), optional=("visit_id",)
)


def read_invoice(source: Source, *, reference: str, period: DateRange) -> Invoice:
    """Every line of the invoice, or ImportRejected naming every bad row."""
    table = read_table(source, INVOICE_COLUMNS)
    problems = Problems()
    lines = []
    for row in table.rows:
        before = len(problems)
        package = problems.cell(row, "package_reference", str)
        day = problems.cell(row, "date", parse_date)
        minutes = problems.cell(row, "minutes", parse_count)
        amount = problems.cell(row, "amount", parse_money)
        if day is not None and day not in period:
            problems.add(row.line, "date", row.get("date"), "outside the invoice's period")
        if len(problems) > before or day is None or minutes is None or amount is None:
            continue
        lines.append(
            InvoiceLine(row.line, row.get("visit_id") or None, package, day, minutes, amount)
        )
    problems.duplicates(
        ((x.line, x.visit_id, x.visit_id) for x in lines if x.visit_id), "visit_id", "visit"
    )
    problems.raise_if_any(table.warnings)
    return Invoice(reference, period, tuple(lines))
