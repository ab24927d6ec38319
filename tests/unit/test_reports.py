import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from caremarket.domain.market import Lot, ServiceKind, Tier
from caremarket.domain.packages import PackageStatus, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.rates import RateLine
from caremarket.reports.market_share import market_share
from caremarket.reports.render import as_csv, as_text, as_xlsx
from caremarket.reports.tables import Column, Measure, Row, Table
from caremarket.reports.zone_demand import zone_demand
from tests.builders import (
    a_care_package,
    a_commissioner,
    a_provider,
    a_rate_card,
    a_service,
    a_zone,
)

ON = date(2017, 8, 1)


@pytest.fixture
def market():
    council = a_commissioner()
    care = a_service()
    live_in = a_service(code="24H", name="24-hour care", kind=ServiceKind.TWENTY_FOUR_HOUR)
    card = a_rate_card(council, care)
    card.lines.append(RateLine(live_in, Decimal("12.80"), date(2017, 4, 1)))
    zones = {
        code: a_zone(commissioner=council, code=code, areas=(f"HR{n}",))
        for n, code in enumerate("AB", start=1)
    }
    return council, care, live_in, card, zones


def package(council, zone, service, pattern, number, **overrides):
    person = Person(council, f"P-{number}", "HR1 1AA")
    return a_care_package(
        reference=f"PKG-{number}",
        commissioner=council,
        zone=zone,
        service=service,
        pattern=parse_pattern(pattern),
        person=person,
        **overrides,
    )


def test_zone_demand_counts_clients_hours_and_cost_by_zone(market):
    council, care, _live_in, card, zones = market
    packages = [
        package(council, zones["A"], care, "4x30 daily", 1),
        package(council, zones["A"], care, "1x60 Mon-Fri", 2),
        package(council, zones["B"], care, "2x30 daily", 3),
    ]
    table = zone_demand(packages, card=card, services={"PC": care}, commissioner="HC", on=ON)
    assert table.value("A", "Clients") == 2
    assert table.value("A", "Weekly hours") == 19
    assert table.value("A", "Annual hours") == 19 * 52
    assert table.value("A", "Indicative annual cost") == Decimal("15.80") * 19 * 52
    assert table.value("Total O pathway", "Clients") == 3


def test_zone_demand_groups_a_lot_of_several_zones_under_its_name(market):
    council, care, live_in, card, zones = market
    lot = Lot("D-AB", "Complex A & B", zones=list(zones.values()), pathway="D")
    packages = [
        package(council, zones["A"], live_in, "1x1440 daily", 1, lot=lot),
        package(council, zones["B"], care, "4x60x2 daily", 2, lot=lot),
    ]
    services = {"PC": care, "24H": live_in}
    table = zone_demand(packages, card=card, services=services, commissioner="HC", on=ON)
    assert table.value("Complex A & B", "Clients") == 2
    assert table.value("Complex A & B", "Weekly hours") == 168 + 56
    assert table.value("Total D pathway", "Indicative annual cost") == (
        (168 * Decimal("12.80") + 56 * Decimal("15.80")) * 52
    )


def test_zone_demand_leaves_out_packages_not_active_on_the_day(market):
    council, care, _live_in, card, zones = market
    packages = [
        package(council, zones["A"], care, "4x30 daily", 1),
        package(council, zones["A"], care, "4x30 daily", 2, status=PackageStatus.ENDED),
    ]
    table = zone_demand(packages, card=card, services={"PC": care}, commissioner="HC", on=ON)
    assert table.value("A", "Clients") == 1


def test_market_share_splits_people_hours_and_value_by_tier(market):
    council, care, _live_in, card, zones = market
    lead, extra = a_provider(name="Lead Care"), a_provider(name="Extra Care")
    lot = Lot("L1", "Zone A", zones=[zones["A"]])
    lot.admit(lead, Tier.LEAD)
    lot.admit(extra, Tier.SUPPLEMENTARY)
    packages = [
        package(council, zones["A"], care, "2x30 daily", 1, lot=lot, provider=lead),
        package(council, zones["A"], care, "1x60 daily", 2, lot=lot, provider=lead),
        package(council, zones["A"], care, "1x30 daily", 3, lot=lot, provider=extra),
        package(council, zones["A"], care, "1x30 daily", 4),
    ]
    table = market_share(packages, card=card, services={"PC": care}, commissioner="HC", on=ON)
    assert table.value("Lead provider", "People served") == 2
    assert table.value("Lead provider", "Hours a week") == 14
    assert table.value("Lead provider", "Value a week") == 14 * Decimal("15.80")
    assert table.value("Total", "People served") == 3
    assert "67%" in as_text(table)
    by_provider = market_share(
        packages, card=card, services={"PC": care}, commissioner="HC", on=ON, by="provider"
    )
    assert by_provider.value("Extra Care", "Hours a week") == Decimal("3.5")


def test_market_share_refuses_an_unknown_grouping(market):
    _council, care, _live_in, card, _zones = market
    with pytest.raises(ValueError, match="by tier or provider"):
        market_share([], card=card, services={"PC": care}, commissioner="HC", on=ON, by="zone")


@pytest.fixture
def table():
    return Table(
        title="Market share by tier",
        commissioner="Leicestershire County Council",
        on=date(2018, 8, 15),
        columns=(
            Column("Tier"),
            Column("People served", Measure.COUNT),
            Column("Hours a week", Measure.HOURS),
            Column("Value a week", Measure.POUNDS),
            Column("Value a year", Measure.MILLIONS),
            Column("Share of people", Measure.PERCENT),
        ),
        rows=(
            Row(
                (
                    "Lead provider",
                    1189,
                    Decimal("12533.4"),
                    Decimal("208165.975"),
                    Decimal("10824630.70"),
                    Decimal("66.98"),
                )
            ),
        ),
        totals=Row(
            (
                "Total",
                1189,
                Decimal("12533.4"),
                Decimal("208165.975"),
                Decimal("10824630.70"),
                Decimal(100),
            )
        ),
    )


def test_text_shows_figures_rounded_half_up_with_separators_and_pounds(table):
    text = as_text(table)
    assert "Leicestershire County Council, 15 August 2018" in text
    assert "Lead provider  " in text
    line = next(x for x in text.splitlines() if x.startswith("Lead provider"))
    assert line.split()[2:] == ["1,189", "12,533", "£208,166", "£10.8m", "67%"]


def test_csv_holds_the_shown_figures_without_symbols(table):
    rows = list(csv.reader(io.StringIO(as_csv(table))))
    assert rows[0] == [
        "Tier",
        "People served",
        "Hours a week",
        "Value a week (£)",
        "Value a year (£m)",
        "Share of people (%)",
    ]
    assert rows[1] == ["Lead provider", "1189", "12533", "208166", "10.8", "67"]


def test_xlsx_holds_numbers_with_number_formats(table):
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx(table))).active
    header = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Tier")
    cells = [sheet.cell(header + 1, c) for c in range(1, 7)]
    assert [c.value for c in cells] == ["Lead provider", 1189, 12533, 208166, 10.8, 0.67]
    assert cells[3].number_format == '"£"#,##0'
    assert cells[5].number_format == "0%"


def test_a_row_must_have_a_cell_for_every_column():
    with pytest.raises(ValueError, match="cells"):
        Table("T", "C", ON, (Column("A"), Column("B", Measure.COUNT)), (Row(("x",)),))
