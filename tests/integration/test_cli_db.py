"""The command line's database commands, on a real SQLite file."""

from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli import app
from caremarket.db import migrate

runner = CliRunner()


def test_db_upgrade_creates_the_schema_and_says_so_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = runner.invoke(app, ["db", "upgrade", "--db", url])
    again = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert first.exit_code == 0, first.output
    assert f"Database at {migrate.head_revision()} (was empty)" in first.output
    assert again.output.strip() == f"Database at {migrate.head_revision()}"


def test_db_current_shows_the_schema_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert "current: none" in runner.invoke(app, ["db", "current", "--db", url]).output
    runner.invoke(app, ["db", "upgrade", "--db", url])
    assert (
        f"current: {migrate.head_revision()}"
        in runner.invoke(app, ["db", "current", "--db", url]).output
    )


def test_serve_refuses_an_unmigrated_database_with_the_command_to_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'new.db'}"])
    assert result.exit_code == 1
    assert "caremarket db upgrade" in result.output


def test_a_report_on_an_empty_database_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    runner.invoke(app, ["db", "upgrade", "--db", url])
    result = runner.invoke(app, ["report", "zones", "--db", url])
    assert result.exit_code == 1
    assert "there are no commissioners yet" in result.output
