"""The demo and report commands end to end, on a SQLite file, as a user would run them."""

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from caremarket.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def herefordshire_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'caremarket.db'}"
    result = runner.invoke(app, ["demo", "--preset", "herefordshire", "--db", url, "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "Loaded the herefordshire preset" in result.output
    return url


def test_demo_run_twice_keeps_what_is_there(herefordshire_db: str) -> None:
    again = runner.invoke(app, ["demo", "--db", herefordshire_db, "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "Keeping what is there" in again.output


def test_report_zones_prints_the_councils_table(herefordshire_db: str) -> None:
    result = runner.invoke(app, ["report", "zones", "--db", herefordshire_db, "--on", "2017-04-01"])
    assert result.exit_code == 0, result.output
    assert "Herefordshire Council, 1 April 2017" in result.output
    assert "£7,557,898" in result.output


def test_report_zones_as_csv_to_a_file(herefordshire_db: str, tmp_path: Path) -> None:
    out = tmp_path / "zones.csv"
    result = runner.invoke(
        app,
        ["report", "zones", "--db", herefordshire_db, "--format", "csv", "--out", str(out)]
        + ["--on", "2017-04-01"],  # the published day: today holds the demo morning's packages
    )
    assert result.exit_code == 0, result.output
    assert "O,A,161,1682,87464,1381931\n" in out.read_text()


def test_report_as_excel_needs_a_file_and_writes_numbers(
    herefordshire_db: str, tmp_path: Path
) -> None:
    refused = runner.invoke(app, ["report", "zones", "--db", herefordshire_db, "--format", "xlsx"])
    assert refused.exit_code == 1
    assert "--out" in refused.output

    out = tmp_path / "zones.xlsx"
    result = runner.invoke(
        app,
        ["report", "zones", "--db", herefordshire_db, "-f", "xlsx", "-o", str(out)]
        + ["--on", "2017-04-01"],
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert 87464 in values


def test_report_market_share_by_provider(herefordshire_db: str) -> None:
    result = runner.invoke(
        app, ["report", "market-share", "--by", "provider", "--db", herefordshire_db]
    )
    assert result.exit_code == 0, result.output
    assert "Total" in result.output


def test_an_unknown_commissioner_is_a_clear_error(herefordshire_db: str) -> None:
    result = runner.invoke(app, ["report", "zones", "-c", "NOPE", "--db", herefordshire_db])
    assert result.exit_code == 1
    assert "there is no commissioner NOPE" in result.output


def test_an_unknown_preset_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["demo", "--preset", "narnia", "--db", url, "--no-serve"])
    assert result.exit_code == 1
    assert "no demo preset 'narnia'" in result.output


def test_the_liverpool_city_region_demo_reports_each_councils_use_of_the_fps(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'lcr.db'}"
    demo = runner.invoke(
        app, ["demo", "--preset", "liverpool-city-region", "--db", url, "--no-serve"]
    )
    assert demo.exit_code == 0, demo.output
    assert "sourcing policy LIV: liverpool, KNO: st-helens" in demo.output
    assert "Today's brokerage: 5 new requests for care" in demo.output
    table = runner.invoke(
        app, ["report", "vehicle-use", "--vehicle", "LCR-ECH", "--on", "2020-03-01", "--db", url]
    )
    assert table.exit_code == 0, table.output
    assert "Liverpool City Region extra care housing flexible purchasing system" in table.output
    out = tmp_path / "use.csv"
    written = runner.invoke(
        app,
        [
            "report",
            "vehicle-use",
            "-v",
            "LCR-ECH",
            "--on",
            "2020-03-01",
            "-f",
            "csv",
            "-o",
            str(out),
            "--db",
            url,
        ],
    )
    assert written.exit_code == 0, written.output
    lines = out.read_text().splitlines()
    assert "Liverpool City Council,48,48,432,6998,363917,5,30" in lines
    assert lines[-1] == "Total,168,168,1464,23985,1247204,10,100"
    unknown = runner.invoke(app, ["report", "vehicle-use", "-v", "NOPE", "--db", url])
    assert unknown.exit_code == 1
    assert "there is no vehicle NOPE" in unknown.output


def test_a_waiting_list_snapshot_is_kept_once_a_day(herefordshire_db: str) -> None:
    first = runner.invoke(
        app, ["waiting-list", "snapshot", "--on", "2017-04-03", "--db", herefordshire_db]
    )
    assert first.exit_code == 0, first.output
    assert "HFD: 2 waiting on 2017-04-03 (kept)" in first.output
    again = runner.invoke(
        app, ["waiting-list", "snapshot", "--on", "2017-04-03", "--db", herefordshire_db]
    )
    assert "HFD: 2 waiting on 2017-04-03 (already kept today)" in again.output
    trend = runner.invoke(
        app,
        ["report", "waiting-list", "-c", "HFD", "--from", "2017-04-01", "--to", "2017-04-30"]
        + ["--format", "csv", "--db", herefordshire_db],
    )
    assert trend.exit_code == 0, trend.output
    day, people, *_ = trend.output.splitlines()[1].split(",")
    assert (day, people) == ("2017-04-03", "2")


def test_report_concentration_and_a_period_report_state_what_they_were_run_for(
    herefordshire_db: str, tmp_path: Path
) -> None:
    shares = runner.invoke(
        app, ["report", "concentration", "--on", "2017-04-01", "--db", herefordshire_db]
    )
    assert shares.exit_code == 0, shares.output
    assert "Concentration\nHerefordshire Council, 1 April 2017" in shares.output
    assert "Basis: weekly hours of the packages active on the day" in shares.output
    out = tmp_path / "delays.xlsx"
    delays = runner.invoke(
        app,
        ["report", "delayed-discharges", "--to", "2017-04-30", "--format", "xlsx"]
        + ["--out", str(out), "--db", herefordshire_db],
    )
    assert delays.exit_code == 0, delays.output
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "Herefordshire Council, 30 January 2017 to 30 April 2017"  # 91 days
    backwards = runner.invoke(
        app,
        ["report", "hand-backs", "--from", "2017-05-01", "--to", "2017-04-30"]
        + ["--db", herefordshire_db],
    )
    assert backwards.exit_code != 0
    assert "after its last" in backwards.output


def test_report_spend_by_funder_and_delivered_hours_over_a_period(herefordshire_db: str) -> None:
    period = ["--db", herefordshire_db, "--from", "2017-03-06", "--to", "2017-04-02"]
    spend = runner.invoke(app, ["report", "spend-by-funder", *period, "--drafts"])
    assert spend.exit_code == 0, spend.output
    assert "Spend by funder" in spend.output
    assert "Approved and draft runs: a draft may still change." in spend.output
    delivered = runner.invoke(app, ["report", "delivered-hours", *period, "-f", "csv"])
    assert delivered.exit_code == 0, delivered.output
    assert delivered.output.splitlines()[0].startswith("By,Group,Visits recorded,Planned hours")
