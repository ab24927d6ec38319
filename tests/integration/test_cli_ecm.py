"""The ECM commands as a user runs them: importing a provider's file into the example market,
and pricing a file with no database at all."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli import app
from tests.integration.test_cli_imports import EXAMPLES, IN_ORDER
from tests.unit.test_import_ecm import CARETRACK

ECM = EXAMPLES / "ecm"
MARCHES = "Marches Community Care"
runner = CliRunner()


def test_a_providers_file_is_imported_once_and_its_queries_listed(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    for kind in IN_ORDER:
        result = runner.invoke(app, ["import", kind, str(EXAMPLES / f"{kind}.csv"), "--db", db])
        assert result.exit_code == 0, result.output

    visits = ["ecm", "import", str(ECM / "visits.csv"), "--provider", MARCHES, "--db", db]
    first = runner.invoke(app, visits)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        "visits.csv: 6 rows; visits 6 new, 0 changed, 0 unchanged; 0 problem(s);"
        " 1 queries raised (0 holding a visit)",
        "  manual: 1",
    ]
    again = runner.invoke(app, visits)
    assert again.exit_code == 1
    assert "already sent" in again.output

    abacus = ["ecm", "import", str(ECM / "abacus.csv"), "--provider", MARCHES]
    result = runner.invoke(app, [*abacus, "--profile", "abacus", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("abacus.csv: 4 rows; visits 3 new")

    elsewhere = runner.invoke(
        app, ["ecm", "import", str(ECM / "visits.csv"), "--provider", "Wyeside Home Care",
              "--db", db],
    )  # fmt: skip
    assert elsewhere.exit_code == 2  # every row is refused: PKG-1002 is not Wyeside's
    assert elsewhere.output.count("not Wyeside Home Care's") == 6


def test_another_systems_export_is_imported_through_a_toml_profile(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    for kind in IN_ORDER:
        imported = runner.invoke(app, ["import", kind, str(EXAMPLES / f"{kind}.csv"), "--db", db])
        assert imported.exit_code == 0, imported.output
    profile = tmp_path / "caretrack.toml"
    profile.write_text(CARETRACK, encoding="utf-8")
    export = tmp_path / "export.csv"
    export.write_text(
        "Visit No,Client Package,Sched Date,Sched Time,Length,Outcome,Logged In,Logged Out,"
        "Staff,Method,Branch\n"
        "CT-1,PKG-1002,03.07.2017,08:00,45,Visited,03.07.2017 08:01,03.07.2017 08:46,1,Mobile,"
        "Hereford\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["ecm", "import", str(export), "--provider", MARCHES, "--profile", str(profile),
         "--db", db],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("export.csv: 1 rows; visits 1 new")


def test_an_unknown_profile_is_refused_by_name(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["ecm", "import", str(ECM / "visits.csv"), "--provider", MARCHES, "--profile", "nope"],
    )
    assert result.exit_code == 1
    assert "no ECM profile 'nope'" in result.output


def test_an_ecm_file_is_priced_line_by_line_without_a_database(tmp_path: Path) -> None:
    out = tmp_path / "lines.csv"
    result = runner.invoke(
        app,
        [
            "payments", "price",
            "--rules", str(ECM / "rules.toml"),
            "--rates", str(ECM / "rates.csv"),
            "--visits", str(ECM / "visits.csv"),
            "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [(r["visit_id"], r["payable_minutes"], r["amount"], r["decided"]) for r in lines] == [
        ("MC-50001", "45", "11.85", "planned minutes: within tolerance"),
        ("MC-50002", "30", "7.90", "planned minutes: within tolerance"),
        ("MC-50003", "30", "7.90", "actual minutes rounded"),
        ("MC-50004", "45", "11.85", "short-notice cancellation"),
        ("MC-50005", "0", "0.00", "missed: not paid"),
        ("MC-50006", "45", "11.85", "planned minutes: within tolerance"),
    ]
    assert lines[1]["flags"] == "fewer carers than planned"
    assert lines[0]["rate"] == "15.80" and lines[0]["carers_paid"] == "1"
    assert "Paid: £51.35" in result.stdout
    assert "Held for queries: 0, £0.00" in result.stdout


def test_a_bank_holiday_at_an_uplift_is_paid_the_new_rate_enhanced(tmp_path: Path) -> None:
    visits = tmp_path / "visits.csv"
    visits.write_text(
        "visit_id,package_reference,planned_start,planned_minutes,status,actual_start,"
        "actual_end,carers_planned,carers_present,verification\n"
        # Easter Monday 2 April 2018, the day after the 2018/19 uplift to £16.30 an hour
        "BH-1,PKG-1002,2018-04-02 08:00,30,completed,2018-04-02 08:00,2018-04-02 08:30,1,1,app\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "payments", "price",
            "--rules", str(ECM / "rules.toml"),
            "--rates", str(ECM / "rates.csv"),
            "--visits", str(visits),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [line] = csv.DictReader(result.stdout.splitlines())
    # 30 min x £16.30 an hour x 1.5 = £12.225, rounded half-up to £12.23
    assert (line["rate"], line["enhancement"], line["amount"]) == ("16.30", "1.5", "12.23")
