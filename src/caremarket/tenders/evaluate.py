"""`caremarket evaluate`: a tender evaluation file's report, as text, CSV or an Excel workbook."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from caremarket.domain.evaluation import LotEvaluation
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
    return render_evaluations(
        tender.name,
        tender.model.describe(),
        tender.evaluate(),
        fmt,
        commissioner=tender.commissioner,
        on=tender.evaluated_on or today,
    )


def render_evaluations(
    name: str,
    model: str,
    evaluations: Sequence[LotEvaluation],
    fmt: str,
    *,
    commissioner: str,
    on: date,
) -> str | bytes:
    """Lots' evaluations as `fmt` (table, csv or xlsx): from a file, or from the database."""
    if fmt == "csv":
        return render.as_csv(tender_table(name, evaluations, commissioner=commissioner, on=on))
    tables = [
        lot_table(e, commissioner=commissioner, on=on, explanations_as_notes=fmt == "table")
        for e in evaluations
    ]
    if fmt == "xlsx":
        return render.as_xlsx_sheets(tables)
    heading = f"{name}: {model}\n\n"
    return heading + "\n".join(render.as_text(table) for table in tables)
