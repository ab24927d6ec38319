"""`caremarket evaluate`: a tender evaluation file's report, as text, CSV or an Excel workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from caremarket.reports import render
from caremarket.reports.evaluation import lot_table, tender_table
from caremarket.tenders.file import read_tender


def evaluation_report(path: Path, fmt: str, *, today: date) -> str | bytes:
    """Evaluate the tender in ``path`` and render every lot's report.

    As a table, one table per lot with its notes and each bid's explanation; as CSV, every
    lot's rows under one header (the lot first); as Excel, one sheet per lot with its notes.
    The report is dated the file's ``evaluated_on``, or ``today`` if it has none.
    """
    tender = read_tender(path)
    evaluations = tender.evaluate()
    on = tender.evaluated_on or today
    if fmt == "csv":
        table = tender_table(tender.name, evaluations, commissioner=tender.commissioner, on=on)
        return render.as_csv(table)
    tables = [
        lot_table(e, commissioner=tender.commissioner, on=on, explanations_as_notes=fmt == "table")
        for e in evaluations
    ]
    if fmt == "xlsx":
        return render.as_xlsx_sheets(tables)
    heading = f"{tender.name}: {tender.model.describe()}\n\n"
    return heading + "\n".join(render.as_text(table) for table in tables)
