"""A council's own market imported from files into an empty database, as a user would."""

from pathlib import Path

from typer.testing import CliRunner, Result

from caremarket.cli import app

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
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
    "packages",
)
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
        "Imported 4 rate lines.",
        "Imported 1 vehicle.",
        "Imported 5 lots.",
        "Imported 6 lot memberships.",
        "Imported 4 care packages for 3 new people.",
    ]

    # On 10 August 2017 three packages are active (PKG-1003 has ended), all at the 2017/18 PC
    # rate of £15.80 an hour (none is in zone C, whose own rate is £16.50):
    #   PKG-1001 P-0001 zone A, O (14 h < 28), lot O-A, Wyeside (preferred):
    #     4x30 daily = 14 h a week; 14 x 15.80 = £221.20 a week
    #   PKG-1002 P-0002 zone B, O, lot O-B, Marches (lead):
    #     3x45 daily + 1x30x2 Mon-Fri = 15.75 + 5 = 20.75 h; 20.75 x 15.80 = £327.85 a week
    #   PKG-1004 P-0003 zone A, D (28 h >= 28), lot D-N over zones A and B ("Complex A & B"),
    #     Marches (lead): 4x60 daily = 28 h; 28 x 15.80 = £442.40 a week
    # Zone demand, a year being 52 weeks (rounded half-up to whole hours and pounds):
    #   D Complex A & B: 28 h; 1,456 h a year; 442.40 x 52 = £23,004.80 -> 23005
    #   O A: 14 h; 728 h; 221.20 x 52 = £11,502.40 -> 11502
    #   O B: 20.75 -> 21 h; 1,079 h; 327.85 x 52 = £17,048.20 -> 17048
    #   O total: 34.75 -> 35 h; 1,807 h; £28,550.60 -> 28551
    #   All: 3 clients; 62.75 -> 63 h; 3,263 h; £51,555.40 -> 51555
    zones = report(db, "zones")
    assert zones.exit_code == 0, zones.output
    assert zones.output.splitlines() == [
        "Pathway,Zone,Clients,Weekly hours,Annual hours,Indicative annual cost (£)",
        "D,Complex A & B,1,28,1456,23005",
        "D,Total D pathway,1,28,1456,23005",
        "O,A,1,14,728,11502",
        "O,B,1,21,1079,17048",
        "O,Total O pathway,2,35,1807,28551",
        "All,Total,3,63,3263,51555",
    ]

    # Market share by tier: lead = PKG-1002 and PKG-1004 (P-0002, P-0003): 2 people,
    # 48.75 -> 49 h, 327.85 + 442.40 = £770.25 a week, x 52 = £40,053 = £0.0m, 2 of 3 = 67%;
    # preferred = PKG-1001: 1 person, 14 h, £221.20 -> 221, £11,502.40 = £0.0m, 33%;
    # total: 3 people, 63 h, £991.45 -> 991, £51,555.40 = £0.1m, 100%.
    share = report(db, "market-share")
    assert share.exit_code == 0, share.output
    assert share.output.splitlines() == [
        "Tier,People served,Hours a week,Value a week (£),Value a year (£m),Share of people (%)",
        "Lead provider,2,49,770,0.0,67",
        "Preferred provider,1,14,221,0.0,33",
        "Total,3,63,991,0.1,100",
    ]


def report(db: str, name: str) -> Result:
    return runner.invoke(
        app,
        ["report", name, "-c", "HFD", "--format", "csv", "--on", "2017-08-10", "--db", db],
    )


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
