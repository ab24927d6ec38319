"""A report as plain text, CSV or an Excel workbook: the one place figures are rounded.

Each renderer shows a cell through ``shown``: whole hours and pounds, millions to one place,
percentages to the whole per cent, hourly rates to the penny and tender scores to 2 places,
all half-up, so the three formats agree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from caremarket.domain.money import format_pounds, to_pennies, to_pounds
from caremarket.reports.tables import Cell, Measure, Table

_WHOLE = Decimal(1)
_HUNDREDTH = Decimal("0.01")
_TENTH = Decimal("0.1")
_MILLION = Decimal(1_000_000)
_NOT_IN_SHEET_TITLES = str.maketrans("[]:*?/\\", "()-----")  # Excel refuses them in a title
_XLSX_FORMATS = {
    Measure.COUNT: "#,##0",
    Measure.HOURS: "#,##0",
    Measure.POUNDS: '"£"#,##0',
    Measure.PENCE: '"£"#,##0.00',
    Measure.POINTS: "0.00",
    Measure.MILLIONS: '"£"0.0"m"',
    Measure.PERCENT: "0%",
    Measure.TENTHS: "#,##0.0",
    Measure.INDEX: "#,##0",
}


def as_text(table: Table) -> str:
    """An aligned plain-text table with its title, date, totals and notes."""
    header = [c.heading for c in table.columns]
    body = [
        [text_of(cell, c.measure) for cell, c in zip(row.cells, table.columns, strict=True)]
        for row in table.all_rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [table.title, _subtitle(table), ""]
    lines.append(_aligned(header, widths, table))
    lines.append("  ".join("-" * w for w in widths))
    for row, cells in zip(table.all_rows, body, strict=True):
        if row is table.totals:
            lines.append("  ".join("-" * w for w in widths))
        lines.append(_aligned(cells, widths, table))
    if table.notes:
        lines.append("")
        lines.extend(table.notes)
    return "\n".join(lines) + "\n"


def as_csv(table: Table) -> str:
    """One header line and one line per row: figures rounded as shown, without £ or commas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_csv_heading(c.heading, c.measure) for c in table.columns])
    for row in table.all_rows:
        writer.writerow(
            "" if cell is None else shown(cell, c.measure)
            for cell, c in zip(row.cells, table.columns, strict=True)
        )
    return out.getvalue()


def as_xlsx(table: Table) -> bytes:
    """A workbook of one sheet: numbers as numbers, with number formats to show them."""
    return as_xlsx_sheets([table])


def as_xlsx_sheets(tables: Sequence[Table]) -> bytes:
    """A workbook of one sheet per table (a tender's lots), in order, named by their titles."""
    book = Workbook()
    for i, table in enumerate(tables):
        sheet = book.active if i == 0 else book.create_sheet()
        _fill(sheet, table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Worksheet, table: Table) -> None:
    sheet.title = table.title.translate(_NOT_IN_SHEET_TITLES)[:31]
    sheet.append([table.title])
    sheet.append([_subtitle(table)])
    sheet.append([])
    sheet.append([c.heading for c in table.columns])
    bold = Font(bold=True)
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in table.all_rows:
        sheet.append(
            [_xlsx_value(cell, c.measure) for cell, c in zip(row.cells, table.columns, strict=True)]
        )
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            cell.number_format = _XLSX_FORMATS.get(column.measure, "General")
            if row.subtotal or row is table.totals:
                cell.font = bold
    if table.notes:
        sheet.append([])
        for note in table.notes:
            sheet.append([note])


def shown(value: Cell, measure: Measure) -> str | int | Decimal:
    """The figure as the report shows it (rounded half-up), still a number where it is one."""
    if value is None or measure is Measure.LABEL or isinstance(value, str):
        return "" if value is None else value
    if measure is Measure.COUNT:
        return int(value)
    if measure is Measure.POUNDS:
        return to_pounds(Decimal(value))
    if measure is Measure.PENCE:
        return to_pennies(Decimal(value))
    if measure is Measure.POINTS:
        return Decimal(value).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    if measure is Measure.MILLIONS:
        return (Decimal(value) / _MILLION).quantize(_TENTH, rounding=ROUND_HALF_UP)
    if measure is Measure.TENTHS:
        return Decimal(value).quantize(_TENTH, rounding=ROUND_HALF_UP)
    return Decimal(value).quantize(_WHOLE, rounding=ROUND_HALF_UP)


def text_of(value: Cell, measure: Measure) -> str:
    """A figure as the text and HTML tables show it: '£1,381,931', '£10.8m', '67%'."""
    figure = shown(value, measure)
    if isinstance(figure, str):
        return figure
    if measure is Measure.POUNDS:
        return f"-£{-figure:,}" if figure < 0 else f"£{figure:,}"
    if measure is Measure.PENCE:
        return format_pounds(Decimal(figure), pence=True)
    if measure is Measure.POINTS:
        return str(figure)
    if measure is Measure.MILLIONS:
        return f"£{figure}m"
    if measure is Measure.PERCENT:
        return f"{figure}%"
    return f"{figure:,}"


def _aligned(cells: list[str], widths: list[int], table: Table) -> str:
    parts = [
        cell.ljust(width) if column.measure is Measure.LABEL else cell.rjust(width)
        for cell, width, column in zip(cells, widths, table.columns, strict=True)
    ]
    return "  ".join(parts).rstrip()


def _csv_heading(heading: str, measure: Measure) -> str:
    units = {
        Measure.POUNDS: " (£)",
        Measure.PENCE: " (£)",
        Measure.MILLIONS: " (£m)",
        Measure.PERCENT: " (%)",
    }
    suffix = units.get(measure, "")
    return heading if heading.endswith(suffix) else heading + suffix


def _xlsx_value(value: Cell, measure: Measure) -> str | int | float | Decimal | None:
    if value is None:
        return None
    figure = shown(value, measure)
    if measure is Measure.PERCENT and not isinstance(figure, str):
        return figure / 100  # Excel's 0% format shows a fraction as per cent
    return figure


def _subtitle(table: Table) -> str:
    return f"{table.commissioner}, {period_of(table)}"


def period_of(table: Table) -> str:
    """'1 August 2017', or over a period '3 August to 28 September 2026'."""
    last = f"{table.on.day} {table.on:%B %Y}"
    if table.since is None:
        return last
    return f"{table.since.day} {table.since:%B %Y} to {last}"
