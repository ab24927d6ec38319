"""The committee pack as a document: a printable HTML file, and the same as a PDF.

A pack is a title page's facts (the council, the period, when it was produced) and sections,
each a report's table with its chart (SVG from ``charts.py``), the report's basis and what it
was run for. ``as_html`` writes one self-contained A4 document with a print stylesheet (no
GOV.UK header or navigation, no scripts, nothing fetched); ``as_pdf`` lays that out with
WeasyPrint, which numbers the pages. Tables are shown as ``render.text_of`` shows them, so a
figure in the pack is the figure ``caremarket report NAME`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from caremarket.reports.render import text_of
from caremarket.reports.tables import Measure, Table

WIDE_COLUMNS = 7  # a table of more columns is printed on a landscape page


@dataclass(frozen=True)
class Section:
    name: str  # the report's name in the registry: "zone-demand"; an anchor in the document
    title: str  # "Zone demand", "Market share by provider"
    basis: str  # the report's description: what it counts
    table: Table | None  # None: it could not be run (``problem`` says why)
    chart: str | None = None  # SVG
    filters: str = ""  # what else it was run for: "grouped by provider", "vehicle HFD-DPS"
    problem: str = ""

    @property
    def anchor(self) -> str:
        return f"section-{self.name}"


@dataclass(frozen=True)
class Pack:
    commissioner: str  # code
    council: str  # name
    since: date
    on: date
    produced_at: datetime  # local time
    sections: Sequence[Section]

    @property
    def title(self) -> str:
        return f"Home care market report — {self.council} — {period(self.since, self.on)}"


def period(since: date, on: date) -> str:
    """'3 August 2026 to 28 September 2026'."""
    return f"{_long(since)} to {_long(on)}"


def ran_for(section: Section, pack: Pack) -> str:
    """The sentence that says what a section was run for: its period or day and filters."""
    table = section.table
    if table is None:
        when = f"the period {period(pack.since, pack.on)}"
    elif table.since is not None:
        when = f"the period {period(table.since, table.on)}"
    else:
        when = f"{_long(table.on)}, the period's last day"
    extra = f", {section.filters}" if section.filters else ""
    return f"Run for {pack.council}, {when}{extra}."


def as_html(pack: Pack) -> str:
    """The pack as one HTML document, ready to print or to lay out as a PDF."""
    return _template().render(
        pack=pack,
        produced=f"{_long(pack.produced_at.date())} at {pack.produced_at:%H:%M}",
        ran_for=ran_for,
        cells=_cells,
        wide=WIDE_COLUMNS,
        numeric=lambda measure: measure is not Measure.LABEL,
    )


def as_pdf(html: str) -> bytes:
    """The HTML pack laid out on A4 pages, numbered, as PDF. WeasyPrint needs Pango (a system
    library: Debian's libpango-1.0-0), so it is imported only when a PDF is asked for."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _cells(table: Table) -> list[tuple[bool, list[str]]]:
    """Each row's cells as shown, and whether it is a total (printed bold)."""
    return [
        (
            row.subtotal or row is table.totals,
            [
                "" if cell is None else text_of(cell, column.measure)
                for cell, column in zip(row.cells, table.columns, strict=True)
            ],
        )
        for row in table.all_rows
    ]


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _template():  # type: ignore[no-untyped-def]
    environment = Environment(autoescape=select_autoescape(default=True))
    environment.filters["svg"] = Markup  # our own charts' SVG, escaped where it was drawn
    return environment.from_string(_DOCUMENT)


_STYLE = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                   font: 9pt arial, helvetica, sans-serif; color: #505a5f; }
  @bottom-left { content: string(running-title); font: 9pt arial, helvetica, sans-serif;
                 color: #505a5f; } }
@page wide { size: A4 landscape; }
html { font: 10.5pt/1.35 arial, helvetica, sans-serif; color: #0b0c0c; background: #fff; }
body { margin: 0; }
h1 { font-size: 22pt; margin: 0 0 6mm; string-set: running-title content(); }
h2 { font-size: 15pt; margin: 0 0 3mm; }
.produced, .basis, .ran-for, .note { margin: 0 0 2mm; }
.contents ol { padding-left: 6mm; }
.contents a { color: #0b0c0c; text-decoration: none; }
.contents a::after { content: leader(".") " page " target-counter(attr(href), page); }
section { break-before: page; }
section.wide { page: wide; }
figure { margin: 4mm 0; max-width: 150mm; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 3mm 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1.2mm 2mm 1.2mm 0; text-align: left;
         vertical-align: top; }
th.numeric, td.numeric { text-align: right; }
tr.total td { font-weight: bold; }
caption { text-align: left; font-weight: bold; padding-bottom: 1mm; }
.problem { border-left: 4px solid #d4351c; padding-left: 3mm; }
@media screen { body { padding: 8mm; max-width: 190mm; margin: 0 auto; }
                section { border-top: 2px solid #0b0c0c; margin-top: 10mm; padding-top: 4mm; } }
@media print { a { color: inherit; text-decoration: none; } }
"""

_DOCUMENT = (
    """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{{ pack.title }}</title>
<meta name="author" content="{{ pack.council }}">
<meta name="dcterms.created" content="{{ pack.produced_at.date().isoformat() }}">
<style>"""
    + _STYLE
    + """</style>
</head>
<body>
<main>
<h1>{{ pack.title }}</h1>
<p class="produced">Produced on {{ produced }} by caremarket for the scrutiny committee.</p>
<p class="produced">Council: {{ pack.council }} ({{ pack.commissioner }}).
Period: {{ pack.since.day }} {{ pack.since.strftime("%B %Y") }} to
{{ pack.on.day }} {{ pack.on.strftime("%B %Y") }}. A report of the packages active on a day
(zone demand, market share, concentration and the like) is for the period's last day; each
section says what it was run for.</p>
<nav class="contents" aria-labelledby="contents-heading">
<h2 id="contents-heading">Contents</h2>
<ol>
{%- for section in pack.sections %}
<li><a href="#{{ section.anchor }}">{{ section.title }}</a></li>
{%- endfor %}
</ol>
</nav>
{% for section in pack.sections %}
{%- set table = section.table %}
<section id="{{ section.anchor }}" aria-labelledby="{{ section.anchor }}-heading"
 class="{{ 'wide' if table and table.columns | length > wide else '' }}">
<h2 id="{{ section.anchor }}-heading">{{ section.title }}</h2>
<p class="basis">{{ section.basis }}</p>
<p class="ran-for">{{ ran_for(section, pack) }}</p>
{%- if table is none %}
<p class="problem">This report could not be run: {{ section.problem }}</p>
{%- else %}
{%- if section.chart %}
<figure>{{ section.chart | svg }}</figure>
{%- endif %}
<table>
<caption>{{ table.title }}: {{ table.commissioner }}</caption>
<thead><tr>
{%- for column in table.columns %}
<th scope="col"{% if numeric(column.measure) %} class="numeric"{% endif %}>{{ column.heading }}</th>
{%- endfor %}
</tr></thead>
<tbody>
{%- for total, row in cells(table) %}
<tr{% if total %} class="total"{% endif %}>
{%- for text in row %}
{%- set measure = table.columns[loop.index0].measure %}
{%- if loop.first %}
<th scope="row"{% if numeric(measure) %} class="numeric"{% endif %}>{{ text }}</th>
{%- else %}
<td{% if numeric(measure) %} class="numeric"{% endif %}>{{ text }}</td>
{%- endif %}
{%- endfor %}
</tr>
{%- endfor %}
</tbody>
</table>
{%- for note in table.notes %}
<p class="note">{{ note }}</p>
{%- endfor %}
{%- endif %}
</section>
{% endfor %}
</main>
</body>
</html>
"""
)
