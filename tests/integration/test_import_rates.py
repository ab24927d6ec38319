"""Importing rate cards: new cards made, recorded cards given lines, duplicates refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.rates import RateBasis
from caremarket.services.imports import import_rates
from tests.builders import A_MOMENT, AN_ADMIN
from tests.import_files import EXAMPLES, csv_file, lines_and_columns, rejected

HEADER = "commissioner,card,service,zone,basis,amount,effective_from"


def test_the_example_rates_make_a_card_with_a_general_rate_and_a_zones_own(
    herefordshire: SqlUnitOfWork,
) -> None:
    # The fixture holds only the PC service, so the example's 24H and SLEEP-IN lines are left.
    source = csv_file(*(EXAMPLES / "rates.csv").read_text().splitlines()[:3])

    result = import_rates(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source)

    assert str(result) == "Imported 2 rate lines."
    with herefordshire as uow:
        (card,) = uow.rate_cards.list()
        pc = uow.services.get("PC")
        zone_a = uow.zones.get(card.commissioner, "A")
        zone_c = uow.zones.get(card.commissioner, "C")
        assert card.name == "2017/18"
        assert card.rate_for(pc, zone_a, date(2017, 8, 10)).amount == Decimal("15.80")
        assert card.rate_for(pc, zone_c, date(2017, 8, 10)).amount == Decimal("16.50")
        assert card.lines[0].basis is RateBasis.PER_HOUR


def test_a_later_file_adds_lines_to_a_recorded_card_but_not_the_same_line_again(
    herefordshire: SqlUnitOfWork,
) -> None:
    import_rates(
        herefordshire,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file(HEADER, "HFD,2017/18,PC,,per-hour,15.80,2017-04-01"),
    )

    uplift = import_rates(
        herefordshire,
        by=AN_ADMIN,
        now=A_MOMENT,
        source=csv_file(HEADER, "HFD,2017/18,PC,,per-hour,16.20,2018-04-01"),
    )
    error = rejected(
        lambda: import_rates(
            herefordshire,
            by=AN_ADMIN,
            now=A_MOMENT,
            source=csv_file(
                HEADER,
                "HFD,2017/18,PC,,per-hour,16.60,2019-04-01",
                "HFD,2017/18,PC,,per-hour,15.90,01/04/2017",
            ),
        )
    )

    assert uplift.count == 1
    assert [str(p) for p in error.problems] == [
        "line 3, service 'PC in every zone from 01/04/2017 on 2017/18': this rate is already"
        " recorded"
    ]
    with herefordshire as uow:
        (card,) = uow.rate_cards.list()
        assert [line.amount for line in card.lines] == [Decimal("15.80"), Decimal("16.20")]


def test_rates_naming_unknown_commissioners_services_or_zones_write_nothing(
    herefordshire: SqlUnitOfWork,
) -> None:
    source = csv_file(
        HEADER,
        "HFD,2017/18,PC,,per-hour,15.80,2017-04-01",
        "WOR,2017/18,PC,,per-hour,15.80,2017-04-01",
        "HFD,2017/18,LIVE-IN,,flat,95,2017-04-01",
        "HFD,2017/18,PC,Z,per-hour,16.50,2017-04-01",
        "HFD,2017/18,PC,,per-hour,15.80,2017-04-01",
    )

    error = rejected(lambda: import_rates(herefordshire, by=AN_ADMIN, now=A_MOMENT, source=source))

    assert lines_and_columns(error) == [
        (3, "commissioner"),
        (4, "service"),
        (5, "zone"),
        (6, "service"),
    ]
    assert error.problems[2].reason == "there is no zone Z of commissioner HFD"
    assert "also on line 2" in error.problems[3].reason
    with herefordshire as uow:
        assert uow.rate_cards.list() == []
