"""Hourly rates and tender scores in the report renderers: to the penny and to 2 places,
half-up, alike on the screen, in a CSV file and in a workbook."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl

from caremarket.reports.render import as_csv, as_text, as_xlsx_sheets, text_of
from caremarket.reports.tables import Column, Measure, Row, Table


def a_table(title: str) -> Table:
    return Table(
        title,
        "Example Council",
        date(2027, 3, 1),
        (Column("bidder"), Column("rate", Measure.PENCE), Column("total", Measure.POINTS)),
        (Row(("Elm", Decimal("19.5"), Decimal(30) + Decimal(18) + Decimal(21) / 27 * 30)),),
        notes=("a note",),
    )


def test_a_score_shows_to_2_places_half_up_and_a_rate_to_the_penny() -> None:
    assert text_of(Decimal("71.325"), Measure.POINTS) == "71.33"
    assert text_of(Decimal("19.5"), Measure.PENCE) == "£19.50"
    assert "Elm     £19.50  71.33" in as_text(a_table("Lot N"))
    assert as_csv(a_table("Lot N")) == "bidder,rate (£),total\nElm,19.50,71.33\n"


def test_a_workbook_has_a_sheet_per_table_with_titles_excel_accepts() -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(as_xlsx_sheets([a_table("Lot N, North"), a_table("Lot S/W: [rural]?")]))
    )
    assert book.sheetnames == ["Lot N, North", "Lot S-W- (rural)-"]
    total = book["Lot N, North"]["C5"]
    assert (total.value, total.number_format) == (71.33, "0.00")
