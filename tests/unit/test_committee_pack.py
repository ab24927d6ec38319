"""The committee pack's document and charts, without a database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from caremarket.reports.pack import Pack, Section, as_html
from caremarket.reports.tables import Column, Measure, Row, Table
from caremarket.web.committee_pack import chart_of


def a_table(*rows: tuple[str, Decimal]) -> Table:
    return Table(
        title="Gap & more",
        commissioner="Herefordshire Council",
        on=date(2017, 4, 1),
        columns=(Column("Zone"), Column("Gap an hour", Measure.PENCE)),
        rows=tuple(Row(r) for r in rows),
        notes=("A <note>.",),
    )


def test_a_report_without_a_named_chart_gets_a_bar_chart_of_its_first_figure() -> None:
    svg = chart_of("a-new-report", a_table(("A", Decimal("-2.5")), ("B", Decimal(1))),
                   chart_id="c")  # fmt: skip
    assert svg is not None and svg.startswith("<svg")
    assert '<desc id="c-desc">A: -£2.50; B: £1.00.</desc>' in svg
    # a minus is shown, and its bar drawn as long as its size: 2.5 of 2.5 is the full 250
    assert 'width="250.0"' in svg and 'width="100.0"' in svg


def test_the_document_escapes_text_and_says_why_a_report_could_not_be_run() -> None:
    pack = Pack(
        commissioner="HFD",
        council="Herefordshire Council",
        since=date(2017, 1, 2),
        on=date(2017, 4, 1),
        produced_at=datetime(2026, 12, 1, 9, 5),
        sections=[
            Section("gap", "Gap", "What it counts.", a_table(("A & B", Decimal(1)))),
            Section("forecast", "Forecast", "Next year.", None, problem="no rate card in force"),
        ],
    )
    html = as_html(pack)
    assert "<title>Home care market report — Herefordshire Council — 2 January 2017" in html
    assert "Produced on 1 December 2026 at 09:05" in html
    assert '<th scope="row">A &amp; B</th>' in html and "A &lt;note&gt;." in html
    assert "This report could not be run: no rate card in force" in html
    assert html.index('href="#section-gap"') < html.index('href="#section-forecast"')
