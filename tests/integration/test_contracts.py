"""Terms, contracts, their variations and the register, on the real database (the market of
brokerage_market: vehicle LCR of commissioner HFD, lot O-A, four providers, rate card
2017/18 at £18.00)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from caremarket.domain.access import Actor, Role
from caremarket.domain.contracts import (
    CommissionerNotOnVehicle,
    ContractAlreadyEnded,
    ContractOutsideVehicleTerm,
    ContractStatus,
    ExtensionsLapsed,
    InvalidVariation,
    Obligations,
    ProviderNotAdmitted,
    RateCardOfAnotherCommissioner,
    Term,
    TermAlreadyEnded,
)
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Tier
from caremarket.services import contracts
from caremarket.services.contracts import ContractAlreadyAwarded, ContractAward, NoTermSet
from caremarket.services.ports import AuditFilter
from tests.builders import a_commissioner, a_provider, a_rate_card

COMMISSIONER = Actor("commissioner@example.org", Role.COMMISSIONER)
NOW = datetime(2027, 1, 5, 10, tzinfo=UTC)
TERM = Term.of_years(date(2027, 4, 1), 3, 1, 1)


def an_award(**overrides) -> ContractAward:
    values = {
        "vehicle": "LCR",
        "lot": "O-A",
        "provider": "Mersey Care",
        "commissioner": "HFD",
        "term": TERM,
        "rate_card": "2017/18",
        "awarded_on": date(2027, 1, 4),
    }
    return ContractAward(**(values | overrides))


def audit_of(uow, object_type: str, ref: str) -> list[str]:
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type=object_type, object_ref=ref), limit=20, offset=0
        )
        return [e.action for e in reversed(entries)]


@pytest.fixture
def awarded(uow, market):
    contracts.set_term(
        uow,
        "LCR",
        starts_on=date(2027, 4, 1),
        initial_months=36,
        extension_months=(12, 12),
        by=COMMISSIONER,
        now=NOW,
    )
    return contracts.award_contract(uow, an_award(), by=COMMISSIONER, now=NOW)


def test_a_vehicles_term_is_set_read_back_and_audited(uow, market) -> None:
    set_ = contracts.set_term(
        uow,
        "LCR",
        starts_on=date(2016, 11, 7),
        initial_months=36,
        extension_months=(12, 12),
        by=COMMISSIONER,
        now=NOW,
    )
    assert set_.description == "3 + 1 + 1 years from 7 November 2016"
    read = contracts.term_of(uow, "LCR")
    assert read is not None
    assert (read.ends_on, read.latest_end) == (date(2019, 11, 6), date(2021, 11, 6))
    assert (read.next_option, read.decide_by) == (1, date(2019, 11, 6))
    assert audit_of(uow, "vehicle", "LCR") == ["term set"]
    with uow:
        assert uow.vehicles.get("LCR").starts_on == date(2016, 11, 7)


def test_a_vehicles_extension_decisions_are_kept_and_a_lapsed_option_refused(uow, market) -> None:
    with pytest.raises(NoTermSet):
        contracts.decide_vehicle_extension(
            uow,
            "LCR",
            option=1,
            taken=True,
            decided_on=date(2019, 6, 1),
            reason="x",
            by=COMMISSIONER,
            now=NOW,
        )
    contracts.set_term(
        uow,
        "LCR",
        starts_on=date(2016, 11, 7),
        initial_months=36,
        extension_months=(12, 12),
        by=COMMISSIONER,
        now=NOW,
    )
    declined = contracts.decide_vehicle_extension(
        uow,
        "LCR",
        option=1,
        taken=False,
        decided_on=date(2019, 6, 1),
        reason="a new model from 2019",
        by=COMMISSIONER,
        now=NOW,
    )
    assert declined.latest_end == date(2019, 11, 6)
    with pytest.raises(ExtensionsLapsed, match="option 1 was declined"):
        contracts.decide_vehicle_extension(
            uow,
            "LCR",
            option=2,
            taken=True,
            decided_on=date(2019, 7, 1),
            reason="x",
            by=COMMISSIONER,
            now=NOW,
        )
    read = contracts.term_of(uow, "LCR")
    assert read is not None and [d.taken for d in read.decisions] == [False]
    # a term set again keeps its decisions, which must fit it
    again = contracts.set_term(
        uow,
        "LCR",
        starts_on=date(2016, 11, 7),
        initial_months=36,
        extension_months=(12, 12),
        by=COMMISSIONER,
        now=NOW,
    )
    assert len(again.decisions) == 1
    assert audit_of(uow, "vehicle", "LCR") == ["term set", "extension declined", "term set"]


def test_an_award_is_kept_with_default_obligations_and_audited(uow, awarded) -> None:
    assert awarded.reference == "LCR-O-A-1"
    assert awarded.accept_within_hours == 5  # the Liverpool policy's window
    assert awarded.ecm_compliance_percent == 95
    assert awarded.rate_card == "2017/18"
    read = contracts.get_contract(uow, "LCR-O-A-1", viewer=COMMISSIONER, on=date(2027, 4, 1))
    assert read.status is ContractStatus.IN_FORCE
    assert (read.ends_on, read.latest_end) == (date(2030, 3, 31), date(2032, 3, 31))
    assert (read.next_option, read.decide_by) == (1, date(2030, 3, 31))
    assert audit_of(uow, "contract", "LCR-O-A-1") == ["contract awarded"]


def test_the_same_award_twice_is_refused(uow, awarded) -> None:
    with pytest.raises(ContractAlreadyAwarded, match="already has contract LCR-O-A-1"):
        contracts.award_contract(uow, an_award(), by=COMMISSIONER, now=NOW)


def test_an_award_to_a_provider_new_to_the_lot_admits_it_at_the_tier_given(uow, awarded) -> None:
    with uow:
        uow.providers.add(a_provider(name="Kirkby Home Care", cqc_location_ids=("1-555555555",)))
        uow.commit()
    with pytest.raises(ProviderNotAdmitted):
        contracts.award_contract(
            uow, an_award(provider="Kirkby Home Care"), by=COMMISSIONER, now=NOW
        )
    summary = contracts.award_contract(
        uow,
        an_award(
            provider="Kirkby Home Care",
            tier=Tier.APPROVED,
            obligations=Obligations(Decimal(2), Decimal("97.5"), open_book=True),
            tender_id=None,
        ),
        by=COMMISSIONER,
        now=NOW,
    )
    assert summary.reference == "LCR-O-A-2"
    assert (summary.accept_within_hours, summary.open_book) == (2, True)
    with uow:
        lot = uow.vehicles.get("LCR").lot("O-A")
        member = lot.membership_of(uow.providers.get("Kirkby Home Care"))
        assert member is not None and member.tier is Tier.APPROVED
        assert member.joined_on == date(2027, 4, 1)


def test_an_award_on_the_terms_of_a_commissioner_not_on_the_vehicle_is_refused(
    uow, awarded
) -> None:
    with uow:
        service = uow.services.get("PC")
        worcester = a_commissioner(code="WOR", name="Worcestershire County Council")
        uow.commissioners.add(worcester)
        uow.rate_cards.add(a_rate_card(worcester, service, name="WOR 2027"))
        uow.commit()
    with pytest.raises(CommissionerNotOnVehicle, match="does not commission through LCR"):
        contracts.award_contract(
            uow, an_award(commissioner="WOR", rate_card="WOR 2027"), by=COMMISSIONER, now=NOW
        )
    with pytest.raises(RateCardOfAnotherCommissioner, match="Worcestershire"):
        contracts.award_contract(
            uow, an_award(provider="Dingle Care", rate_card="WOR 2027"), by=COMMISSIONER, now=NOW
        )


def test_uplifts_compound_and_are_refused_out_of_order_or_outside_the_term(uow, awarded) -> None:
    contracts.uplift_contract(
        uow,
        "LCR-O-A-1",
        percent=Decimal(3),
        effective_from=date(2028, 4, 1),
        agreed_on=date(2028, 3, 1),
        reason="National Living Wage",
        by=COMMISSIONER,
        now=NOW,
    )
    later = contracts.uplift_contract(
        uow,
        "LCR-O-A-1",
        percent=Decimal("2.5"),
        effective_from=date(2029, 4, 1),
        agreed_on=date(2029, 3, 1),
        reason="National Living Wage",
        by=COMMISSIONER,
        now=NOW,
    )
    assert [v.description for v in later.variations] == [
        "Rates up 3% from 1 April 2028",
        "Rates up 2.5% from 1 April 2029",
    ]
    read = contracts.get_contract(uow, "LCR-O-A-1", viewer=COMMISSIONER, on=date(2029, 4, 1))
    assert read.uplift_percent == Decimal("5.575")
    with pytest.raises(InvalidVariation, match="applied in date order"):
        contracts.uplift_contract(
            uow,
            "LCR-O-A-1",
            percent=Decimal(1),
            effective_from=date(2028, 6, 1),
            agreed_on=date(2028, 5, 1),
            reason="late",
            by=COMMISSIONER,
            now=NOW,
        )
    with pytest.raises(InvalidVariation, match="falls outside the contract"):
        contracts.uplift_contract(
            uow,
            "LCR-O-A-1",
            percent=Decimal(1),
            effective_from=date(2030, 4, 1),
            agreed_on=date(2029, 6, 1),
            reason="beyond",
            by=COMMISSIONER,
            now=NOW,
        )
    assert audit_of(uow, "contract", "LCR-O-A-1") == [
        "contract awarded",
        "rate uplift agreed",
        "rate uplift agreed",
    ]


def test_an_extension_after_a_declined_option_is_refused(uow, awarded) -> None:
    declined = contracts.decide_contract_extension(
        uow,
        "LCR-O-A-1",
        option=1,
        taken=False,
        agreed_on=date(2029, 9, 1),
        reason="re-tendering",
        by=COMMISSIONER,
        now=NOW,
    )
    assert declined.latest_end == date(2030, 3, 31) and declined.next_option is None
    with pytest.raises(ExtensionsLapsed):
        contracts.decide_contract_extension(
            uow,
            "LCR-O-A-1",
            option=2,
            taken=True,
            agreed_on=date(2029, 10, 1),
            reason="changed our minds",
            by=COMMISSIONER,
            now=NOW,
        )


def test_taking_an_extension_moves_the_end_and_an_uplift_may_then_fall_in_it(uow, awarded) -> None:
    taken = contracts.decide_contract_extension(
        uow,
        "LCR-O-A-1",
        option=1,
        taken=True,
        agreed_on=date(2029, 9, 1),
        reason="stable market",
        by=COMMISSIONER,
        now=NOW,
    )
    assert (taken.ends_on, taken.decide_by) == (date(2031, 3, 31), date(2031, 3, 31))
    contracts.uplift_contract(
        uow,
        "LCR-O-A-1",
        percent=Decimal(2),
        effective_from=date(2030, 4, 1),
        agreed_on=date(2030, 3, 1),
        reason="NLW",
        by=COMMISSIONER,
        now=NOW,
    )
    with pytest.raises(TermAlreadyEnded):
        contracts.decide_contract_extension(
            uow,
            "LCR-O-A-1",
            option=2,
            taken=True,
            agreed_on=date(2031, 4, 1),
            reason="too late",
            by=COMMISSIONER,
            now=NOW,
        )


def test_a_contract_ended_early_shows_as_ended_and_takes_no_more_variations(uow, awarded) -> None:
    ended = contracts.end_contract(
        uow,
        "LCR-O-A-1",
        on=date(2028, 6, 30),
        reason="provider exited the market",
        by=COMMISSIONER,
        now=NOW,
    )
    assert ended.ends_on == ended.latest_end == date(2028, 6, 30)
    read = contracts.get_contract(uow, "LCR-O-A-1", viewer=COMMISSIONER, on=date(2028, 7, 1))
    assert read.status is ContractStatus.ENDED and read.end_reason == "provider exited the market"
    with pytest.raises(ContractAlreadyEnded):
        contracts.uplift_contract(
            uow,
            "LCR-O-A-1",
            percent=Decimal(1),
            effective_from=date(2028, 4, 1),
            agreed_on=date(2028, 7, 1),
            reason="x",
            by=COMMISSIONER,
            now=NOW,
        )
    assert audit_of(uow, "contract", "LCR-O-A-1")[-1] == "contract ended early"


def test_the_register_filters_and_a_provider_sees_only_its_own(uow, awarded, market) -> None:
    contracts.award_contract(
        uow,
        an_award(provider="Dingle Care", term=Term.of_years(date(2027, 4, 1), 1)),
        by=COMMISSIONER,
        now=NOW,
    )
    on = date(2027, 5, 1)
    everyone = contracts.contract_register(uow, viewer=COMMISSIONER, on=on)
    assert [r.provider for r in everyone] == ["Mersey Care", "Dingle Care"]
    expiring = contracts.contract_register(
        uow, viewer=COMMISSIONER, on=on, expiring_before=date(2028, 4, 1)
    )
    assert [r.provider for r in expiring] == ["Dingle Care"]
    assert contracts.contract_register(uow, viewer=COMMISSIONER, on=on, commissioner="XYZ") == []
    mine = contracts.contract_register(uow, viewer=market["Mersey Care"], on=on)
    assert [r.reference for r in mine] == ["LCR-O-A-1"]
    with pytest.raises(NotFound):
        contracts.get_contract(uow, "LCR-O-A-2", viewer=market["Mersey Care"], on=on)
    table = contracts.register_table(everyone, on=on, whose="every commissioner")
    assert table.value("LCR-O-A-2", "Ends") == "2028-03-31"
    assert table.value("LCR-O-A-1", "Decide by") == "2030-03-31"


def test_a_contract_starting_outside_the_vehicles_term_is_refused(uow, awarded) -> None:
    with pytest.raises(ContractOutsideVehicleTerm):
        contracts.award_contract(
            uow,
            an_award(
                provider="Dingle Care",
                term=Term.of_years(date(2031, 1, 1), 1),
                awarded_on=date(2030, 12, 1),
            ),
            by=COMMISSIONER,
            now=NOW,
        )
