"""The simulator and live brokerage make the same decisions for the same events: each
example rehearsal is replayed live (through the brokerage services and the database, as
`caremarket rehearse` does) and through the simulator's broker (the sourcing engine on a
simulated clock, no database), and every package's round comes out the same: the same
offers to the same providers made and closed at the same moments, the same award at the
same time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.errors import DomainError
from caremarket.domain.policies import candidates_for, covering_lots
from caremarket.domain.sourcing import Sourcing
from caremarket.holidays import working_week
from caremarket.rehearsals.script import (
    Accept,
    Bid,
    Decline,
    RequestCare,
    Script,
    Source,
    load_script,
)
from caremarket.services.brokerage import policy_for
from caremarket.services.rehearsal import rehearse
from caremarket.simulation.broker import Broker

EXAMPLES = Path(__file__).parents[2] / "examples"
WEEK = working_week()


@pytest.fixture
def empty(empty_database_url: str) -> Iterator[SqlUnitOfWork]:
    engine = make_engine(empty_database_url)
    migrate.upgrade(engine)
    yield SqlUnitOfWork(make_session_factory(engine))
    engine.dispose()


def replay_in_the_simulator(
    uow: SqlUnitOfWork, script: Script, references: dict[str, str]
) -> Broker:
    """The script's events through the simulator's broker. Each request's candidates and
    policy are worked out as the simulator works them out (covering lots, then
    `candidates_for`), from the market the live rehearsal built."""
    broker = Broker(WEEK)
    for event in script.events:
        broker.advance_to(event.at)
        action = event.action
        if isinstance(action, RequestCare | Source):
            label = action.label if isinstance(action, RequestCare) else action.package
            with uow:
                package = uow.packages.get(references[label])
                lots = covering_lots(
                    uow.vehicles.lots_for(package.commissioner, zone=package.zone),
                    package.zone,
                    package.service,
                    package.pathway,
                )
                policy = policy_for(uow, package, lots)
                live = uow.sourcings.current(package)
                assert live is not None
                cap = live.state.rate_cap
                candidates = candidates_for(lots)
            broker.begin(label, policy, candidates, now=event.at, rate_cap=cap)
            continue
        if not isinstance(action, Accept | Decline | Bid):
            continue  # a tick: the clock has moved on
        label = action.package
        try:
            if isinstance(action, Accept):
                with uow:
                    start_on = action.start_on or uow.packages.get(references[label]).start_on
                broker.accept(label, action.provider, start_on, now=event.at)
            elif isinstance(action, Decline):
                broker.decline(label, action.provider, reason=action.reason, now=event.at)
            else:
                broker.bid(
                    label,
                    action.provider,
                    hourly_rate=action.hourly_rate,
                    earliest_start=action.earliest_start,
                    now=event.at,
                )
        except DomainError:
            pass  # refused, as live brokerage refuses it
    return broker


def decisions(state: Sourcing) -> tuple[object, ...]:
    return (
        state.phase,
        state.awarded_to,
        state.start_on,
        tuple(
            (o.provider, o.stage, o.made_at, o.ends_at, o.outcome, o.responded_at)
            for o in state.offers
        ),
        tuple((b.provider, b.hourly_rate, b.earliest_start, b.made_at) for b in state.bids),
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["liverpool", "st-helens", "halton", "wirral", "leicestershire", "herefordshire"]
)
def test_a_rehearsal_replayed_live_and_in_the_simulator_gives_the_same_awards_and_times(
    empty: SqlUnitOfWork, name: str
) -> None:
    script = load_script(EXAMPLES / f"{name}.toml")
    rehearsal = rehearse(empty, script, week=WEEK)
    references = {o.label: o.reference for o in rehearsal.outcomes}
    broker = replay_in_the_simulator(empty, script, references)
    assert rehearsal.outcomes
    for outcome in rehearsal.outcomes:
        with empty:
            live = empty.sourcings.current(empty.packages.get(outcome.reference))
            assert live is not None
        simulated = broker.rounds[outcome.label]
        assert decisions(simulated) == decisions(live.state), outcome.label
        assert broker.awarded_at.get(outcome.label) == outcome.awarded_at
        assert simulated.first_offer_at == outcome.first_offer_at
