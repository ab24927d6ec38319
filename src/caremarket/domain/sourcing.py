"""The sourcing engine: one pure interpreter of every policy, for live brokerage and the
simulator alike. No clock and no database: each step takes the state, what happened and the
time, and gives back the new state and what to do about it.

    state, actions = begin(policy, candidates, now=now, week=week)
    state, actions = accept(state, "Wyeside Home Care", start_on, now=now)
    state, actions = tick(state, now=now, week=week)     # windows that have closed

A stage offers the package to its audience (all at once, one at a time in rank order, as a
mini-competition, or by direct award). The first acceptance of an open offer wins, and every
other open offer is withdrawn; a later acceptance is refused with a reason. When a stage's
window closes without an award, the next stage begins, or the package joins the waiting list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from caremarket.domain.calendar import LONDON, WorkingWeek
from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.market import CqcRating, Tier
from caremarket.domain.policies import (
    Candidate,
    Criterion,
    Method,
    Otherwise,
    SourcingPolicy,
    Stage,
)

_Frozen = TypeVar("_Frozen", "Sourcing", "Offer")


class OfferNotOpen(Conflict):
    """A response to an offer that is not (or no longer) open to that provider."""


class BidAboveCap(DomainError):
    """A mini-competition bid above the rate card's hourly rate."""


class NotWaiting(Conflict):
    """Capacity offered for a package that is not on the waiting list."""


class Phase(enum.StrEnum):
    OFFERING = "offering"
    WAITING = "waiting"  # on the waiting list
    AWARDED = "awarded"
    CLOSED = "closed"  # left sourcing: a direct payment instead, or the request withdrawn


class DeclineReason(enum.StrEnum):
    NO_CAPACITY = "no capacity"
    ZONE = "zone"  # the provider does not work where the person lives
    SKILLS = "skills"  # the care needs skills the provider's staff lack
    OTHER = "other"


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    BID = "bid"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # another provider won, or the stage moved on


@dataclass(frozen=True)
class Offer:
    provider: str
    stage: int | None  # None: offered from the waiting list, outside the policy's stages
    made_at: datetime
    ends_at: datetime
    outcome: Outcome | None = None  # None: open
    responded_at: datetime | None = None  # when it was accepted, declined, bid on or closed
    reason: DeclineReason | None = None
    note: str = ""

    @property
    def open(self) -> bool:
        return self.outcome is None


@dataclass(frozen=True)
class Bid:
    provider: str
    hourly_rate: Decimal
    earliest_start: date
    made_at: datetime
    note: str = ""
    stage: int | None = None


@dataclass(frozen=True)
class Sourcing:
    """Where a package's sourcing stands."""

    policy: SourcingPolicy
    candidates: tuple[Candidate, ...]  # every member of the covering lots, in rank order
    phase: Phase
    stage: int | None = None
    stage_ends_at: datetime | None = None
    queue: tuple[str, ...] = ()  # cab rank: those still to be asked in this stage
    offers: tuple[Offer, ...] = ()
    bids: tuple[Bid, ...] = ()
    awarded_to: str | None = None
    start_on: date | None = None
    rate_cap: Decimal | None = None  # a mini-competition's bids may not exceed it

    @property
    def stage_bids(self) -> tuple[Bid, ...]:
        """The bids made in the current stage (earlier stages' bids are kept, not scored) by
        providers still candidates (one suspended meanwhile has its bid kept, not scored)."""
        asked = {c.provider for c in self.candidates}
        return tuple(b for b in self.bids if b.stage == self.stage and b.provider in asked)

    def open_offer(self, provider: str) -> Offer | None:
        for offer in self.offers:
            if offer.provider == provider and offer.outcome is None:
                return offer
        return None

    @property
    def current(self) -> Stage | None:
        return None if self.stage is None else self.policy.stages[self.stage]

    @property
    def due_at(self) -> datetime | None:
        """When `tick` next has something to do: an offer's or the stage's window ends."""
        if self.phase is not Phase.OFFERING:
            return None
        soonest = None  # the first of the soonest moments, offers' before the stage's
        for offer in self.offers:
            if offer.outcome is None and (soonest is None or offer.ends_at < soonest):
                soonest = offer.ends_at
        if self.stage_ends_at is not None and (soonest is None or self.stage_ends_at < soonest):
            soonest = self.stage_ends_at
        return soonest

    @property
    def first_offer_at(self) -> datetime | None:
        return min((o.made_at for o in self.offers), default=None)


# What the engine asks the outside world to do (and what the audit trail records).
@dataclass(frozen=True)
class OfferMade:
    provider: str
    stage: int | None
    ends_at: datetime


@dataclass(frozen=True)
class OfferClosed:
    provider: str
    outcome: Outcome
    why: str = ""  # where the usual reason for the outcome does not hold


@dataclass(frozen=True)
class Awarded:
    provider: str
    start_on: date | None
    stage: int | None


@dataclass(frozen=True)
class JoinedWaitingList:
    reason: str


Action = OfferMade | OfferClosed | Awarded | JoinedWaitingList


def begin(
    policy: SourcingPolicy,
    candidates: tuple[Candidate, ...],
    *,
    now: datetime,
    week: WorkingWeek,
    rate_cap: Decimal | None = None,
) -> tuple[Sourcing, list[Action]]:
    state = Sourcing(policy, tuple(candidates), Phase.OFFERING, rate_cap=rate_cap)
    return _start_stage(state, 0, now=now, week=week, actions=[])


def accept(
    state: Sourcing, provider: str, start_on: date | None, *, now: datetime
) -> tuple[Sourcing, list[Action]]:
    """The first acceptance of an open offer wins; any other is refused with OfferNotOpen."""
    offer = _open_offer_or_refuse(state, provider, now)
    if state.current is not None and state.current.method is Method.MINI_COMPETITION:
        raise OfferNotOpen("this package is a mini-competition: send a bid, not an acceptance")
    state = _close(state, offer, Outcome.ACCEPTED, now)
    return _award(state, provider, start_on, [], now)


def decline(
    state: Sourcing,
    provider: str,
    *,
    reason: DeclineReason = DeclineReason.OTHER,
    note: str = "",
    now: datetime,
    week: WorkingWeek,
) -> tuple[Sourcing, list[Action]]:
    offer = _open_offer_or_refuse(state, provider, now)
    state = _close(state, offer, Outcome.DECLINED, now, reason=reason, note=note)
    actions: list[Action] = [OfferClosed(provider, Outcome.DECLINED)]
    return _after_response(state, now=now, week=week, actions=actions)


def bid(
    state: Sourcing,
    provider: str,
    *,
    hourly_rate: Decimal,
    earliest_start: date,
    note: str = "",
    now: datetime,
) -> tuple[Sourcing, list[Action]]:
    offer = _open_offer_or_refuse(state, provider, now)
    if state.current is None or state.current.method is not Method.MINI_COMPETITION:
        raise OfferNotOpen("only a mini-competition takes bids: accept or decline the offer")
    if hourly_rate <= 0:
        raise BidAboveCap("a bid needs an hourly rate above nothing")
    if state.rate_cap is not None and hourly_rate > state.rate_cap:
        raise BidAboveCap(
            f"a bid of £{hourly_rate:.2f} an hour is above the rate card's £{state.rate_cap:.2f}"
        )
    state = _close(state, offer, Outcome.BID, now, note=note)
    made = Bid(provider, hourly_rate, earliest_start, now, note, state.stage)
    return _evolved(state, bids=(*state.bids, made)), []


def tick(state: Sourcing, *, now: datetime, week: WorkingWeek) -> tuple[Sourcing, list[Action]]:
    """Close what has expired by `now`: offers, then the stage. Safe to call at any time."""
    if state.phase is not Phase.OFFERING:
        return state, []
    actions: list[Action] = []
    state = _close_open(state, Outcome.EXPIRED, now, actions, expired_only=True)
    if state.stage_ends_at is not None and state.stage_ends_at <= now:
        return _end_stage(state, now=now, week=week, actions=actions)
    return _after_response(state, now=now, week=week, actions=actions)


def close(state: Sourcing, *, now: datetime) -> tuple[Sourcing, list[Action]]:
    """The package leaves sourcing (a direct payment instead, or the request withdrawn):
    every open offer is withdrawn."""
    if state.phase is Phase.AWARDED:
        raise OfferNotOpen(f"the package has already been awarded to {state.awarded_to}")
    actions: list[Action] = []
    state = _close_open(state, Outcome.WITHDRAWN, now, actions)
    return _evolved(state, phase=Phase.CLOSED, stage=None, stage_ends_at=None, queue=()), actions


def offer_capacity(
    state: Sourcing, provider: str, *, now: datetime, ends_at: datetime
) -> tuple[Sourcing, list[Action]]:
    """A waiting package offered to a provider that has capacity again, outside the stages:
    its acceptance wins; its decline or expiry puts the package back on the waiting list.
    Only a member of the package's lots (a candidate) can be offered it."""
    if state.phase is not Phase.WAITING:
        raise NotWaiting("only a package on the waiting list can be offered to spare capacity")
    if not any(
        c.provider == provider and c.tier is not Tier.SUBCONTRACTOR for c in state.candidates
    ):
        raise NotWaiting(f"{provider} is not a provider of this package's lot")
    actions: list[Action] = []
    state = _evolved(state, phase=Phase.OFFERING, stage=None, stage_ends_at=None, queue=())
    return _offer(state, provider, now=now, ends_at=ends_at, actions=actions), actions


def drop_candidate(
    state: Sourcing, provider: str, *, now: datetime, week: WorkingWeek
) -> tuple[Sourcing, list[Action]]:
    """A provider suspended or removed while the package is being sourced: it is asked no
    more in this round, its open offer is withdrawn and its bids are no longer scored, and
    the round goes on without it (the cab rank asks the next; a stage with nothing open
    ends)."""
    if state.phase not in (Phase.OFFERING, Phase.WAITING):
        return state, []
    actions: list[Action] = []
    state = _evolved(
        state,
        candidates=tuple(c for c in state.candidates if c.provider != provider),
        queue=tuple(p for p in state.queue if p != provider),
    )
    offer = state.open_offer(provider)
    if offer is None:
        return state, actions
    state = _close(state, offer, Outcome.WITHDRAWN, now)
    why = "your organisation is suspended or removed from the market, so it takes no new work"
    actions.append(OfferClosed(provider, Outcome.WITHDRAWN, why))
    return _after_response(state, now=now, week=week, actions=actions)


def _start_stage(
    state: Sourcing, index: int, *, now: datetime, week: WorkingWeek, actions: list[Action]
) -> tuple[Sourcing, list[Action]]:
    if index >= len(state.policy.stages):
        actions.append(JoinedWaitingList("no provider took the package at any stage"))
        return _evolved(
            state, phase=Phase.WAITING, stage=None, stage_ends_at=None, queue=()
        ), actions
    stage = state.policy.stages[index]
    asked = [c.provider for c in stage.asks.choose(state.candidates)]
    if not asked:
        return _end_stage(
            _evolved(state, stage=index, queue=()), now=now, week=week, actions=actions
        )
    if stage.method is Method.DIRECT_AWARD:
        return _award(_evolved(state, stage=index, queue=()), asked[0], None, actions, now)
    ends_at = stage.window.ends_at(now, week) if stage.window else now
    # The stage and its offers in one new state (the state is rebuilt once, not per offer).
    if stage.method is Method.CAB_RANK:
        asked, queue, stage_ends_at = asked[:1], tuple(asked[1:]), None
    else:
        queue, stage_ends_at = (), ends_at
    made = tuple(Offer(provider, index, now, ends_at) for provider in asked)
    actions.extend(OfferMade(provider, index, ends_at) for provider in asked)
    state = _evolved(
        state, stage=index, queue=queue, stage_ends_at=stage_ends_at, offers=state.offers + made
    )
    return state, actions


def _offer(
    state: Sourcing, provider: str, *, now: datetime, ends_at: datetime, actions: list[Action]
) -> Sourcing:
    actions.append(OfferMade(provider, state.stage, ends_at))
    return _evolved(state, offers=(*state.offers, Offer(provider, state.stage, now, ends_at)))


def _after_response(
    state: Sourcing, *, now: datetime, week: WorkingWeek, actions: list[Action]
) -> tuple[Sourcing, list[Action]]:
    """Once nobody's offer is open: the cab rank asks the next provider, and a stage offered
    all at once ends early. A mini-competition waits for its deadline."""
    stage = state.current
    if any(o.outcome is None for o in state.offers):
        return state, actions
    if stage is None:  # a waiting-list offer declined or expired: back to the waiting list
        actions.append(JoinedWaitingList("the provider with spare capacity did not take it"))
        return _evolved(state, phase=Phase.WAITING), actions
    if stage.method is Method.CAB_RANK and state.queue:
        assert stage.window is not None
        following, *rest = state.queue
        state = _evolved(state, queue=tuple(rest))
        ends_at = stage.window.ends_at(now, week)
        return _offer(state, following, now=now, ends_at=ends_at, actions=actions), actions
    if stage.method in (Method.CAB_RANK, Method.ALL_AT_ONCE):
        return _end_stage(state, now=now, week=week, actions=actions)
    return state, actions


def _end_stage(
    state: Sourcing, *, now: datetime, week: WorkingWeek, actions: list[Action]
) -> tuple[Sourcing, list[Action]]:
    stage = state.current
    assert stage is not None and state.stage is not None
    state = _close_open(state, Outcome.EXPIRED, now, actions)
    if stage.method is Method.MINI_COMPETITION and state.stage_bids:
        winner = best_bid(state)
        return _award(state, winner.provider, winner.earliest_start, actions, now)
    if stage.otherwise is Otherwise.WAITING_LIST:
        actions.append(JoinedWaitingList(f"stage {state.stage + 1} ended without an award"))
        return _evolved(state, phase=Phase.WAITING, stage=None, stage_ends_at=None), actions
    return _start_stage(state, state.stage + 1, now=now, week=week, actions=actions)


def _award(
    state: Sourcing, provider: str, start_on: date | None, actions: list[Action], now: datetime
) -> tuple[Sourcing, list[Action]]:
    state = _close_open(state, Outcome.WITHDRAWN, now, actions)
    actions.append(Awarded(provider, start_on, state.stage))
    return (
        _evolved(
            state,
            phase=Phase.AWARDED,
            awarded_to=provider,
            start_on=start_on,
            stage_ends_at=None,
            queue=(),
        ),
        actions,
    )


def _open_offer_or_refuse(state: Sourcing, provider: str, now: datetime) -> Offer:
    if state.phase is Phase.AWARDED:
        raise OfferNotOpen(f"the package has already been awarded to {_who(state, provider)}")
    offer = state.open_offer(provider)
    if offer is None:
        raise OfferNotOpen(f"{provider} has no open offer for this package")
    if offer.ends_at <= now:
        # People here read times in UK time, whatever zone the engine was given them in.
        closed = offer.ends_at.astimezone(LONDON)
        raise OfferNotOpen(
            f"the offer to {provider} closed on {closed.day} {closed:%B %Y at %H:%M} (UK time)"
        )
    return offer


def _who(state: Sourcing, provider: str) -> str:
    return "you" if state.awarded_to == provider else "another provider"


def _close(
    state: Sourcing,
    offer: Offer,
    outcome: Outcome,
    at: datetime,
    *,
    reason: DeclineReason | None = None,
    note: str = "",
) -> Sourcing:
    closed = _evolved(offer, outcome=outcome, responded_at=at, reason=reason, note=note)
    offers = list(state.offers)
    for position, made in enumerate(offers):
        if made is offer:
            offers[position] = closed
    return _evolved(state, offers=tuple(offers))


def _close_open(
    state: Sourcing,
    outcome: Outcome,
    now: datetime,
    actions: list[Action],
    *,
    expired_only: bool = False,
) -> Sourcing:
    """Every open offer closed (with `expired_only`, those whose window has ended by `now`,
    each at its own end), in the order they were made, in one new state."""
    offers = list(state.offers)
    closing = False
    for position, offer in enumerate(offers):
        if offer.outcome is None and (not expired_only or offer.ends_at <= now):
            at = offer.ends_at if expired_only else now
            offers[position] = _evolved(
                offer, outcome=outcome, responded_at=at, reason=None, note=""
            )
            actions.append(OfferClosed(offer.provider, outcome))
            closing = True
    return _evolved(state, offers=tuple(offers)) if closing else state


def _evolved(value: _Frozen, **changes: Any) -> _Frozen:
    """A copy of a frozen dataclass with some fields changed: what `dataclasses.replace` does,
    without its checks and its trip through `__init__` (these classes have no
    `__post_init__`), which made it a quarter of a simulated year's time. Frozen only forbids
    setting attributes; the new instance's own `__dict__` is filled before anyone sees it."""
    made = object.__new__(type(value))
    fields = made.__dict__
    fields.update(value.__dict__)
    fields.update(changes)
    return made


RATING_POINTS = {
    CqcRating.OUTSTANDING: Decimal(1),
    CqcRating.GOOD: Decimal("0.75"),
    CqcRating.REQUIRES_IMPROVEMENT: Decimal("0.25"),
    CqcRating.NOT_YET_RATED: Decimal("0.5"),
    CqcRating.INADEQUATE: Decimal(0),
}


def best_bid(state: Sourcing) -> Bid:
    """The winning bid: the highest weighted score; a tie goes to the earlier bid."""
    scored = score_bids(state)
    order = state.stage_bids
    return max(scored, key=lambda pair: (pair[1], -order.index(pair[0])))[0]


def score_bids(state: Sourcing) -> list[tuple[Bid, Decimal]]:
    """Each bid's score out of 100: price relative to the lowest (lowest ÷ bid), start
    relative to the soonest (1 ÷ (1 + days later)), quality by CQC rating."""
    stage = state.current
    bids = state.stage_bids
    assert stage is not None and stage.scoring is not None and bids
    lowest = min(b.hourly_rate for b in bids)
    soonest = min(b.earliest_start for b in bids)
    ratings = {c.provider: c.rating for c in state.candidates}
    scored = []
    for made in bids:
        parts = {
            Criterion.PRICE: lowest / made.hourly_rate,
            Criterion.EARLIEST_START: Decimal(1) / (1 + (made.earliest_start - soonest).days),
            Criterion.QUALITY: RATING_POINTS[ratings.get(made.provider, CqcRating.NOT_YET_RATED)],
        }
        scored.append((made, sum(parts[c] * w for c, w in stage.scoring.weights)))
    return scored
