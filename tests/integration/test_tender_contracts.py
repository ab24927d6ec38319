"""A lot's award makes its contracts: one for each awarded provider on the vehicle's term and
the commissioner's latest rate card by default, or on the terms the commissioner gives; a
lot shared by two councils gives a contract on each council's terms. An award that cannot
make its contracts makes nothing: no members, no award, no contracts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from caremarket.domain.contracts import InvalidAward, Term
from caremarket.domain.tenders import LotAlreadyAwarded
from caremarket.services import contracts, tender_views, tenders
from caremarket.services.contracts import AwardTerms
from caremarket.services.ports import AuditFilter
from tests.builders import a_commissioner, a_rate_card, a_zone
from tests.integration.tender_market import (
    AWARDED_AT,
    COMMISSIONER,
    EVALUATED_AT,
    EXAMPLE,
    TERM_STARTS,
    VEHICLE,
    build_tender_market,
)

BY = {"by": COMMISSIONER, "now": AWARDED_AT}
ON = date(2027, 6, 1)


def register(uow, **where) -> list[tuple]:
    rows = contracts.contract_register(uow, viewer=COMMISSIONER, on=ON, vehicle=VEHICLE, **where)
    return [(r.reference, r.lot, r.provider, r.commissioner, r.rate_card) for r in rows]


def members(uow, lot: str) -> list[str]:
    with uow:
        return [m.provider.name for m in uow.vehicles.get(VEHICLE).lot(lot).members]


def import_example(uow) -> str:
    tenders.import_tender(
        uow,
        EXAMPLE.read_text(encoding="utf-8"),
        vehicle=VEHICLE,
        by=COMMISSIONER,
        now=EVALUATED_AT,
    )
    return "HC-2027"


def test_an_award_makes_a_contract_for_each_awarded_provider_on_the_vehicles_term(uow) -> None:
    build_tender_market(uow)
    tender = import_example(uow)
    award = tenders.award_lot(uow, tender, "N", **BY)
    assert award.contracts == ("HC-2027-N-1", "HC-2027-N-2", "HC-2027-N-3")
    assert register(uow) == [
        ("HC-2027-N-1", "N", "Cedar", "HFD", "2027/28"),
        ("HC-2027-N-2", "N", "Alder", "HFD", "2027/28"),
        ("HC-2027-N-3", "N", "Birch", "HFD", "2027/28"),
    ]
    first = contracts.get_contract(uow, "HC-2027-N-1", viewer=COMMISSIONER, on=ON)
    assert (first.starts_on, first.ends_on, first.latest_end) == (
        TERM_STARTS,
        date(2030, 3, 31),
        date(2032, 3, 31),
    )
    assert first.awarded_on == date(2027, 3, 8)
    with uow:
        assert first.tender_id == uow.tenders.get(tender).id
    # read back with the tender's lot, and in the award's audit entry
    assert tender_views.lot_detail(uow, tender, "N").award.contracts == award.contracts
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type="tender", object_ref=tender), limit=5, offset=0
        )
        [awarded] = [e for e in entries if e.action == "lot awarded"]
        assert awarded.changes["contracts"] == list(award.contracts)


def test_an_award_on_terms_the_commissioner_gives(uow) -> None:
    build_tender_market(uow)
    with uow:
        council = uow.commissioners.get("HFD")
        uow.rate_cards.add(a_rate_card(council, uow.services.get("PC"), "16.40", name="Older"))
        uow.commit()
    tender = import_example(uow)
    later = Term.of_years(date(2027, 9, 1), 2, 1)
    award = tenders.award_lot(
        uow, tender, "S", terms=AwardTerms(term=later, rate_card="Older"), **BY
    )
    summary = contracts.get_contract(uow, award.contracts[0], viewer=COMMISSIONER, on=ON)
    assert (summary.starts_on, summary.ends_on, summary.rate_card) == (
        date(2027, 9, 1),
        date(2029, 8, 31),
        "Older",
    )


def test_the_latest_rate_card_is_the_one_whose_rates_take_effect_last(uow) -> None:
    build_tender_market(uow)
    with uow:
        council = uow.commissioners.get("HFD")
        old = a_rate_card(council, uow.services.get("PC"), "14.00", name="Zeta (old)")
        old.lines = [replace(line, effective_from=date(2016, 4, 1)) for line in old.lines]
        uow.rate_cards.add(old)  # named last, but its rates are older than 2027/28's
        uow.commit()
    tender = import_example(uow)
    award = tenders.award_lot(uow, tender, "S", **BY)
    assert [row[-1] for row in register(uow)] == ["2027/28"] * len(award.contracts)


@pytest.mark.parametrize(
    ("term_starts", "refusal"),
    [
        (None, "vehicle HC-2027 has no term: set it"),
        (date(2027, 3, 1), "term began on 1 March 2027, before this award"),
    ],
)
def test_an_award_that_cannot_make_its_contracts_makes_nothing(
    uow, term_starts: date | None, refusal: str
) -> None:
    build_tender_market(uow, term_starts=term_starts)
    tender = import_example(uow)
    with pytest.raises(InvalidAward, match=refusal):
        tenders.award_lot(uow, tender, "N", **BY)
    assert members(uow, "N") == []
    assert register(uow) == []
    assert tender_views.lot_detail(uow, tender, "N").award is None
    # given the term, it goes through
    term = Term.of_years(date(2027, 4, 1), 3)
    assert (
        len(tenders.award_lot(uow, tender, "N", terms=AwardTerms(term=term), **BY).contracts) == 3
    )
    with pytest.raises(LotAlreadyAwarded):
        tenders.award_lot(uow, tender, "N", terms=AwardTerms(term=term), **BY)


def test_a_commissioner_without_a_rate_card_is_told_to_add_one(uow) -> None:
    build_tender_market(uow, rate_card=False)
    tender = import_example(uow)
    with pytest.raises(InvalidAward, match="has no rate card: add one"):
        tenders.award_lot(uow, tender, "N", **BY)
    assert members(uow, "N") == []


def test_a_lot_shared_by_two_councils_gives_a_contract_on_each_councils_terms(uow) -> None:
    build_tender_market(uow)
    with uow:
        hfd = uow.commissioners.get("HFD")
        other = a_commissioner(code="SHR", name="Shropshire Council")
        service = uow.services.get("PC")
        vehicle = uow.vehicles.get(VEHICLE)
        vehicle.commissioners.append(other)
        lot = vehicle.lot("S")
        lot.zones.extend(
            [
                a_zone(commissioner=hfd, code="HS", name="Hereford south", areas=("HR2",)),
                a_zone(commissioner=other, code="SS", name="Shropshire south", areas=("SY7",)),
            ]
        )
        uow.rate_cards.add(a_rate_card(other, service, "17.10", name="Shropshire 2027"))
        uow.commit()
    tender = import_example(uow)
    award = tenders.award_lot(uow, tender, "S", **BY)
    assert [(r[2], r[3], r[4]) for r in register(uow)] == [
        (provider, council, card)
        for council, card in (("HFD", "2027/28"), ("SHR", "Shropshire 2027"))
        for provider in award.awarded
    ]
    assert len(award.contracts) == 2 * len(award.awarded) > 0
