"""`caremarket contracts`: the register on the Leicestershire demo, as a table and as CSV."""

import csv
import io

import pytest
from typer.testing import CliRunner

from caremarket.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()


@pytest.fixture(scope="module")
def leicestershire_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'caremarket.db'}"
    result = runner.invoke(app, ["demo", "--preset", "leicestershire", "--db", url, "--no-serve"])
    assert result.exit_code == 0, result.output
    return url


def test_the_register_as_csv_gives_the_lead_providers_dates(leicestershire_db: str) -> None:
    result = runner.invoke(
        app,
        [
            "contracts",
            "--db",
            leicestershire_db,
            "--commissioner",
            "LCC",
            "--vehicle",
            "HTLAH-LEAD",
            "--on",
            "2018-08-15",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 15
    phase_1 = [r for r in rows if r["Starts"] == "2016-11-07"]
    assert len(phase_1) == 12
    assert {(r["Ends"], r["Decide by"], r["Latest end"], r["Status"]) for r in phase_1} == {
        ("2019-11-06", "2019-11-06", "2021-11-06", "in force")
    }
    assert {r["Lot"] for r in rows if r["Starts"] == "2017-11-06"} == {"L13", "L14", "L15"}


def test_the_register_as_a_table_filters_by_expiry(leicestershire_db: str) -> None:
    result = runner.invoke(
        app,
        [
            "contracts",
            "--db",
            leicestershire_db,
            "--expiring-before",
            "2019-01-01",
            "--on",
            "2018-08-15",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Contract register")
    assert "HTLAH-SUPP-S01-1" in result.output and "HTLAH-LEAD" not in result.output


def test_an_unknown_date_is_refused_with_a_message(leicestershire_db: str) -> None:
    result = runner.invoke(
        app, ["contracts", "--db", leicestershire_db, "--expiring-before", "next year"]
    )
    assert result.exit_code != 0
