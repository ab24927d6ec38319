"""Brokerage from the command line, on a SQLite file, as a user would run it: policies, sourcing
a requested package, the ticker, the waiting list, and rehearsals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from caremarket.cli import app

EXAMPLES = Path(__file__).parents[2] / "examples"
LIVERPOOL = EXAMPLES / "liverpool"
IN_ORDER = (
    "commissioners",
    "services",
    "zones",
    "providers",
    "postcodes",
    "rates",
    "vehicles",
    "lots",
    "memberships",
)
runner = CliRunner()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture
def liverpool(tmp_path: Path) -> str:
    """Liverpool's example market in a SQLite file, with one requested package, LIV-0001."""
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    assert run("db", "upgrade", "--db", db).exit_code == 0
    for kind in IN_ORDER:
        result = run("import", kind, str(LIVERPOOL / f"{kind}.csv"), "--db", db)
        assert result.exit_code == 0, result.output
    packages = tmp_path / "packages.csv"
    packages.write_text(
        "reference,person_reference,postcode,commissioner,service,pattern,start_on,status\n"
        "LIV-0001,LIV-P0001,L8 0PY,LIV,PC,4x30 daily,2030-01-07,requested\n"
    )
    result = run("import", "packages", str(packages), "--db", db)
    assert result.exit_code == 0, result.output
    return db


def test_policy_show_says_when_a_commissioner_has_none_yet(liverpool: str) -> None:
    result = run("policy", "show", "--db", liverpool)
    assert result.exit_code == 0, result.output
    assert "LIV Liverpool City Council" in result.output
    assert "no policy yet" in result.output
    assert "caremarket policy set LIV PRESET" in result.output


def test_policy_set_from_a_preset_and_for_one_lot_from_a_file(
    liverpool: str, tmp_path: Path
) -> None:
    result = run("policy", "set", "LIV", "liverpool", "--db", liverpool)
    assert result.exit_code == 0, result.output
    assert "LIV now sources under liverpool: all-at-once to preferred providers" in result.output

    mine = tmp_path / "south.toml"
    mine.write_text(
        'code = "south-first"\nname = "Everyone in the South at once"\n'
        '[[stages]]\nmethod = "all-at-once"\nwindow = "3 business hours"\n'
        'otherwise = "waiting-list"\n'
    )
    result = run(
        "policy", "set", "LIV", str(mine), "--vehicle", "LIV-HOMECARE", "--lot", "SOUTH",
        "--db", liverpool,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "lot LIV-HOMECARE/SOUTH of LIV now sources under south-first" in result.output

    shown = run("policy", "show", "-c", "LIV", "--db", liverpool)
    assert shown.exit_code == 0, shown.output
    assert "  every lot: liverpool (Preferred providers by locality" in shown.output
    assert "  lot LIV-HOMECARE/SOUTH (South locality): south-first" in shown.output
    assert "all-at-once to every provider in the lot, 3 business hours" in shown.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("policy", "set", "LIV", "narnia"), "there is no policy preset narnia"),
        (("policy", "set", "NOPE", "liverpool"), "there is no commissioner NOPE"),
        (("policy", "set", "LIV", "liverpool", "--lot", "SOUTH"), "give both --vehicle and"),
        (
            ("policy", "set", "LIV", "liverpool", "--vehicle", "LIV-HOMECARE", "--lot", "EAST"),
            "vehicle LIV-HOMECARE has no lot EAST",
        ),
        (("policy", "set", "LIV", "missing.toml"), "cannot read the policy file missing.toml"),
        (("source", "LIV-0001"), "Liverpool City Council has no sourcing policy yet"),
        (("source", "LIV-9999"), "there is no care package LIV-9999"),
        (("tick", "--now", "Monday"), "--now 'Monday' is not a date and time"),
        (("policy", "show", "-c", "NOPE"), "there is no commissioner NOPE"),
    ],
)
def test_mistakes_are_clear_errors_without_a_traceback(
    liverpool: str, args: tuple[str, ...], expected: str
) -> None:
    result = run(*args, "--db", liverpool)
    assert result.exit_code == 1, result.output
    assert expected in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_a_policy_file_that_is_wrong_is_named(liverpool: str, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('code = "x"\n[[stages]]\nmethod = "all-at-once"\n')
    result = run("policy", "set", "LIV", str(wrong), "--db", liverpool)
    assert result.exit_code == 1
    # the message may wrap anywhere in a long temporary path: compare without the spaces
    assert "wrong.toml:aall-at-oncestageneedsawindow" in "".join(result.output.split())


def test_sourcing_then_ticking_moves_the_package_on_to_the_waiting_list(liverpool: str) -> None:
    assert run("policy", "set", "LIV", "liverpool", "--db", liverpool).exit_code == 0
    sourced = run("source", "LIV-0001", "--db", liverpool)
    assert sourced.exit_code == 0, sourced.output
    assert "LIV-0001: stage 1: all-at-once to preferred providers, 5 business hours" in (
        sourced.output
    )
    assert "LIV-0001: offered to Dingle Vale Homecare and Toxteth Park Care (lot CENTRAL)" in (
        sourced.output
    )
    again = run("source", "LIV-0001", "--db", liverpool)
    assert again.exit_code == 1
    assert "LIV-0001 is sourcing: only a requested package can be sourced" in again.output

    soon = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    later = (datetime.now(UTC) + timedelta(days=20)).isoformat()
    moved = run("tick", "--now", soon, "--db", liverpool)
    assert moved.output.strip() == "1 package moved on: 0 awarded, 0 to the waiting list"
    idle = run("tick", "--now", soon, "--db", liverpool)
    assert idle.output.strip() == "0 packages moved on: 0 awarded, 0 to the waiting list"
    nobody = run("waiting-list", "--db", liverpool)
    assert nobody.exit_code == 0 and "Nobody is waiting" in nobody.output

    waiting = run("tick", "--now", later, "--db", liverpool)
    assert waiting.output.strip() == "1 package moved on: 0 awarded, 1 to the waiting list"
    listed = run("waiting-list", "--db", liverpool)
    assert listed.exit_code == 0, listed.output
    assert "neediest first" in listed.output
    assert "LIV-0001 (LIV)" in listed.output
    assert "CENTRAL" in listed.output


def test_tick_without_a_time_ticks_now(liverpool: str) -> None:
    result = run("tick", "--db", liverpool)
    assert result.exit_code == 0, result.output
    assert "0 packages moved on" in result.output


def test_rehearse_prints_each_step_and_the_outcomes() -> None:
    result = run("rehearse", str(EXAMPLES / "halton.toml"))
    assert result.exit_code == 0, result.output
    assert "HAL-R00001 (widnes): awarded directly to Halton Castle Care" in result.output
    assert "Outcomes\n  HAL-R00001 (widnes): awarded to Halton Castle Care" in result.output


def test_rehearse_names_the_event_that_is_wrong(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        '[market]\npreset = "herefordshire"\n'
        "[[events]]\nat = 2026-11-19T14:30:00\ntick = true\n"
        "[[events]]\nat = 2026-11-19T09:00:00\ntick = true\n"
    )
    result = run("rehearse", str(wrong))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "event 2, field 'at': 2026-11-19 09:00 is before event 1's time" in " ".join(
        result.output.split()
    )
