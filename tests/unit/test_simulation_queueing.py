"""The simulator against a case with a known answer: one provider in one zone with room
for c packages of one size, Poisson requests and exponentially long packages is an M/M/c
queue, whose mean wait Erlang's C formula gives."""

from __future__ import annotations

import math
import statistics
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from scipy import stats

from caremarket.domain.market import Commissioner, Lot, Provider, ServiceType, Tier, Zone
from caremarket.domain.policies import policy_from_data
from caremarket.simulation.market import Behaviour, Demand, Market, Option, ProviderSpec, Template
from caremarket.simulation.run import simulate


def erlang_c_wait(arrivals: float, service: float, servers: int) -> float:
    """Mean time in the queue of an M/M/c queue (Erlang C), in the rates' time unit."""
    a = arrivals / service
    rho = a / servers
    top = a**servers / math.factorial(servers) / (1 - rho)
    waits = top / (sum(a**k / math.factorial(k) for k in range(servers)) + top)
    return waits / (servers * service - arrivals)


def single_provider_market(*, servers: int, per_week: float, mean_weeks: float) -> Market:
    council = Commissioner("SIM", "Simulated Council")
    zone = Zone(council, "Z", "The zone")
    service = ServiceType("PC", "Personal care")
    lot = Lot("L", "The lot", zones=[zone])
    lot.admit(Provider("Solo Care"), Tier.APPROVED)
    package = Template("PC", None, 600)
    return Market(
        name="M/M/c",
        starts_at=datetime(2026, 4, 6, tzinfo=UTC),
        zones={"Z": zone},
        services={"PC": service},
        lots=[lot],
        providers={"Solo Care": ProviderSpec("Solo Care", {"Z": servers * 600}, Decimal(18))},
        rates={("PC", "Z"): Decimal("20.00")},
        caseload=[],
        demand=Demand({"Z": per_week}, {"Z": [package]}, mean_weeks=mean_weeks, discharge_share=0),
        behaviour=Behaviour(
            accept=1.0,
            difficulty_effect=0,
            size_effect=0,
            rate_effect=0,
            response_hours=0,
            hand_backs_per_year=0,
            start_days=0,
            bridging_days=0,
        ),
    )


OFFERED_TO_ALL = policy_from_data(
    {
        "code": "all",
        "stages": [{"method": "all-at-once", "window": "1 hours", "otherwise": "waiting-list"}],
    }
)


@pytest.mark.slow
def test_mean_wait_of_a_single_provider_matches_erlang_c() -> None:
    servers, per_week, mean_weeks = 3, 2.1, 1.0  # load 0.7
    market = single_provider_market(servers=servers, per_week=per_week, mean_weeks=mean_weeks)
    option = Option("all", OFFERED_TO_ALL)
    means = [
        float(
            simulate(market, option, weeks=500, seed=8, replication=n, warm_up_weeks=20).metrics[
                "time_to_start_mean"
            ]
        )
        for n in range(10)
    ]
    expected = erlang_c_wait(per_week, 1 / mean_weeks, servers) * 7  # days
    mean = statistics.mean(means)
    half = stats.t.ppf(0.975, len(means) - 1) * statistics.stdev(means) / math.sqrt(len(means))
    assert mean - half <= expected <= mean + half, (expected, mean, half)
    assert half < expected / 4  # a confidence interval narrow enough to mean something
