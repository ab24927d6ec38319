"""The simulator's scenarios and comparison: options meet the same random demand, a seed
gives the same figures however the runs are spread over processes, and a scenario file's
mistakes are named where they are."""

from __future__ import annotations

import pytest

from caremarket.simulation.compare import as_csv, compare, estimate
from caremarket.simulation.scenario import InvalidScenario, scenario_from_data

HEREFORDSHIRE = {
    "title": "a short test",
    "weeks": 6,
    "replications": 2,
    "seed": 5,
    "market": {"preset": "herefordshire"},
    "behaviour": {"difficulty": {"A": 0.6, "E": 0.7}, "hand_backs_per_year": 0.2},
    "options": [
        {"name": "lots", "policy": "herefordshire"},
        {
            "name": "leads",
            "policy": "leicestershire",
            "changes": [{"kind": "tiers", "first": "lead", "rest": "supplementary"}],
        },
    ],
}


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return scenario_from_data(HEREFORDSHIRE)


@pytest.mark.slow
def test_every_option_meets_the_same_requests(scenario) -> None:  # type: ignore[no-untyped-def]
    result = compare(scenario)
    lots, leads = (result.runs[name] for name in ("lots", "leads"))
    assert [r.metrics["requests"] for r in lots] == [r.metrics["requests"] for r in leads]
    assert lots[0].metrics != lots[1].metrics  # replications differ
    # Common random numbers: the paired difference is known more closely than either mean.
    apart = result.estimate("leads", "hours_delivered")
    paired = result.difference("leads", "hours_delivered")
    assert paired.high - paired.low < (apart.high - apart.low) / 2


@pytest.mark.slow
def test_a_seed_gives_the_same_figures_in_one_process_or_two(scenario) -> None:  # type: ignore[no-untyped-def]
    alone = compare(scenario, seed=11)
    spread = compare(scenario, seed=11, processes=2)
    assert as_csv(alone) == as_csv(spread)
    assert as_csv(compare(scenario, seed=12)) != as_csv(alone)


@pytest.mark.slow
def test_a_provider_that_exits_has_no_hours_at_the_end(scenario) -> None:  # type: ignore[no-untyped-def]
    data = dict(HEREFORDSHIRE)
    data["options"] = [
        {
            "name": "exit",
            "policy": "herefordshire",
            "changes": [{"kind": "provider-exit", "week": 2, "name": "Arrow Vale Homecare"}],
        },
        {"name": "stay", "policy": "herefordshire"},
    ]
    result = compare(scenario_from_data(data), replications=2)
    assert all("Arrow Vale Homecare" not in r.provider_hours for r in result.runs["exit"])
    assert all(r.provider_hours["Arrow Vale Homecare"] > 0 for r in result.runs["stay"])
    exits = sum(r.metrics["hand_backs"] for r in result.runs["exit"])
    assert exits > sum(r.metrics["hand_backs"] for r in result.runs["stay"])


def test_a_confidence_interval_holds_the_mean_and_narrows_with_agreement() -> None:
    from decimal import Decimal

    wide = estimate([Decimal(v) for v in (1, 5, 9)])
    narrow = estimate([Decimal(v) for v in (4, 5, 6)])
    assert wide.low < narrow.low < Decimal(5) == narrow.mean < narrow.high < wide.high


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": []}, "at least one [[options]]"),
        ({"options": [{"policy": "nowhere"}]}, "options 1, field 'policy': no policy preset"),
        (
            {"options": [{"policy": "halton", "changes": [{"kind": "moon", "week": 1}]}]},
            "options 1, changes 1, field 'kind'",
        ),
        (
            {"options": [{"policy": "halton", "changes": [{"kind": "rate-uplift"}]}]},
            "options 1, changes 1 (rate-uplift): needs 'percent'",
        ),
        ({"weeks": 0}, "field 'weeks': must be above 0"),
        (
            {
                "options": [
                    {
                        "name": "gone",
                        "policy": "halton",
                        "changes": [{"kind": "provider-exit", "week": 3, "name": "Nobody Care"}],
                    }
                ]
            },
            "options 1 (gone), the change at week 3: there is no provider 'Nobody Care'",
        ),
        ({"behaviour": {"courage": 1}}, "[behaviour]: no field 'courage'"),
    ],
)
def test_a_scenario_names_where_it_is_wrong(change: dict, message: str) -> None:
    with pytest.raises(InvalidScenario) as refused:
        scenario_from_data({**HEREFORDSHIRE, **change})
    assert message in str(refused.value)
