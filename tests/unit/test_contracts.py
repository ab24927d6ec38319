"""Terms, extensions, contracts and their variations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.contracts import (
    CommissionerNotOnVehicle,
    Contract,
    ContractAlreadyEnded,
    ContractOutsideVehicleTerm,
    ContractStatus,
    Extension,
    ExtensionDue,
    ExtensionOutOfOrder,
    ExtensionsLapsed,
    InvalidAward,
    InvalidEnd,
    InvalidObligations,
    InvalidTerm,
    InvalidVariation,
    NoExtensionLeft,
    Obligations,
    ProviderNotAdmitted,
    RateCardOfAnotherCommissioner,
    RateUplift,
    Term,
    TermAlreadyEnded,
    add_months,
    award,
    default_obligations,
)
from caremarket.domain.market import Tier, Vehicle, VehicleKind
from caremarket.domain.policies import PRESETS as POLICIES
from tests.builders import a_commissioner, a_lot, a_provider, a_rate_card, a_service

LEICESTERSHIRE = Term.of_years(date(2016, 11, 7), 3, 1, 1)


def take(term: Term, option: int, on: date) -> Term:
    return term.decide(option, taken=True, on=on, by="Cabinet", reason="good value")


# terms


def test_leicestershire_lead_provider_contracts_run_three_years_plus_two_optional_years() -> None:
    assert LEICESTERSHIRE.ends_on == date(2019, 11, 6)
    assert LEICESTERSHIRE.latest_end == date(2021, 11, 6)
    assert LEICESTERSHIRE.describe() == "3 + 1 + 1 years from 7 November 2016"


def test_the_first_extension_is_due_by_the_day_the_initial_period_ends() -> None:
    assert LEICESTERSHIRE.next_decision == ExtensionDue(1, 12, date(2019, 11, 6))


def test_taking_an_extension_moves_the_end_and_the_next_decision() -> None:
    extended = take(LEICESTERSHIRE, 1, date(2019, 6, 1))
    assert extended.ends_on == date(2020, 11, 6)
    assert extended.next_decision == ExtensionDue(2, 12, date(2020, 11, 6))
    assert LEICESTERSHIRE.ends_on == date(2019, 11, 6)  # terms are values


def test_taking_both_extensions_reaches_the_latest_end_and_leaves_nothing_to_decide() -> None:
    extended = take(take(LEICESTERSHIRE, 1, date(2019, 6, 1)), 2, date(2020, 6, 1))
    assert extended.ends_on == date(2021, 11, 6)
    assert extended.next_decision is None


def test_declining_an_extension_ends_the_term_and_lapses_the_later_options() -> None:
    declined = LEICESTERSHIRE.decide(
        1, taken=False, on=date(2019, 6, 1), by="Cabinet", reason="re-tendering"
    )
    assert declined.ends_on == declined.latest_end == date(2019, 11, 6)
    assert declined.next_decision is None
    with pytest.raises(ExtensionsLapsed, match="option 1 was declined on 1 June 2019"):
        take(declined, 2, date(2019, 7, 1))


def test_a_term_is_in_force_from_its_first_to_its_last_day() -> None:
    assert not LEICESTERSHIRE.in_force_on(date(2016, 11, 6))
    assert LEICESTERSHIRE.in_force_on(date(2016, 11, 7))
    assert LEICESTERSHIRE.in_force_on(date(2019, 11, 6))
    assert not LEICESTERSHIRE.in_force_on(date(2019, 11, 7))


def test_extending_past_the_last_option_is_refused() -> None:
    with pytest.raises(NoExtensionLeft, match="allows only 2 extensions"):
        take(LEICESTERSHIRE, 3, date(2019, 6, 1))
    with pytest.raises(NoExtensionLeft, match="allows no extensions"):
        take(Term.of_years(date(2020, 1, 1), 3), 1, date(2021, 1, 1))


def test_extensions_are_decided_in_order() -> None:
    with pytest.raises(ExtensionOutOfOrder, match="option 1 is next"):
        take(LEICESTERSHIRE, 2, date(2019, 6, 1))
    once = take(LEICESTERSHIRE, 1, date(2019, 6, 1))
    with pytest.raises(ExtensionOutOfOrder, match="option 1 was already decided"):
        take(once, 1, date(2019, 7, 1))
    with pytest.raises(ExtensionOutOfOrder, match="before option 1 was"):
        take(once, 2, date(2019, 5, 1))


def test_an_extension_decided_after_the_term_ended_is_refused() -> None:
    with pytest.raises(TermAlreadyEnded, match="the term ended on 6 November 2019"):
        take(LEICESTERSHIRE, 1, date(2019, 11, 7))


def test_an_extension_decision_names_who_decided_and_why() -> None:
    with pytest.raises(InvalidTerm):
        LEICESTERSHIRE.decide(1, taken=True, on=date(2019, 6, 1), by="", reason="")


def test_a_term_loaded_with_decisions_out_of_order_is_refused() -> None:
    extended = take(take(LEICESTERSHIRE, 1, date(2019, 6, 1)), 2, date(2020, 6, 1))
    with pytest.raises(ExtensionOutOfOrder):
        Term(
            extended.starts_on,
            extended.initial_months,
            extended.extension_months,
            tuple(reversed(extended.decisions)),
        )


def test_a_month_from_the_last_day_of_january_ends_on_the_last_day_of_february() -> None:
    assert Term(date(2021, 1, 31), 1).ends_on == date(2021, 2, 28)
    assert Term(date(2024, 1, 31), 1).ends_on == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 3, 1)


def test_a_term_runs_for_at_least_a_month() -> None:
    with pytest.raises(InvalidTerm):
        Term(date(2020, 1, 1), 0)
    with pytest.raises(InvalidTerm):
        Term(date(2020, 1, 1), 12, (0,))


starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
periods = st.integers(min_value=1, max_value=60)


@given(starts=starts, initial=periods, extensions=st.lists(periods, max_size=4))
def test_taking_every_extension_gives_the_latest_end(
    starts: date, initial: int, extensions: list[int]
) -> None:
    term = Term(starts, initial, tuple(extensions))
    latest = term.latest_end
    while (due := term.next_decision) is not None:
        term = term.decide(due.option, taken=True, on=due.decide_by, by="Cabinet", reason="ok")
    assert term.ends_on == latest


@given(starts=starts, initial=periods, extensions=st.lists(periods, max_size=4))
def test_a_term_ends_the_day_before_its_anniversary_and_never_before_it_starts(
    starts: date, initial: int, extensions: list[int]
) -> None:
    term = Term(starts, initial, tuple(extensions))
    assert starts < term.ends_on + timedelta(days=1) <= add_months(starts, initial)
    assert term.ends_on <= term.latest_end


# contracts


def a_contract(term: Term = LEICESTERSHIRE) -> Contract:
    commissioner = a_commissioner(code="LCC", name="Leicestershire County Council")
    lot = a_lot(code="L01")
    return Contract(
        reference="HTLAH-LEAD-L01-1",
        vehicle=Vehicle(
            "HTLAH-LEAD", "Lead providers", VehicleKind.LEAD_PROVIDER, [commissioner], [lot]
        ),
        lot=lot,
        provider=a_provider(),
        commissioner=commissioner,
        term=term,
        rate_card="2016/17",
        payment_rules="payment against actuals, 2016",
        obligations=Obligations(
            accept_within_hours=Decimal(5), ecm_compliance_percent=Decimal(95), open_book=True
        ),
        awarded_on=date(2016, 9, 1),
    )


def test_annual_uplifts_compound_from_their_effective_dates() -> None:
    contract = a_contract()
    contract.vary_all(
        [
            RateUplift(Decimal("3.0"), date(2018, 4, 1), date(2018, 3, 1), "Cabinet", "NLW"),
            RateUplift(Decimal("2.5"), date(2017, 4, 1), date(2017, 3, 1), "Cabinet", "NLW"),
        ]
    )
    base = Decimal("15.80")
    assert contract.rate_on(base, date(2017, 3, 31)) == Decimal("15.80")
    assert contract.rate_on(base, date(2017, 4, 1)) == Decimal("16.20")  # 16.195 half-up
    assert contract.rate_on(base, date(2018, 4, 1)) == Decimal("16.68")  # 16.68085


def test_an_extension_as_a_variation_extends_the_contract_term() -> None:
    contract = a_contract()
    contract.vary(Extension(1, True, date(2019, 6, 1), "Cabinet", "stable market"))
    assert contract.term.ends_on == date(2020, 11, 6)
    contract.vary(RateUplift(Decimal(2), date(2020, 4, 1), date(2020, 3, 1), "Cabinet", "NLW"))
    assert contract.uplift_on(date(2020, 4, 1)) == Decimal("1.02")


def test_variations_are_applied_in_date_order() -> None:
    contract = a_contract()
    contract.vary(RateUplift(Decimal(2), date(2018, 4, 1), date(2018, 3, 1), "Cabinet", "NLW"))
    with pytest.raises(InvalidVariation, match="applied in date order"):
        contract.vary(RateUplift(Decimal(2), date(2017, 4, 1), date(2017, 3, 1), "Cabinet", "NLW"))


def test_an_uplift_outside_the_term_or_below_zero_is_refused() -> None:
    contract = a_contract()
    with pytest.raises(InvalidVariation, match="falls outside the contract"):
        contract.vary(RateUplift(Decimal(2), date(2020, 4, 1), date(2019, 3, 1), "Cabinet", "x"))
    with pytest.raises(InvalidVariation, match="is a cut"):
        contract.vary(RateUplift(Decimal(-1), date(2018, 4, 1), date(2018, 3, 1), "Cabinet", "x"))
    assert contract.variations == []


def test_obligations_are_checked() -> None:
    with pytest.raises(InvalidObligations):
        Obligations(accept_within_hours=Decimal(0), ecm_compliance_percent=Decimal(90))
    with pytest.raises(InvalidObligations):
        Obligations(accept_within_hours=Decimal(5), ecm_compliance_percent=Decimal(101))


def test_a_contract_is_in_force_through_its_term_then_expires() -> None:
    contract = a_contract()
    assert contract.status_on(date(2016, 11, 6)) is ContractStatus.NOT_STARTED
    assert contract.status_on(date(2016, 11, 7)) is ContractStatus.IN_FORCE
    assert contract.status_on(date(2019, 11, 6)) is ContractStatus.IN_FORCE
    assert contract.status_on(date(2019, 11, 7)) is ContractStatus.EXPIRED
    assert contract.next_decision == ExtensionDue(1, 12, date(2019, 11, 6))


def test_a_contract_ended_early_ends_on_that_day_with_nothing_left_to_decide() -> None:
    contract = a_contract()
    contract.end(date(2018, 3, 31), reason="the provider withdrew")
    assert contract.ends_on == contract.latest_end == date(2018, 3, 31)
    assert contract.next_decision is None
    assert contract.status_on(date(2018, 3, 31)) is ContractStatus.IN_FORCE
    assert contract.status_on(date(2018, 4, 1)) is ContractStatus.ENDED
    with pytest.raises(ContractAlreadyEnded, match="ended on 31 March 2018"):
        contract.vary(Extension(1, True, date(2018, 6, 1), "Cabinet", "stable"))
    with pytest.raises(ContractAlreadyEnded):
        contract.end(date(2018, 5, 1), reason="again")


def test_a_contract_ends_early_only_within_its_term_and_for_a_reason() -> None:
    contract = a_contract()
    with pytest.raises(InvalidEnd, match="cannot end early on 7 November 2019"):
        contract.end(date(2019, 11, 7), reason="late")
    with pytest.raises(InvalidEnd, match="say why"):
        contract.end(date(2018, 1, 1), reason=" ")
    assert contract.ended_on is None


def test_the_uplift_in_force_is_shown_as_one_compounded_percentage() -> None:
    contract = a_contract()
    contract.vary(RateUplift(Decimal(3), date(2017, 4, 1), date(2017, 3, 1), "Cabinet", "NLW"))
    contract.vary(RateUplift(Decimal("2.5"), date(2018, 4, 1), date(2018, 3, 1), "Cabinet", "NLW"))
    assert contract.uplift_percent_on(date(2017, 3, 31)) == 0
    assert contract.uplift_percent_on(date(2018, 4, 1)) == Decimal("5.575")


def test_default_obligations_take_the_sourcing_window_and_95_percent_ecm() -> None:
    liverpool = default_obligations(POLICIES["liverpool"])
    assert liverpool.accept_within_hours == 5
    assert liverpool.ecm_compliance_percent == 95
    assert not liverpool.open_book
    assert default_obligations(None).accept_within_hours == 24


# awards


def an_award(**overrides):
    commissioner = a_commissioner()
    lot = a_lot()
    vehicle = Vehicle("HFD-HC", "Home care", VehicleKind.FRAMEWORK, [commissioner], [lot])
    values = {
        "reference": "HFD-HC-O-A-1",
        "vehicle": vehicle,
        "vehicle_term": Term.of_years(date(2017, 4, 1), 3, 1, 1),
        "lot": "O-A",
        "provider": a_provider(),
        "commissioner": commissioner,
        "term": Term(date(2017, 7, 1), 33, (12, 12)),
        "rate_card": a_rate_card(commissioner, a_service()),
        "payment_rules": "payment against actuals",
        "obligations": default_obligations(None),
        "awarded_on": date(2017, 3, 31),
        "tier": Tier.APPROVED,
    }
    return award(**(values | overrides))


def test_an_award_admits_a_provider_new_to_the_lot_at_the_tier_given() -> None:
    contract, admitted = an_award()
    assert admitted is not None and admitted.tier is Tier.APPROVED
    assert admitted.joined_on == date(2017, 7, 1)
    assert contract.ends_on == date(2020, 3, 31)  # with the framework's initial period
    assert contract.rate_card == "2017/18"


def test_an_award_to_a_provider_not_in_the_lot_needs_a_tier() -> None:
    with pytest.raises(ProviderNotAdmitted, match="give the tier"):
        an_award(tier=None)


def test_an_award_is_on_the_terms_of_one_of_the_vehicles_commissioners() -> None:
    other = a_commissioner(code="WOR", name="Worcestershire County Council")
    with pytest.raises(CommissionerNotOnVehicle, match="does not commission through HFD-HC"):
        an_award(commissioner=other)
    with pytest.raises(RateCardOfAnotherCommissioner, match="Worcestershire"):
        an_award(rate_card=a_rate_card(other, a_service()))


def test_an_award_starts_within_the_vehicles_term_and_after_it_is_awarded() -> None:
    with pytest.raises(ContractOutsideVehicleTerm, match="runs from 1 April 2017"):
        an_award(term=Term.of_years(date(2017, 3, 1), 1))
    with pytest.raises(InvalidAward, match="awarded before it starts"):
        an_award(awarded_on=date(2017, 7, 2))
