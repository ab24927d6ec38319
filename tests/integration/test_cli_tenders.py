"""`caremarket tender import` and `caremarket tender report` on a SQLite file, as a user would
run them: the worked tender imported into a vehicle and its report as a table, CSV and Excel."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from caremarket.cli import app
from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from tests.integration.tender_market import EXAMPLE, VEHICLE, build_tender_market
from tests.integration.test_cli_evaluate import csv_rows, expected

runner = CliRunner()


@pytest.fixture(scope="module")
def tender_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'caremarket.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    build_tender_market(SqlUnitOfWork(make_session_factory(engine)))
    engine.dispose()
    result = runner.invoke(
        app, ["tender", "import", str(EXAMPLE), "--vehicle", VEHICLE, "--db", url]
    )
    assert result.exit_code == 0, result.output
    assert "Imported tender HC-2027 (Home care 2027) for vehicle HC-2027" in result.output
    assert "lot R: 5 bids, ready to award: a tie at the cut-off to decide" in result.output
    return url


def test_a_file_with_problems_is_refused_with_every_one(tender_db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('code = "R"', 'code = "X"'), encoding="utf-8")
    result = runner.invoke(
        app,
        ["tender", "import", str(bad), "--vehicle", VEHICLE, "--code", "B-1", "--db", tender_db],
    )
    assert result.exit_code == 1
    assert "nothing was imported: the tender file has 1 problem" in result.output
    assert "lot X: vehicle HC-2027 has no such lot" in result.output
    again = runner.invoke(
        app, ["tender", "import", str(EXAMPLE), "--vehicle", VEHICLE, "--db", tender_db]
    )
    assert again.exit_code == 1
    assert "there is a tender HC-2027 already" in again.output


def test_the_report_as_a_table_shows_each_lot_and_why(tender_db: str) -> None:
    result = runner.invoke(app, ["tender", "report", "HC-2027", "--lot", "R", "--db", tender_db])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Home care 2027: CQC registration (pass/fail); Quality 50%")
    assert "Lot R, Rural" in result.output
    assert "tie at the cut-off: decide between Alder, Elm" in result.output
    assert "Lot N, North" not in result.output


def test_the_report_as_csv_reproduces_the_hand_computed_table(tender_db: str) -> None:
    result = runner.invoke(app, ["tender", "report", "HC-2027", "-f", "csv", "--db", tender_db])
    assert result.exit_code == 0, result.output
    assert csv_rows(result.output) == [row for lot in ("N", "S", "R") for row in expected(lot)]


def test_the_report_as_excel_needs_a_file(tender_db: str, tmp_path: Path) -> None:
    refused = runner.invoke(app, ["tender", "report", "HC-2027", "-f", "xlsx", "--db", tender_db])
    assert refused.exit_code == 1 and "--out" in refused.output
    out = tmp_path / "evaluation.xlsx"
    result = runner.invoke(
        app, ["tender", "report", "HC-2027", "-f", "xlsx", "-o", str(out), "--db", tender_db]
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out).sheetnames == [
        "Lot N, North",
        "Lot S, South",
        "Lot R, Rural",
    ]


def test_an_unknown_tender_or_lot_is_a_message(tender_db: str) -> None:
    result = runner.invoke(app, ["tender", "report", "NOPE", "--db", tender_db])
    assert result.exit_code == 1 and "there is no tender NOPE" in result.output
    result = runner.invoke(app, ["tender", "report", "HC-2027", "--lot", "Q", "--db", tender_db])
    assert result.exit_code == 1 and "no lot Q" in result.output
