"""A council's own market imported from files into an empty database, as a user would."""

from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli import app

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
IN_ORDER = ("commissioners", "services", "zones", "providers", "postcodes", "packages")
runner = CliRunner()


def test_every_example_file_imports_in_order_into_an_empty_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    upgraded = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert upgraded.exit_code == 0, upgraded.output
    assert sorted(p.stem for p in EXAMPLES.glob("*.csv")) == sorted(IN_ORDER)

    outputs = []
    for kind in IN_ORDER:
        result = runner.invoke(app, ["import", kind, str(EXAMPLES / f"{kind}.csv"), "--db", db])
        assert result.exit_code == 0, result.output
        outputs.append(result.output.strip())

    assert outputs == [
        "Imported 2 commissioners.",
        "Imported 3 service types.",
        "Imported 3 zones.",
        "Imported 3 providers.",
        "Imported 3 postcodes.",
        "Imported 3 care packages for 2 new people.",
    ]

    # Rate cards cannot be imported yet, so the report costing the packages says what it lacks.
    report = runner.invoke(
        app,
        ["report", "zones", "--commissioner", "HFD", "--on", "2017-08-10"]
        + ["--format", "csv", "--db", db],
    )
    assert report.exit_code == 1
    assert "no rate card is in force on 10 August 2017" in report.output


def test_importing_the_same_commissioners_twice_is_refused_naming_each_line(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    runner.invoke(app, ["db", "upgrade", "--db", db])
    command = ["import", "commissioners", str(EXAMPLES / "commissioners.csv"), "--db", db]
    assert runner.invoke(app, command).exit_code == 0

    again = runner.invoke(app, command)

    assert again.exit_code == 1
    assert "Nothing was imported" in again.output
    assert "line 2, code 'HFD': commissioner HFD is already recorded" in again.output
    assert "line 3, code 'HCCG': commissioner HCCG is already recorded" in again.output
