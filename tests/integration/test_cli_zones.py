"""`caremarket zones design|compare` as a user would run them (no database needed)."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli import app
from caremarket.wards import read_wards

pytestmark = pytest.mark.slow
runner = CliRunner()


def test_compare_shows_the_designer_beside_k_means_and_saves_the_maps(tmp_path: Path) -> None:
    saved = tmp_path / "maps.json"
    result = runner.invoke(
        app,
        [
            "zones",
            "compare",
            "--preset",
            "herefordshire",
            "--k",
            "5",
            "--tolerance",
            "none",
            "--save",
            str(saved),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Zone map options" in result.output
    assert "5 zones by HiGHS" in result.output and "5 zones by k-means" in result.output
    maps = json.loads(saved.read_text())
    assert [o["method"] for o in maps["options"]] == ["HiGHS", "k-means"]
    assert sorted(w for ws in maps["options"][0]["zones"].values() for w in ws) == sorted(
        read_wards("wards_2025_herefordshire.geojson").wards
    )


def test_design_takes_demand_by_ward_from_a_file(tmp_path: Path) -> None:
    wards = sorted(read_wards("wards_2025_herefordshire.geojson").wards)
    demand = tmp_path / "demand.csv"
    with demand.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["ward_code", "clients", "weekly_hours", "visits_per_week"])
        for ward in wards:
            writer.writerow([ward, 10, 150, 300])
    result = runner.invoke(
        app,
        ["zones", "design", "--demand", str(demand), "--area", "herefordshire", "--k", "3,4"],
    )
    assert result.exit_code == 0, result.output
    assert "3 zones by HiGHS" in result.output and "4 zones by HiGHS" in result.output
    assert "zones by k-means" not in result.output


def test_design_refuses_more_zones_than_the_demand_makes_viable(tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text("ward_code,clients,weekly_hours,visits_per_week\nE05009438,5,100,50\n")
    result = runner.invoke(
        app, ["zones", "design", "--demand", str(demand), "--area", "herefordshire", "--k", "2"]
    )
    assert result.exit_code == 1
    assert "no 2-zone map" in result.output


def test_a_saved_map_is_drawn_and_applied_to_the_commissioners_zones(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'caremarket.db'}"
    loaded = runner.invoke(app, ["demo", "--preset", "herefordshire", "--db", url, "--no-serve"])
    assert loaded.exit_code == 0, loaded.output
    saved = tmp_path / "maps.json"
    designed = runner.invoke(
        app, ["zones", "design", "--preset", "herefordshire", "--k", "5", "--save", str(saved)]
    )
    assert designed.exit_code == 0, designed.output
    image = tmp_path / "map.svg"
    drawn = runner.invoke(app, ["zones", "map", str(saved), "--out", str(image)])
    assert drawn.exit_code == 0, drawn.output
    assert image.read_text().startswith("<svg")
    checked = runner.invoke(
        app,
        ["zones", "apply", str(saved), "-c", "HFD", "--from", "2027-04-01", "--check"]
        + ["--db", url],
    )
    assert checked.exit_code == 0, checked.output
    assert "Nothing applied." in checked.output and "Lots to decide" in checked.output
    applied = runner.invoke(
        app, ["zones", "apply", str(saved), "-c", "HFD", "--from", "2027-04-01", "--db", url]
    )
    assert applied.exit_code == 0, applied.output
    assert "Scheduled '5 zones by HiGHS' for 01 April 2027" in applied.output
    assert "Lots to decide" in applied.output
    early = runner.invoke(app, ["zones", "apply-due", "--on", "2027-03-31", "--db", url])
    assert early.exit_code == 0 and "No zone design is due." in early.output
    due = runner.invoke(app, ["zones", "apply-due", "--on", "2027-04-01", "--db", url])
    assert due.exit_code == 0, due.output
    assert "Applied HFD '5 zones by HiGHS' from 01 April 2027: 5 zones redrawn" in due.output


def test_a_lot_is_shown_and_re_pointed_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'caremarket.db'}"
    loaded = runner.invoke(app, ["demo", "--preset", "herefordshire", "--db", url, "--no-serve"])
    assert loaded.exit_code == 0, loaded.output
    lot = ["zones", "lot", "HFD-HOMECARE-2017", "O-A"]

    shown = runner.invoke(app, [*lot, "--db", url])
    moved = runner.invoke(app, [*lot, "A", "B", "--db", url])
    refused = runner.invoke(app, [*lot, "Q", "--db", url])

    assert shown.exit_code == 0, shown.output
    assert "Lot O-A of HFD-HOMECARE-2017 (O pathway zone A) covers A." in shown.output
    assert moved.exit_code == 0, moved.output
    assert "covers A, B." in moved.output
    assert refused.exit_code == 1
    assert "Q: not a zone of vehicle HFD-HOMECARE-2017's commissioners" in " ".join(
        refused.output.split()
    )
    assert "covers A, B." in runner.invoke(app, [*lot, "--db", url]).output
