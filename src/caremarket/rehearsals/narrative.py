"""What a sourcing round did between two of its states, in words a broker reads.

The sourcing engine keeps a round's whole history in its state (offers only grow, each
closed once), so comparing the state before a step with the state after it tells what the
step did: a stage began, offers went out with their windows, providers answered, offers
expired or were withdrawn, the package was awarded or joined the waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.calendar import LONDON
from caremarket.domain.policies import Method, SourcingPolicy
from caremarket.domain.sourcing import Offer, Outcome, Phase, Sourcing, score_bids

ANSWER_ORDER = (Outcome.ACCEPTED, Outcome.BID, Outcome.DECLINED, Outcome.EXPIRED, Outcome.WITHDRAWN)


@dataclass(frozen=True)
class SourcingBegan:
    policy: SourcingPolicy

    def __str__(self) -> str:
        return f"sourcing begins under the {self.policy.code} policy"


@dataclass(frozen=True)
class StageBegan:
    number: int  # counted from 1
    description: str

    def __str__(self) -> str:
        return f"stage {self.number}: {self.description}"


@dataclass(frozen=True)
class Offered:
    providers: tuple[str, ...]
    ends_at: datetime
    lots: tuple[str, ...] = ()  # the covering lots they are asked as members of

    def __str__(self) -> str:
        where = f" (lot {', '.join(self.lots)})" if self.lots else ""
        return f"offered to {listed(self.providers)}{where}, to answer by {moment(self.ends_at)}"


@dataclass(frozen=True)
class Answered:
    provider: str
    outcome: Outcome
    reason: str | None = None
    note: str = ""
    hourly_rate: Decimal | None = None  # a bid's
    earliest_start: date | None = None  # a bid's

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        match self.outcome:
            case Outcome.ACCEPTED:
                return f"{self.provider} accepted{note}"
            case Outcome.DECLINED:
                return f"{self.provider} declined: {self.reason or 'no reason given'}{note}"
            case Outcome.BID if self.hourly_rate is not None and self.earliest_start is not None:
                return (
                    f"{self.provider} bid £{self.hourly_rate:.2f} an hour, able to start"
                    f" {day(self.earliest_start)}{note}"
                )
            case Outcome.EXPIRED:
                return f"the offer to {self.provider} expired unanswered"
            case Outcome.WITHDRAWN:
                return f"the offer to {self.provider} is withdrawn"
        return f"{self.provider}: {self.outcome.value}{note}"


@dataclass(frozen=True)
class Scored:
    scores: tuple[tuple[str, Decimal], ...]  # provider, score out of 100, best first
    weights: str  # "price 40, earliest-start 40, quality 20"

    def __str__(self) -> str:
        listed = ", ".join(f"{provider} {score:.2f}" for provider, score in self.scores)
        tie = len(self.scores) > 1 and self.scores[0][1] == self.scores[1][1]
        return f"bids scored ({self.weights}): {listed}" + (
            f"; a tie, won by the earlier bid ({self.scores[0][0]})" if tie else ""
        )


@dataclass(frozen=True)
class AwardMade:
    provider: str
    start_on: date | None  # None: the requested start date stands
    direct: bool = False

    def __str__(self) -> str:
        how = "awarded directly" if self.direct else "awarded"
        start = f", starting {day(self.start_on)}" if self.start_on else ", to start as requested"
        return f"{how} to {self.provider}{start}"


@dataclass(frozen=True)
class WentToWaitingList:
    def __str__(self) -> str:
        return "no provider took it: it joins the waiting list"


Happening = SourcingBegan | StageBegan | Offered | Answered | Scored | AwardMade | WentToWaitingList


def changes(before: Sourcing | None, after: Sourcing) -> list[Happening]:
    """What happened to a round from `before` (None: it had not begun) to `after`."""
    said: list[Happening] = []
    if before is None:
        said.append(SourcingBegan(after.policy))
    earlier = before.offers if before is not None else ()
    closed = [
        offer
        for was, offer in zip(earlier, after.offers, strict=False)
        if was.open and not offer.open
    ]
    said.extend(_answer(after, offer) for offer in _in_answer_order(closed))
    stage = before.stage if before is not None else None
    new = after.offers[len(earlier) :]
    for offer in new:
        if offer.stage is not None and offer.stage != stage:
            stage = offer.stage
            said.append(StageBegan(stage + 1, after.policy.stages[stage].describe()))
        lot = _lot_of(after, offer.provider)
        last = said[-1] if said else None
        if isinstance(last, Offered) and last.ends_at == offer.ends_at:
            lots = last.lots if lot is None or lot in last.lots else (*last.lots, lot)
            said[-1] = Offered((*last.providers, offer.provider), offer.ends_at, lots)
        else:
            said.append(Offered((offer.provider,), offer.ends_at, () if lot is None else (lot,)))
    said.extend(_answer(after, offer) for offer in _in_answer_order(new) if not offer.open)
    if after.phase is Phase.AWARDED and (before is None or before.phase is not Phase.AWARDED):
        said.extend(_award(after))
    if after.phase is Phase.WAITING and (before is None or before.phase is not Phase.WAITING):
        said.append(WentToWaitingList())
    return said


def moment(at: datetime) -> str:
    """A moment as brokers read it: London time, `Fri 20 Nov 2026 15:00`."""
    return f"{at.astimezone(LONDON):%a %d %b %Y %H:%M}"


def day(on: date) -> str:
    return f"{on:%a %d %b %Y}"


def _lot_of(state: Sourcing, provider: str) -> str | None:
    """The lot a provider is asked as a member of: the first covering lot it is in at the
    tiers the current stage asks (else its first covering lot)."""
    stage = state.current
    theirs = [c for c in state.candidates if c.provider == provider]
    if stage is not None:
        asked = stage.asks.choose(theirs)
        if asked:
            return asked[0].lot
    return theirs[0].lot if theirs else None


def _answer(state: Sourcing, offer: Offer) -> Answered:
    assert offer.outcome is not None
    reason = offer.reason.value if offer.reason is not None else None
    if offer.outcome is Outcome.BID:
        made = next(
            b
            for b in reversed(state.bids)
            if b.provider == offer.provider and b.stage == offer.stage
        )
        return Answered(
            offer.provider,
            offer.outcome,
            note=made.note,
            hourly_rate=made.hourly_rate,
            earliest_start=made.earliest_start,
        )
    return Answered(offer.provider, offer.outcome, reason, offer.note)


def _award(state: Sourcing) -> list[Happening]:
    assert state.awarded_to is not None
    stage = state.current
    said: list[Happening] = []
    if stage is not None and stage.method is Method.MINI_COMPETITION and state.stage_bids:
        assert stage.scoring is not None
        scores = sorted(score_bids(state), key=lambda pair: -pair[1])
        said.append(Scored(tuple((b.provider, s) for b, s in scores), stage.scoring.describe()))
    direct = stage is not None and stage.method is Method.DIRECT_AWARD
    said.append(AwardMade(state.awarded_to, state.start_on, direct))
    return said


def _in_answer_order(offers: list[Offer] | tuple[Offer, ...]) -> list[Offer]:
    return sorted(
        (o for o in offers if o.outcome is not None),
        key=lambda o: ANSWER_ORDER.index(o.outcome) if o.outcome in ANSWER_ORDER else 0,
    )


def listed(names: tuple[str, ...]) -> str:
    """`A`, `A and B`, `A, B and C`."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
