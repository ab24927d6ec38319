"""The committee pack from the command line, on the Herefordshire preset: the HTML holds each
report's section with its chart and the zone tables exactly as `report zones` prints them;
the PDF is a real PDF of several numbered pages."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from caremarket.cli import app
from caremarket.web.report_files import REPORTS

pytestmark = pytest.mark.slow
runner = CliRunner()
PERIOD = "2017-01-02..2017-04-01"
TITLE = "Home care market report — Herefordshire Council — 2 January 2017 to 1 April 2017"


@pytest.fixture(scope="module")
def herefordshire_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('pack') / 'caremarket.db'}"
    result = runner.invoke(app, ["demo", "--preset", "herefordshire", "--db", url, "--no-serve"])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture(scope="module")
def pack_files(herefordshire_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs")
    result = runner.invoke(
        app, ["report", "pack", "--period", PERIOD, "--out", str(out), "--db", herefordshire_db]
    )
    assert result.exit_code == 0, result.output
    assert "committee-pack-HFD-2017-01-02-to-2017-04-01.pdf" in result.output
    return out


def test_the_pack_holds_the_zone_tables_exactly_as_report_zones_prints_them(
    herefordshire_db: str, pack_files: Path
) -> None:
    printed = runner.invoke(
        app, ["report", "zones", "--on", "2017-04-01", "--db", herefordshire_db]
    )
    assert printed.exit_code == 0, printed.output
    lines = printed.output.splitlines()
    rows = [
        re.split(r"\s{2,}", line.strip())
        for line in lines[3:]
        if line.strip() and not set(line) <= {"-", " "} and not line.startswith("Packages")
    ]
    assert rows[0] == ["Pathway", "Zone", "Clients", "Weekly hours", "Annual hours",
                       "Indicative annual cost"]  # fmt: skip
    assert ["O", "Total O pathway", "768", "9,199", "478,348", "£7,557,898"] in rows
    html = (pack_files / "committee-pack-HFD-2017-01-02-to-2017-04-01.html").read_text()
    tables = Tables()
    tables.feed(html)
    assert tables.sections["section-zone-demand"] == rows
    assert "Herefordshire Council, 1 April 2017, the period&#39;s last day." in html


def test_the_pack_is_titled_dated_and_has_each_reports_section_and_chart(
    pack_files: Path,
) -> None:
    html = (pack_files / "committee-pack-HFD-2017-01-02-to-2017-04-01.html").read_text()
    assert f"<title>{TITLE}</title>" in html
    assert "Produced on " in html and '<h2 id="contents-heading">Contents</h2>' in html
    for name, report in REPORTS.items():
        if name == "vehicle-use":  # Herefordshire shares no vehicle
            assert "section-vehicle-use" not in html
            continue
        assert f">{report.title}" in html, name
    assert "Market share by provider tier" in html and "Market share by provider<" in html
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') >= 10
    assert "Run for Herefordshire Council, the period 2 January 2017 to 1 April 2017." in html
    assert "<script" not in html and "govuk-header" not in html


def test_the_pdf_is_a_real_pdf_of_numbered_pages_with_the_title_and_figures(
    pack_files: Path,
) -> None:
    pdf = (pack_files / "committee-pack-HFD-2017-01-02-to-2017-04-01.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 10  # a title and contents page, then a page or more a section
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Home care market report — Herefordshire Council" in text
    assert "£7,557,898" in text
    assert f"Page 2 of {len(reader.pages)}" in text


def test_one_format_to_a_file_and_the_period_as_from_and_to(
    herefordshire_db: str, tmp_path: Path
) -> None:
    out = tmp_path / "pack.html"
    result = runner.invoke(
        app,
        ["report", "pack", "--from", "2017-01-02", "--to", "2017-04-01", "-f", "html"]
        + ["-o", str(out), "--db", herefordshire_db],
    )
    assert result.exit_code == 0, result.output
    assert TITLE in out.read_text()
    folder = tmp_path / "packs"  # not there yet, and not a .html or .pdf file: a folder
    result = runner.invoke(
        app,
        ["report", "pack", "--period", PERIOD, "-f", "pdf", "-o", str(folder)]
        + ["--db", herefordshire_db],
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in folder.iterdir()] == ["committee-pack-HFD-2017-01-02-to-2017-04-01.pdf"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2017-01-02-2017-04-01"], "is not FROM..TO"),
        (["--period", "2017-04-02..2017-04-01"], "first day is after its last"),
        (["--period", PERIOD, "--from", "2017-01-01"], "not both"),
        (["--period", PERIOD, "-c", "NOPE"], "there is no commissioner NOPE"),
    ],
)
def test_a_wrong_period_or_commissioner_is_a_clear_error(
    herefordshire_db: str, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(
        app, ["report", "pack", *arguments, "-o", str(tmp_path), "--db", herefordshire_db]
    )
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())


class Tables(HTMLParser):
    """Each section's first table as rows of cell texts (headings first)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[list[str]]] = {}
        self._section = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self._section = dict(attrs)["id"] or ""
            self.sections[self._section] = []
        elif tag == "tr" and self._section:
            self.sections[self._section].append([])
        elif tag in ("th", "td") and self._section:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.sections[self._section][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "section":
            self._section = ""

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
