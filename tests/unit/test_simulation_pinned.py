"""Seeded runs pinned: the figures a small county gives under every preset policy and under
market changes, as the simulator and the sourcing engine gave them before they were made
faster (commit bf32727). Any change to a decision, a draw from the random streams or the
order of events shows here as a changed figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caremarket.domain.market import Tier
from caremarket.domain.policies import PRESETS
from caremarket.holidays import working_week
from caremarket.simulation.market import NewProvider, Option, ProviderExit, RateUplift, Retier
from caremarket.simulation.presets import county
from caremarket.simulation.run import simulate

# option → (each output, the waiting list at the end of each week after the warm-up)
PINNED = {
    "halton": (
        {
            "requests": "114",
            "started": "110",
            "time_to_start_median": "1.968406724502315",
            "time_to_start_p90": "3.7624777236898153",
            "time_to_start_mean": "2.4467426517919826",
            "waiting_mean": "1.7777777777777777",
            "waiting_end": "2",
            "delay_days": "16",
            "hand_backs": "7",
            "hours_delivered": "31411.65442358138",
            "cost": "643938.92",
            "providers_below_viability": "6",
        },
        (2, 1, 0, 3, 3, 0, 2, 3, 2),
    ),
    "herefordshire": (
        {
            "requests": "114",
            "started": "111",
            "time_to_start_median": "1.063283389837963",
            "time_to_start_p90": "2.825099887060185",
            "time_to_start_mean": "2.0855717855144733",
            "waiting_mean": "2.0",
            "waiting_end": "3",
            "delay_days": "16",
            "hand_backs": "8",
            "hours_delivered": "31461.148512510314",
            "cost": "644953.54",
            "providers_below_viability": "6",
        },
        (2, 0, 0, 3, 2, 2, 2, 4, 3),
    ),
    "leicestershire": (
        {
            "requests": "114",
            "started": "109",
            "time_to_start_median": "1.9739779840277778",
            "time_to_start_p90": "4.145667255289353",
            "time_to_start_mean": "2.6310203709374993",
            "waiting_mean": "1.5555555555555556",
            "waiting_end": "2",
            "delay_days": "15",
            "hand_backs": "8",
            "hours_delivered": "31498.13662253062",
            "cost": "645711.80",
            "providers_below_viability": "6",
        },
        (2, 0, 0, 3, 2, 0, 3, 2, 2),
    ),
    "liverpool": (
        {
            "requests": "114",
            "started": "108",
            "time_to_start_median": "1.1589935882465277",
            "time_to_start_p90": "3.2282768470370367",
            "time_to_start_mean": "1.7846653191979596",
            "waiting_mean": "2.5555555555555554",
            "waiting_end": "3",
            "delay_days": "24",
            "hand_backs": "6",
            "hours_delivered": "31335.939344161707",
            "cost": "642386.76",
            "providers_below_viability": "6",
        },
        (3, 1, 0, 3, 2, 3, 3, 5, 3),
    ),
    "st-helens": (
        {
            "requests": "114",
            "started": "108",
            "time_to_start_median": "2.391541835729167",
            "time_to_start_p90": "5.126321928341436",
            "time_to_start_mean": "3.04179991405264",
            "waiting_mean": "1.7777777777777777",
            "waiting_end": "1",
            "delay_days": "48",
            "hand_backs": "7",
            "hours_delivered": "31204.86429993967",
            "cost": "639699.72",
            "providers_below_viability": "7",
        },
        (4, 1, 0, 1, 2, 0, 3, 4, 1),
    ),
    "wirral": (
        {
            "requests": "114",
            "started": "108",
            "time_to_start_median": "1.0523025855613426",
            "time_to_start_p90": "3.131123961086805",
            "time_to_start_mean": "1.9301570214002486",
            "waiting_mean": "1.7777777777777777",
            "waiting_end": "3",
            "delay_days": "20",
            "hand_backs": "8",
            "hours_delivered": "31447.344238510646",
            "cost": "644670.56",
            "providers_below_viability": "6",
        },
        (3, 1, 0, 2, 0, 1, 3, 3, 3),
    ),
    "changes": (
        {
            "requests": "114",
            "started": "89",
            "time_to_start_median": "1.190967468888889",
            "time_to_start_p90": "5.993157984773151",
            "time_to_start_mean": "2.995595594465512",
            "waiting_mean": "28.666666666666668",
            "waiting_end": "42",
            "delay_days": "108",
            "hand_backs": "75",
            "hours_delivered": "27748.261300329268",
            "cost": "593809.30",
            "providers_below_viability": "7",
        },
        (2, 0, 0, 54, 43, 38, 41, 38, 42),
    ),
}


def _option(name: str) -> Option:
    if name != "changes":
        return Option(name, PRESETS[name])
    return Option(
        name,
        PRESETS["leicestershire"],
        (
            RateUplift(2, Decimal(5)),
            Retier(3, first=Tier.LEAD, rest=Tier.SUPPLEMENTARY),
            ProviderExit(4, "Provider 02 Care"),
            NewProvider(5, "Provider 99 Care", {"Z01": 6000}, ("L01",), Tier.SUPPLEMENTARY),
        ),
    )


@pytest.mark.parametrize("name", sorted(PINNED))
def test_a_seeded_run_gives_the_figures_it_always_has(name: str) -> None:
    market = county(people=300, providers=8, zones=4, seed=4)
    result = simulate(
        market,
        _option(name),
        weeks=10,
        seed=11,
        replication=1,
        warm_up_weeks=1,
        week=working_week(),
    )
    metrics, waiting = PINNED[name]
    assert {k: str(v) for k, v in result.metrics.items()} == metrics
    assert result.waiting_by_week == waiting
