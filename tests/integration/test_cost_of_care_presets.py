"""The cost of care and the demand forecast on the Herefordshire preset (its 2017/18 tables),
and their commands end to end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from caremarket.cli import app
from caremarket.reports.render import as_text
from caremarket.services import cost_of_care, forecasts
from caremarket.services.demo import load_preset
from tests.builders import A_MOMENT, AN_ADMIN

pytestmark = pytest.mark.slow
ON = date(2017, 4, 1)
D = Decimal
# ONS 2016-based projection, Herefordshire (E06000019), people aged 65+: 45,569 in 2017,
# 46,462 in 2018: growth 893 / 45,569 = 1.9597%.
GROWTH = D(46462) / D(45569)


def test_the_forecast_grows_herefordshires_table_by_its_people_aged_65_plus(uow) -> None:
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    table = forecasts.demand_forecast(uow, commissioner="HFD", on=ON)
    # zone A: 1,682 hours a week x 46,462 / 45,569 = 1,714.96 a week; x 52 = 89,178 a year;
    # at £15.80: £1,381,931.20 x 46,462 / 45,569 = £1,409,012
    assert table.value("A", "Weekly hours now") == 1682
    assert table.value("A", "Forecast weekly hours") == 1682 * GROWTH
    assert table.value("A", "Indicative annual cost") == D("1381931.20") * GROWTH
    text = as_text(table)
    assert "1,715" in text and "89,178" in text and "£1,409,012" in text
    assert "ONS 2016-based projection of people aged 65+, 2017 to 2018" in text


def test_a_growth_rate_given_replaces_the_projection(uow) -> None:
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    table = forecasts.demand_forecast(uow, commissioner="HFD", on=ON, growth=D(2))
    # 9,199 O-pathway hours x 1.02 = 9,382.98 a week; x 52 = 487,914.96 a year
    assert table.value("Total O pathway", "Forecast weekly hours") == D("9382.98")
    assert table.value("Total O pathway", "Forecast annual hours") == D("487914.96")
    # at £15.80: 478,348 published annual hours x £15.80 = £7,557,898.40; x 1.02
    assert table.value("Total O pathway", "Indicative annual cost") == D("7709056.368")


def test_the_gap_on_the_preset_with_the_default_model(uow) -> None:
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    gaps = {g.code: g for g in cost_of_care.gap_by_zone(uow, "HFD", ON)}
    assert set(gaps) == {"A", "B", "C", "D", "E"}
    assert all(g.model_rate == D("33.18") for g in gaps.values())
    assert all(g.gap_per_hour is not None and g.gap_per_hour < 0 for g in gaps.values())


def test_the_gap_reads_each_active_package_light_as_it_is_whole(uow) -> None:
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    with uow:
        light = uow.records.active_care(uow.commissioners.get("HFD").id, ON)
        whole = uow.packages.active_on(ON, commissioner_code="HFD")
        # the same session's zones and services (eq is identity: a rate card finds its lines so)
        assert [(c.zone, c.service, c.provider, c.pattern) for c in light] == [
            (p.zone, p.service, p.provider.name, p.pattern) for p in whole
        ]
        assert len(light) == 826
        assert {c.service.code for c in light} == {"PC", "24H"}


runner = CliRunner()


def test_the_commands_save_show_compare_and_report(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'cm.db'}"
    assert runner.invoke(app, ["demo", "--preset", "herefordshire", "--db", url,
                               "--no-serve"]).exit_code == 0  # fmt: skip
    rural = ["--set", "hourly_pay=7.50", "--zone", "E=25,9", "--db", url]
    saved = runner.invoke(app, ["cost-of-care", "save", "Rural", "--from", "2017-04-01", *rural])
    assert saved.exit_code == 0, saved.output
    assert "Saved the scenario 'Rural'" in saved.output
    refused = runner.invoke(app, ["cost-of-care", "save", "Bad", "--from", "2017-04-01",
                                  "--set", "visit_minutes=0", "--db", url])  # fmt: skip
    assert refused.exit_code == 1
    assert "visit_minutes" in refused.output
    shown = runner.invoke(app, ["cost-of-care", "show", "--on", "2017-05-01", "--db", url])
    assert "Price an hour" in shown.output and "Rural" in shown.output
    compared = runner.invoke(app, ["cost-of-care", "compare", "Defaults", "Rural", "--db", url])
    assert "£33.18" in compared.output
    gap = runner.invoke(app, ["report", "cost-of-care", "--on", "2017-04-01", "-f", "csv",
                              "--db", url])  # fmt: skip
    assert gap.output.startswith("By,Zone or provider,Weekly hours")
    forecast = runner.invoke(app, ["report", "forecast", "--on", "2017-04-01", "--growth", "2",
                                   "--db", url])  # fmt: skip
    assert "9,383" in forecast.output
    trend = runner.invoke(app, ["report", "forecast", "--on", "2017-04-01", "--method",
                                "trend", "--db", url])  # fmt: skip
    assert trend.exit_code == 0, trend.output
