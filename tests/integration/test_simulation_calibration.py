"""A simulation market calibrated from the live database: the market as it stands (lots,
providers, the caseload in place) and its history's rates (requests a week by zone)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caremarket.demo.herefordshire import REPORT_ON
from caremarket.domain.policies import PRESETS
from caremarket.services.demo import load_preset
from caremarket.services.simulation import calibrate_market
from caremarket.simulation.market import Option
from caremarket.simulation.run import simulate
from tests.builders import A_MOMENT, AN_ADMIN

pytestmark = pytest.mark.slow


def test_a_market_calibrated_from_the_database_holds_its_caseload_lots_and_rates(uow) -> None:
    load_preset(uow, "herefordshire", by=AN_ADMIN, now=A_MOMENT)
    with uow:
        active = uow.packages.active_on(REPORT_ON, commissioner_code="HFD")
        in_place = {p.reference for p in active if p.provider is not None}
        started = sum(
            1
            for p in uow.packages.list()
            if date(2016, 4, 2) <= p.start_on <= REPORT_ON and p.commissioner.code == "HFD"
        )

    market = calibrate_market(uow, "HFD", on=REPORT_ON, weeks=52)

    assert len(market.caseload) == len(in_place) == 826
    assert sorted(lot.code for lot in market.lots) == [
        "D-AB", "D-CDE", "O-A", "O-B", "O-C", "O-D", "O-E"
    ]  # fmt: skip
    assert market.rates[("PC", "A")] == Decimal("15.80")
    assert sum(market.demand.arrivals_per_week.values()) == pytest.approx(started / 52)
    hours = sum(sum(s.capacity.values()) for s in market.providers.values()) / 60
    assert hours == pytest.approx(11529 * 1.05, rel=0.01)  # the published 9,199 + 2,330
    result = simulate(market, Option("h", PRESETS["herefordshire"]), weeks=2, seed=1)
    assert result.metrics["requests"] > 0
