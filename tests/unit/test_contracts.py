"""Terms, extensions, contracts and their variations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.contracts import (
    Contract,
    Extension,
    ExtensionDue,
    ExtensionOutOfOrder,
    ExtensionsLapsed,
    InvalidObligations,
    InvalidTerm,
    InvalidVariation,
    NoExtensionLeft,
    Obligations,
    RateUplift,
    Term,
    TermAlreadyEnded,
    add_months,
)
from tests.builders import a_lot, a_provider

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
    return Contract(
        provider=a_provider(),
        lot=a_lot(),
        term=term,
        rate_card="2016/17",
        payment_rules="payment against actuals, 2016",
        obligations=Obligations(
            accept_within_hours=Decimal(5), ecm_compliance_percent=Decimal(95), open_book=True
        ),
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
