"""Sourcing policies as data: stages, audiences, windows, and the councils' presets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from caremarket.domain.calendar import Window
from caremarket.domain.market import Tier
from caremarket.domain.policies import (
    PRESETS,
    Audience,
    Candidate,
    Criterion,
    InvalidPolicy,
    Method,
    Otherwise,
    Scoring,
    SourcingPolicy,
    Stage,
)
from caremarket.holidays import working_week
from tests.builders import a_lot, a_provider

LONDON = ZoneInfo("Europe/London")
WINDOW = Window(Decimal(5), business_hours=True)


def members():
    lot = a_lot(max_providers=None)
    lead = lot.admit(a_provider(name="Lead Care", cqc_location_ids=()), Tier.LEAD)
    lot.admit(a_provider(name="Preferred Care", cqc_location_ids=()), Tier.PREFERRED)
    lot.admit(a_provider(name="Approved Care", cqc_location_ids=()), Tier.APPROVED)
    lot.admit(
        a_provider(name="Sub Care", cqc_location_ids=()), Tier.SUBCONTRACTOR, lead=lead.provider
    )
    return [Candidate.of(m) for m in lot.members]


def names(chosen) -> list[str]:
    return [c.provider for c in chosen]


def test_a_stage_asks_the_members_at_its_tiers() -> None:
    assert names(Audience(frozenset({Tier.PREFERRED})).choose(members())) == ["Preferred Care"]


def test_a_stage_with_no_tiers_asks_every_member_but_subcontractors() -> None:
    assert names(Audience().choose(members())) == ["Lead Care", "Preferred Care", "Approved Care"]


def test_a_stage_can_ask_one_named_provider() -> None:
    assert names(Audience(provider="Approved Care").choose(members())) == ["Approved Care"]


def test_a_provider_in_two_covering_lots_is_asked_once() -> None:
    first = members()
    both = [*first, Candidate(first[0].provider, Tier.LEAD)]
    assert names(Audience(frozenset({Tier.LEAD})).choose(both)) == ["Lead Care"]


def test_liverpool_gives_preferred_providers_five_business_hours_then_approved_providers() -> None:
    liverpool = PRESETS["liverpool"]
    first, then = liverpool.stages
    assert first.asks.tiers == {Tier.PREFERRED}
    assert first.window == WINDOW
    # offered on Friday at 3pm: advertised to approved providers on Monday at 10am
    opened = datetime(2026, 11, 20, 15, tzinfo=LONDON)
    assert first.window.ends_at(opened, working_week()) == datetime(2026, 11, 23, 10, tzinfo=LONDON)
    assert then.asks.tiers == {Tier.APPROVED}
    assert then.otherwise is Otherwise.WAITING_LIST


def test_st_helens_scores_bids_on_price_start_and_quality() -> None:
    [stage] = PRESETS["st-helens"].stages
    assert stage.method is Method.MINI_COMPETITION
    assert stage.scoring is not None
    assert dict(stage.scoring.weights) == {
        Criterion.PRICE: 40,
        Criterion.EARLIEST_START: 40,
        Criterion.QUALITY: 20,
    }


def test_leicestershire_asks_the_lead_provider_before_supplementary_providers() -> None:
    lead, supplementary = PRESETS["leicestershire"].stages
    assert (lead.asks.tiers, lead.method) == ({Tier.LEAD}, Method.CAB_RANK)
    assert supplementary.asks.tiers == {Tier.SUPPLEMENTARY}


def test_halton_awards_directly_to_its_single_provider() -> None:
    [stage] = PRESETS["halton"].stages
    assert stage.method is Method.DIRECT_AWARD
    assert PRESETS["halton"].describe() == "direct-award to lead providers"


def test_every_preset_describes_itself_in_words() -> None:
    assert PRESETS["liverpool"].describe() == (
        "all-at-once to preferred providers, 5 business hours;"
        " all-at-once to approved providers, 24 hours; then the waiting list"
    )
    assert set(PRESETS) == {
        "liverpool",
        "st-helens",
        "leicestershire",
        "herefordshire",
        "halton",
        "wirral",
    }


def test_a_policy_must_end_in_the_waiting_list_or_an_award() -> None:
    with pytest.raises(InvalidPolicy, match="must end in the waiting list"):
        SourcingPolicy("x", "X", (Stage(Audience(), Method.ALL_AT_ONCE, WINDOW),))


def test_nothing_can_follow_a_direct_award() -> None:
    with pytest.raises(InvalidPolicy, match="only be the last stage"):
        SourcingPolicy(
            "x",
            "X",
            (
                Stage(Audience(), Method.DIRECT_AWARD),
                Stage(Audience(), Method.ALL_AT_ONCE, WINDOW, Otherwise.WAITING_LIST),
            ),
        )


def test_a_policy_needs_a_stage() -> None:
    with pytest.raises(InvalidPolicy, match="no stages"):
        SourcingPolicy("x", "X", ())


@pytest.mark.parametrize(
    ("method", "window", "scoring", "message"),
    [
        (Method.ALL_AT_ONCE, None, None, "needs a window"),
        (Method.DIRECT_AWARD, WINDOW, None, "no window"),
        (Method.MINI_COMPETITION, WINDOW, None, "only a mini-competition, has scoring"),
        (
            Method.CAB_RANK,
            WINDOW,
            Scoring(((Criterion.PRICE, 100),)),
            "only a mini-competition, has scoring",
        ),
    ],
)
def test_a_stage_is_checked_for_sense(method, window, scoring, message) -> None:
    with pytest.raises(InvalidPolicy, match=message):
        Stage(Audience(), method, window, scoring=scoring)


def test_mini_competition_weights_add_up_to_100() -> None:
    with pytest.raises(InvalidPolicy, match="add up to 100"):
        Scoring(((Criterion.PRICE, 50), (Criterion.QUALITY, 40)))


def test_a_stage_asks_by_tier_or_by_name_not_both() -> None:
    with pytest.raises(InvalidPolicy, match="either a named provider"):
        Audience(frozenset({Tier.LEAD}), provider="Lead Care")
