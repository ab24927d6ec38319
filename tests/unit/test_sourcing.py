"""The sourcing engine: offers, acceptances, windows, stages, mini-competitions, waiting list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caremarket.domain.market import CqcRating, Tier
from caremarket.domain.policies import PRESETS, Candidate
from caremarket.domain.sourcing import (
    Awarded,
    JoinedWaitingList,
    NotWaiting,
    OfferMade,
    OfferNotOpen,
    Outcome,
    Phase,
    accept,
    begin,
    bid,
    close,
    decline,
    drop_candidate,
    offer_capacity,
    tick,
)
from caremarket.holidays import working_week

LONDON = ZoneInfo("Europe/London")
WEEK = working_week()
FRIDAY_3PM = datetime(2026, 11, 20, 15, tzinfo=LONDON)
MONDAY_10AM = datetime(2026, 11, 23, 10, tzinfo=LONDON)
START = date(2026, 11, 24)

LIVERPOOL_MARKET = (
    Candidate("Mersey Care", Tier.PREFERRED, CqcRating.GOOD),
    Candidate("Anfield Homecare", Tier.PREFERRED, CqcRating.GOOD),
    Candidate("Dingle Care", Tier.APPROVED, CqcRating.OUTSTANDING),
    Candidate("Everton Carers", Tier.APPROVED, CqcRating.REQUIRES_IMPROVEMENT),
)


def offered_to(actions) -> list[str]:
    return [a.provider for a in actions if isinstance(a, OfferMade)]


def test_liverpool_offers_to_preferred_providers_first() -> None:
    state, actions = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Mersey Care", "Anfield Homecare"]
    assert state.stage_ends_at == MONDAY_10AM


def test_liverpool_goes_to_approved_providers_at_the_end_of_the_window_not_before() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)

    state, early = tick(state, now=MONDAY_10AM - timedelta(minutes=1), week=WEEK)
    assert early == []
    state, actions = tick(state, now=MONDAY_10AM, week=WEEK)

    assert offered_to(actions) == ["Dingle Care", "Everton Carers"]
    assert state.stage == 1


def test_the_first_acceptance_wins_and_the_others_are_withdrawn() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    state, actions = accept(state, "Anfield Homecare", START, now=FRIDAY_3PM + timedelta(hours=1))
    assert actions[-1] == Awarded("Anfield Homecare", START, 0)
    assert state.phase is Phase.AWARDED
    withdrawn = [o for o in state.offers if o.outcome is Outcome.WITHDRAWN]
    assert [o.provider for o in withdrawn] == ["Mersey Care"]


def test_a_second_acceptance_is_refused_clearly() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    state, _ = accept(state, "Anfield Homecare", START, now=FRIDAY_3PM)
    with pytest.raises(OfferNotOpen, match="already been awarded to another provider"):
        accept(state, "Mersey Care", START, now=FRIDAY_3PM)


def test_a_provider_not_offered_the_package_cannot_accept_it() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    with pytest.raises(OfferNotOpen, match="Dingle Care has no open offer"):
        accept(state, "Dingle Care", START, now=FRIDAY_3PM)


def test_an_offer_cannot_be_accepted_after_its_window() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    with pytest.raises(OfferNotOpen, match="closed"):
        accept(state, "Mersey Care", START, now=MONDAY_10AM)


def test_a_closed_window_is_told_in_uk_time_in_summer_too() -> None:
    july_morning = datetime(2026, 7, 3, 9, tzinfo=UTC)  # 10:00 in London (BST)
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=july_morning, week=WEEK)
    closes = state.offers[0].ends_at.astimezone(LONDON)
    with pytest.raises(OfferNotOpen) as refused:
        accept(state, "Mersey Care", START, now=july_morning + timedelta(days=7))
    assert f"closed on {closes.day} {closes:%B %Y at %H:%M} (UK time)" in str(refused.value)
    assert closes.utcoffset() == timedelta(hours=1)


def test_when_every_provider_declines_the_stage_ends_at_once() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    state, _ = decline(state, "Mersey Care", now=FRIDAY_3PM, week=WEEK)
    state, actions = decline(state, "Anfield Homecare", now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Dingle Care", "Everton Carers"]


def test_nobody_taking_the_package_puts_it_on_the_waiting_list() -> None:
    state, _ = begin(PRESETS["liverpool"], LIVERPOOL_MARKET, now=FRIDAY_3PM, week=WEEK)
    state, _ = tick(state, now=MONDAY_10AM, week=WEEK)
    state, actions = tick(state, now=MONDAY_10AM + timedelta(days=2), week=WEEK)
    assert isinstance(actions[-1], JoinedWaitingList)
    assert state.phase is Phase.WAITING


def test_leicestershire_asks_its_lead_providers_one_at_a_time() -> None:
    market = (
        Candidate("Lead One", Tier.LEAD),
        Candidate("Lead Two", Tier.LEAD),
        Candidate("Backup Care", Tier.SUPPLEMENTARY),
    )
    state, actions = begin(PRESETS["leicestershire"], market, now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Lead One"]
    state, actions = decline(state, "Lead One", now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Lead Two"]
    state, actions = decline(state, "Lead Two", now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Backup Care"]


def test_halton_awards_straight_to_its_single_provider() -> None:
    market = (Candidate("Halton Home Care", Tier.LEAD), Candidate("Sub", Tier.SUBCONTRACTOR))
    state, actions = begin(PRESETS["halton"], market, now=FRIDAY_3PM, week=WEEK)
    assert actions == [Awarded("Halton Home Care", None, 0)]


def test_st_helens_awards_the_best_scored_bid_at_the_deadline() -> None:
    market = (
        Candidate("Cheap Care", Tier.APPROVED, CqcRating.REQUIRES_IMPROVEMENT),
        Candidate("Good Care", Tier.APPROVED, CqcRating.OUTSTANDING),
    )
    state, _ = begin(PRESETS["st-helens"], market, now=FRIDAY_3PM, week=WEEK)
    with pytest.raises(OfferNotOpen, match="send a bid"):
        accept(state, "Good Care", START, now=FRIDAY_3PM)
    state, _ = bid(
        state, "Cheap Care", hourly_rate=Decimal("16.00"), earliest_start=START, now=FRIDAY_3PM
    )
    state, _ = bid(
        state, "Good Care", hourly_rate=Decimal("17.00"), earliest_start=START, now=FRIDAY_3PM
    )
    assert state.phase is Phase.OFFERING  # bids wait for the deadline

    state, actions = tick(state, now=state.stage_ends_at, week=WEEK)
    # Cheap: 40 + 40 + 20 x 0.25 = 85; Good: 40 x 16/17 + 40 + 20 = 97.6
    assert actions[-1] == Awarded("Good Care", START, 0)


def test_a_tie_in_a_mini_competition_goes_to_the_earlier_bid() -> None:
    market = (Candidate("First", Tier.APPROVED), Candidate("Second", Tier.APPROVED))
    state, _ = begin(PRESETS["st-helens"], market, now=FRIDAY_3PM, week=WEEK)
    state, _ = bid(state, "Second", hourly_rate=Decimal(17), earliest_start=START, now=FRIDAY_3PM)
    later = FRIDAY_3PM + timedelta(minutes=5)
    state, _ = bid(state, "First", hourly_rate=Decimal(17), earliest_start=START, now=later)
    state, actions = tick(state, now=state.stage_ends_at, week=WEEK)
    assert actions[-1].provider == "Second"


def test_a_stage_with_nobody_to_ask_moves_straight_on() -> None:
    market = (Candidate("Only Approved", Tier.APPROVED),)
    state, actions = begin(PRESETS["liverpool"], market, now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Only Approved"]
    assert state.stage == 1


# Whatever happens, in whatever order: never two awards, never an offer outside the audience,
# never a package held by nothing.

PROVIDERS = [c.provider for c in LIVERPOOL_MARKET] + ["Stranger"]
events = st.lists(
    st.tuples(
        st.sampled_from(["accept", "decline", "bid", "tick", "capacity", "close"]),
        st.sampled_from(PROVIDERS),
        st.integers(min_value=0, max_value=60 * 24 * 4),  # minutes since the last event
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(policy=st.sampled_from(sorted(PRESETS)), happenings=events)
def test_no_sequence_of_events_breaks_the_engine(policy: str, happenings) -> None:
    market = (
        *LIVERPOOL_MARKET,
        Candidate("Lead Care", Tier.LEAD),
        Candidate("Extra", Tier.SUPPLEMENTARY),
    )
    now = FRIDAY_3PM
    state, actions = begin(PRESETS[policy], market, now=now, week=WEEK)
    every_action = list(actions)
    for kind, provider, minutes in happenings:
        now += timedelta(minutes=minutes)
        try:
            if kind == "accept":
                state, actions = accept(state, provider, START, now=now)
            elif kind == "decline":
                state, actions = decline(state, provider, now=now, week=WEEK)
            elif kind == "bid":
                state, actions = bid(
                    state, provider, hourly_rate=Decimal(17), earliest_start=START, now=now
                )
            elif kind == "capacity":
                ends_at = now + timedelta(hours=4)
                state, actions = offer_capacity(state, provider, now=now, ends_at=ends_at)
            elif kind == "close":
                state, actions = close(state, now=now)
            else:
                state, actions = tick(state, now=now, week=WEEK)
        except (OfferNotOpen, NotWaiting):
            continue
        every_action.extend(actions)
        assert state.phase in (Phase.OFFERING, Phase.WAITING, Phase.AWARDED, Phase.CLOSED)
        if state.phase is Phase.OFFERING:
            if state.stage is None:  # offered from the waiting list to spare capacity
                assert any(o.open for o in state.offers)
            else:
                assert any(o.open for o in state.offers) or state.bids or state.stage_ends_at
        else:
            assert not any(o.open for o in state.offers)
    assert sum(isinstance(a, Awarded) for a in every_action) <= 1
    for action in every_action:
        if isinstance(action, OfferMade):
            if action.stage is None:  # spare capacity: any provider of the package's lots
                asked = [c.provider for c in market if c.tier is not Tier.SUBCONTRACTOR]
            else:
                asked = [
                    c.provider for c in PRESETS[policy].stages[action.stage].asks.choose(market)
                ]
            assert action.provider in asked


def test_a_provider_dropped_mid_round_has_its_bid_set_aside() -> None:
    market = (Candidate("Cheap Care", Tier.APPROVED), Candidate("Good Care", Tier.APPROVED))
    state, _ = begin(PRESETS["st-helens"], market, now=FRIDAY_3PM, week=WEEK)
    for name, rate in (("Cheap Care", "17.00"), ("Good Care", "16.00")):
        state, _ = bid(state, name, hourly_rate=Decimal(rate), earliest_start=START, now=FRIDAY_3PM)
    state, actions = drop_candidate(state, "Good Care", now=FRIDAY_3PM, week=WEEK)
    assert actions == []  # it had bid: no open offer to withdraw
    state, actions = tick(state, now=state.stage_ends_at, week=WEEK)
    assert actions[-1] == Awarded("Cheap Care", START, 0)


def test_a_cab_rank_moves_on_when_the_provider_asked_is_dropped() -> None:
    market = (Candidate("Lead One", Tier.LEAD), Candidate("Lead Two", Tier.LEAD))
    state, actions = begin(PRESETS["leicestershire"], market, now=FRIDAY_3PM, week=WEEK)
    assert offered_to(actions) == ["Lead One"]
    state, actions = drop_candidate(state, "Lead One", now=FRIDAY_3PM, week=WEEK)
    assert actions[0].outcome is Outcome.WITHDRAWN
    assert offered_to(actions) == ["Lead Two"]
    assert [c.provider for c in state.candidates] == ["Lead Two"]
