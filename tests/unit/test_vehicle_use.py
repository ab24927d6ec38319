"""The vehicle-use report on a small scripted market, against figures worked out by hand.

Two councils call off from one shared vehicle, each at its own rate: Wirral (£16.00 an hour)
and Halton (£18.00); their NHS partner is on the vehicle but has called off nothing.

  Wirral  W-1  person P-1  4x30 daily  14 h  Provider X  14 x 16.00 = 224.00 a week
          W-2  person P-1  1x60 daily   7 h  Provider Y   7 x 16.00 = 112.00
  Halton  H-1  person P-1  4x30 daily  14 h  Provider X  14 x 18.00 = 252.00
  left out: H-2 ended the day before, H-3 requested (no lot yet), W-3 in another vehicle's lot

  Wirral:  2 packages, 1 person, 21 h, £336.00 a week, £17,472.00 a year, 2 providers, 60%
  Halton:  1 package,  1 person, 14 h, £252.00 a week, £13,104.00 a year, 1 provider,  40%
  Total:   3 packages, 2 people (the two P-1s are different people), 35 h, £588.00 a week,
           £30,576.00 a year, 2 providers (X serves both councils, counted once), 100%
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caremarket.domain.errors import NoRate
from caremarket.domain.market import CommissionerKind, Lot, Tier, Vehicle, VehicleKind
from caremarket.domain.packages import PackageStatus, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.reports.render import as_csv
from caremarket.reports.vehicle_use import vehicle_use
from tests.builders import (
    a_care_package,
    a_commissioner,
    a_provider,
    a_rate_card,
    a_service,
    a_zone,
)

ON = date(2020, 3, 1)


@pytest.fixture
def market():
    wirral = a_commissioner(code="WIR", name="Wirral Council", pathway_rules=None)
    halton = a_commissioner(code="HAL", name="Halton Borough Council", pathway_rules=None)
    icb = a_commissioner(code="ICB", name="NHS partner", kind=CommissionerKind.ICB)
    care = a_service(code="ECH", name="Extra care")
    x, y = a_provider(name="Provider X"), a_provider(name="Provider Y")
    zones = {
        "WIR": a_zone(commissioner=wirral, code="W", areas=("CH41",)),
        "HAL": a_zone(commissioner=halton, code="H", areas=("WA8",)),
    }
    lots = {code: Lot(f"ECH-{code}", code, zones=[zone]) for code, zone in zones.items()}
    for lot in lots.values():
        lot.admit(x, Tier.APPROVED)
    lots["WIR"].admit(y, Tier.APPROVED)
    shared = Vehicle(
        "LCR", "Shared FPS", VehicleKind.DPS, [wirral, halton, icb], lots=list(lots.values())
    )
    elsewhere = Lot("OTHER", "Another vehicle's lot", zones=[zones["WIR"]])
    elsewhere.admit(y, Tier.APPROVED)

    def package(reference, owner, provider, visits, lot, **overrides):
        person = Person(owner, "P-1", "CH41 1AA")
        return a_care_package(
            reference=reference,
            commissioner=owner,
            zone=zones[owner.code],
            service=care,
            person=person,
            pattern=parse_pattern(visits),
            provider=provider,
            lot=lot,
            start_on=date(2019, 10, 1),
            **overrides,
        )

    packages = [
        package("W-1", wirral, x, "4x30 daily", lots["WIR"]),
        package("W-2", wirral, y, "1x60 daily", lots["WIR"]),
        package("H-1", halton, x, "4x30 daily", lots["HAL"]),
        package("H-2", halton, x, "4x30 daily", lots["HAL"], end_on=date(2020, 2, 29)),
        package("H-3", halton, None, "4x30 daily", None, status=PackageStatus.REQUESTED),
        package("W-3", wirral, y, "4x30 daily", elsewhere),
    ]
    cards = {
        "WIR": a_rate_card(wirral, care, "16.00"),
        "HAL": a_rate_card(halton, care, "18.00"),
    }
    return shared, packages, cards, care


def run(market):
    shared, packages, cards, care = market
    return vehicle_use(packages, vehicle=shared, cards=cards, services={"ECH": care}, on=ON)


def test_each_commissioner_is_shown_at_its_own_rates(market) -> None:
    table = run(market)
    assert table.row("Wirral Council").cells[1:] == (
        2,
        1,
        Decimal(21),
        Decimal("336.00"),
        Decimal("17472.00"),
        2,
        Decimal(60),
    )
    assert table.row("Halton Borough Council").cells[1:] == (
        1,
        1,
        Decimal(14),
        Decimal("252.00"),
        Decimal("13104.00"),
        1,
        Decimal(40),
    )


def test_the_total_counts_each_person_and_provider_once(market) -> None:
    assert run(market).totals.cells == (
        "Total",
        3,
        2,
        Decimal(35),
        Decimal("588.00"),
        Decimal("30576.00"),
        2,
        Decimal(100),
    )


def test_a_commissioner_that_has_called_off_nothing_has_a_row_of_noughts(market) -> None:
    table = run(market)
    assert [row.cells[0] for row in table.rows] == [
        "Halton Borough Council",
        "NHS partner",
        "Wirral Council",
    ]
    assert table.row("NHS partner").cells[1:] == (0, 0, 0, 0, 0, 0, 0)


def test_the_report_is_titled_by_the_vehicle_and_comes_out_as_csv(market) -> None:
    table = run(market)
    assert (table.title, table.commissioner, table.on) == (
        "Use of LCR by commissioner",
        "Shared FPS",
        ON,
    )
    assert as_csv(table).splitlines()[-1] == "Total,3,2,35,588,30576,2,100"


def test_a_commissioner_calling_off_without_a_rate_card_is_refused(market) -> None:
    shared, packages, cards, care = market
    with pytest.raises(NoRate, match="Halton Borough Council has no rate card"):
        vehicle_use(
            packages, vehicle=shared, cards={"WIR": cards["WIR"]}, services={"ECH": care}, on=ON
        )
