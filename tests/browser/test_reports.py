"""Reports through the pages: a form with a mistake, and the CSV and Excel downloads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from caremarket.cli import app as cli
from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

REPORT_DAY = ("1", "4", "2017")  # the day the herefordshire preset's tables describe


def open_market_share(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Reports", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Market share"))


def enter_day(visitor: Visitor, day: str, month: str, year: str) -> None:
    for label, value in zip(("Day", "Month", "Year"), (day, month, year), strict=True):
        visitor.page.get_by_label(label, exact=True).fill(value)


def test_a_date_that_does_not_exist_shows_the_error_summary(visitor: Visitor) -> None:
    open_market_share(visitor)
    enter_day(visitor, "31", "2", "2017")

    visitor.click(visitor.page.get_by_role("button", name="Show the report"), status=400)

    summary = visitor.page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    assert "real date" in summary.inner_text()
    assert visitor.page.get_by_role("table").count() == 0


def test_the_market_share_downloads_as_the_command_line_writes_it(
    visitor: Visitor, tmp_path: Path
) -> None:
    open_market_share(visitor)
    enter_day(visitor, *REPORT_DAY)
    visitor.page.get_by_label("Provider", exact=True).check()
    visitor.click(visitor.page.get_by_role("button", name="Show the report"))
    assert visitor.page.get_by_role("table").is_visible()

    with visitor.page.expect_download() as csv_download:
        visitor.page.get_by_role("link", name="CSV").click()
    with visitor.page.expect_download() as xlsx_download:
        visitor.page.get_by_role("link", name="Excel").click()

    assert csv_download.value.suggested_filename.endswith(".csv")
    downloaded = Path(csv_download.value.path()).read_text(encoding="utf-8")
    command_line = CliRunner().invoke(
        cli,
        ["report", "market-share", "--by", "provider", "--on", "2017-04-01", "--format", "csv"]
        + ["--db", visitor.site.database_url],
    )
    assert command_line.exit_code == 0, command_line.output
    assert downloaded == command_line.output
    rows = list(csv.reader(io.StringIO(downloaded)))
    assert len(rows) > 2

    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    xlsx = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith("Market share")
    assert len([heading for heading in values[3] if heading]) == len(rows[0])
    assert [row[0] for row in values[4 : 4 + len(rows) - 1]] == [row[0] for row in rows[1:]]


def test_vehicle_use_shows_the_vehicles_commissioners_and_downloads_as_the_cli_writes_it(
    visitor: Visitor,
) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Reports", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="Vehicle use"))
    enter_day(visitor, *REPORT_DAY)
    visitor.click(visitor.page.get_by_role("button", name="Show the report"))

    table = visitor.page.get_by_role("table")
    assert "Herefordshire Council" in table.inner_text()
    with visitor.page.expect_download() as csv_download:
        visitor.page.get_by_role("link", name="CSV").click()
    downloaded = Path(csv_download.value.path()).read_text(encoding="utf-8")
    vehicle = "HFD-HOMECARE-2017"  # the herefordshire preset's only vehicle
    assert csv_download.value.suggested_filename == f"vehicle-use-{vehicle}-2017-04-01.csv"
    command_line = CliRunner().invoke(
        cli,
        ["report", "vehicle-use", "--vehicle", vehicle, "--on", "2017-04-01", "--format", "csv"]
        + ["--db", visitor.site.database_url],
    )
    assert command_line.exit_code == 0, command_line.output
    assert downloaded == command_line.output
