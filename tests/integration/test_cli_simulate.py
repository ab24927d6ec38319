"""`caremarket simulate`: a scenario's options side by side, the CSV and the charts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caremarket.cli import app

pytestmark = pytest.mark.slow
runner = CliRunner()
SCENARIO = """
title = "Two models for three weeks"
weeks = 3
replications = 5
seed = 3

[market]
preset = "herefordshire"

[[options]]
name = "Zones"
policy = "herefordshire"

[[options]]
name = "Mini"
policy = "st-helens"
"""


def test_simulate_shows_each_option_with_an_interval_and_writes_csv_and_charts(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "two.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        ["simulate", str(scenario), "-n", "3", "--seed", "4", "--processes", "1",
         "--csv", str(out), "--charts", str(tmp_path / "charts")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Two models for three weeks" in result.output
    assert "3 replications of 3 weeks, seed 4" in result.output
    assert "Zones" in result.output and "Mini" in result.output
    assert "Mini − Zones" in result.output  # the paired differences
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert {r["option"] for r in rows} == {"Zones", "Mini"}
    requests = [r for r in rows if r["output"] == "requests"]
    assert requests[0]["mean"] == requests[1]["mean"]  # the same demand for both
    assert all(r["replications"] == "3" for r in requests)
    assert requests[1]["difference"] == "0"  # the same requests, run by run
    charts = sorted((tmp_path / "charts").glob("*.svg"))
    assert len(charts) == 6 and all(c.read_text().startswith("<svg") for c in charts)


def test_simulate_names_the_mistake_in_a_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(SCENARIO.replace('"st-helens"', '"nowhere"'), encoding="utf-8")
    result = runner.invoke(app, ["simulate", str(scenario)])
    assert result.exit_code != 0
    assert "options 2, field 'policy': no policy preset 'nowhere'" in result.output
