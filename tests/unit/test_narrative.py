"""What a sourcing round did between two states, as a rehearsal tells it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from caremarket.domain.market import CqcRating, Tier
from caremarket.domain.policies import PRESETS, Candidate
from caremarket.domain.sourcing import DeclineReason, accept, begin, bid, decline, tick
from caremarket.holidays import working_week
from caremarket.rehearsals.narrative import (
    Answered,
    AwardMade,
    Offered,
    Scored,
    SourcingBegan,
    StageBegan,
    WentToWaitingList,
    changes,
)
from caremarket.rehearsals.report import duration

LONDON = ZoneInfo("Europe/London")
WEEK = working_week()
FRIDAY_3PM = datetime(2026, 11, 20, 15, tzinfo=LONDON)
MONDAY_10AM = datetime(2026, 11, 23, 10, tzinfo=LONDON)
MARKET = (
    Candidate("Mersey Care", Tier.PREFERRED, CqcRating.GOOD, "CENTRAL"),
    Candidate("Anfield Homecare", Tier.PREFERRED, CqcRating.GOOD, "CENTRAL"),
    Candidate("Dingle Care", Tier.APPROVED, CqcRating.OUTSTANDING, "CENTRAL"),
    Candidate("Everton Carers", Tier.APPROVED, CqcRating.GOOD, "CENTRAL"),
)


def texts(happenings) -> list[str]:
    return [str(h) for h in happenings]


def test_a_new_round_begins_a_stage_and_offers_at_once_with_the_window() -> None:
    state, _ = begin(PRESETS["liverpool"], MARKET, now=FRIDAY_3PM, week=WEEK)
    said = changes(None, state)
    assert said == [
        SourcingBegan(PRESETS["liverpool"]),
        StageBegan(1, "all-at-once to preferred providers, 5 business hours"),
        Offered(("Mersey Care", "Anfield Homecare"), MONDAY_10AM, ("CENTRAL",)),
    ]
    assert texts(said)[2] == (
        "offered to Mersey Care and Anfield Homecare (lot CENTRAL),"
        " to answer by Mon 23 Nov 2026 10:00"
    )


def test_a_decline_is_told_with_its_reason_and_note() -> None:
    before, _ = begin(PRESETS["liverpool"], MARKET, now=FRIDAY_3PM, week=WEEK)
    after, _ = decline(
        before,
        "Mersey Care",
        reason=DeclineReason.NO_CAPACITY,
        note="no carers in L8",
        now=FRIDAY_3PM,
        week=WEEK,
    )
    assert texts(changes(before, after)) == ["Mersey Care declined: no capacity (no carers in L8)"]


def test_the_window_closing_expires_offers_and_begins_the_next_stage() -> None:
    before, _ = begin(PRESETS["liverpool"], MARKET, now=FRIDAY_3PM, week=WEEK)
    after, _ = tick(before, now=MONDAY_10AM, week=WEEK)
    said = changes(before, after)
    assert texts(said[:3]) == [
        "the offer to Mersey Care expired unanswered",
        "the offer to Anfield Homecare expired unanswered",
        "stage 2: all-at-once to approved providers, 24 hours",
    ]
    assert said[3] == Offered(
        ("Dingle Care", "Everton Carers"), MONDAY_10AM + timedelta(hours=24), ("CENTRAL",)
    )


def test_an_acceptance_withdraws_the_other_offers_and_awards() -> None:
    before, _ = begin(PRESETS["liverpool"], MARKET, now=FRIDAY_3PM, week=WEEK)
    after, _ = accept(before, "Anfield Homecare", date(2026, 11, 24), now=FRIDAY_3PM)
    assert changes(before, after) == [
        Answered("Anfield Homecare", after.offers[1].outcome),
        Answered("Mersey Care", after.offers[0].outcome),
        AwardMade("Anfield Homecare", date(2026, 11, 24)),
    ]
    assert texts(changes(before, after)) == [
        "Anfield Homecare accepted",
        "the offer to Mersey Care is withdrawn",
        "awarded to Anfield Homecare, starting Tue 24 Nov 2026",
    ]


def test_a_mini_competition_tells_the_bids_scores_and_a_tie_to_the_earlier_bid() -> None:
    equals = (
        Candidate("Dingle Care", Tier.APPROVED, CqcRating.GOOD, "CENTRAL"),
        Candidate("Everton Carers", Tier.APPROVED, CqcRating.GOOD, "CENTRAL"),
    )
    state, _ = begin(
        PRESETS["st-helens"], equals, now=FRIDAY_3PM, week=WEEK, rate_cap=Decimal("20")
    )
    for minutes, provider in ((5, "Everton Carers"), (10, "Dingle Care")):
        before = state
        state, _ = bid(
            state,
            provider,
            hourly_rate=Decimal("18.00"),
            earliest_start=date(2026, 11, 24),
            note="knows the family" if provider == "Dingle Care" else "",
            now=FRIDAY_3PM + timedelta(minutes=minutes),
        )
    assert texts(changes(before, state)) == [
        "Dingle Care bid £18.00 an hour, able to start Tue 24 Nov 2026 (knows the family)"
    ]
    before = state
    assert state.stage_ends_at is not None
    state, _ = tick(state, now=state.stage_ends_at, week=WEEK)
    said = changes(before, state)
    scored = next(h for h in said if isinstance(h, Scored))
    assert [p for p, _ in scored.scores] == ["Everton Carers", "Dingle Care"]
    assert str(scored) == (
        "bids scored (price 40, earliest-start 40, quality 20): Everton Carers 95.00,"
        " Dingle Care 95.00; a tie, won by the earlier bid (Everton Carers)"
    )
    assert said[-1] == AwardMade("Everton Carers", date(2026, 11, 24))


def test_a_direct_award_needs_no_offer() -> None:
    lead = (Candidate("Halton Castle Care", Tier.LEAD, CqcRating.GOOD, "BOROUGH"),)
    state, _ = begin(PRESETS["halton"], lead, now=FRIDAY_3PM, week=WEEK)
    assert texts(changes(None, state))[1:] == [
        "awarded directly to Halton Castle Care, to start as requested"
    ]


def test_nobody_taking_it_is_told_as_joining_the_waiting_list() -> None:
    before, _ = begin(PRESETS["wirral"], MARKET[:1], now=FRIDAY_3PM, week=WEEK)
    after, _ = decline(before, "Mersey Care", now=FRIDAY_3PM, week=WEEK)
    assert changes(before, after)[-1] == WentToWaitingList()


def test_durations_read_in_days_hours_and_minutes() -> None:
    assert duration(timedelta(days=2, hours=19, minutes=40)) == "2 days 19 h 40 min"
    assert duration(timedelta(hours=5)) == "5 h"
    assert duration(timedelta(days=1)) == "1 day"
    assert duration(timedelta(0)) == "0 min"
