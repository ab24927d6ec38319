"""Brokerage as people read it: a provider's open offers, a package's sourcing history, the
waiting list in order of need. A provider sees only its own offers and bids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.discharge import delay_days
from caremarket.domain.errors import NotFound
from caremarket.domain.patterns import format_pattern
from caremarket.domain.policies import Method
from caremarket.domain.priority import NeedWeights, need_score
from caremarket.domain.sourcing import Offer
from caremarket.services.brokerage import acting_provider, need_of
from caremarket.services.ports import SourcingRound, UnitOfWork


@dataclass(frozen=True)
class OfferView:
    provider: str
    stage: int | None  # counted from 1; None: offered from the waiting list
    made_at: datetime
    ends_at: datetime
    outcome: str | None  # None: still open
    responded_at: datetime | None
    reason: str | None
    note: str


@dataclass(frozen=True)
class BidView:
    provider: str
    stage: int | None
    hourly_rate: Decimal
    earliest_start: date
    made_at: datetime
    note: str


@dataclass(frozen=True)
class RoundView:
    """One attempt to source a package, with its timings: request → first offer → award."""

    number: int
    cause: str
    policy: str
    policy_stages: str
    phase: str
    stage: int | None
    stage_method: str | None
    due_at: datetime | None
    requested_at: datetime
    requested_by: str
    first_offer_at: datetime | None
    awarded_at: datetime | None
    awarded_to: str | None
    start_on: date | None
    offers: tuple[OfferView, ...]
    bids: tuple[BidView, ...]


@dataclass(frozen=True)
class OpenOffer:
    """An offer still open, as the provider asked sees it (and brokers, with its name)."""

    reference: str
    provider: str
    stage: int | None  # counted from 1; None: offered from the waiting list
    commissioner: str  # codes, then the names people read
    zone: str
    service: str
    commissioner_name: str
    zone_name: str
    service_name: str
    pattern: str
    weekly_hours: Decimal
    pathway: str | None
    requested_start_on: date
    fit_for_discharge_on: date | None
    made_at: datetime
    ends_at: datetime
    respond_by: str  # "accept or decline", or "bid or decline" in a mini-competition
    rate_cap: Decimal | None


@dataclass(frozen=True)
class WaitingEntry:
    reference: str
    commissioner: str
    zone: str
    service: str
    weekly_hours: Decimal
    requested_at: datetime
    days_waiting: int
    need_score: int
    risk: str
    carer_breakdown: bool
    fit_for_discharge_on: date | None
    delay_days: int
    reasons: tuple[str, ...]  # what the providers asked said, e.g. "Dingle Care: no capacity"


def sourcing_history(uow: UnitOfWork, reference: str, *, viewer: Actor) -> list[RoundView]:
    """Every round of a package's sourcing; NotFound for a provider it was never offered to."""
    with uow:
        package = uow.packages.get(reference)
        rounds = uow.sourcings.rounds(package)
        if viewer.role is Role.PROVIDER:
            name = acting_provider(uow, viewer).name
            mine = package.provider is not None and package.provider.name == name
            if not mine and not any(_asked(r, name) for r in rounds):
                raise NotFound(f"there is no care package {reference}")
            return [round_view(r, only=name) for r in rounds]
        return [round_view(r) for r in rounds]


def open_offers(uow: UnitOfWork, *, viewer: Actor) -> list[OpenOffer]:
    """Open offers, soonest to close first: a provider's own, or every one for staff."""
    with uow:
        own = viewer.provider_id if viewer.role is Role.PROVIDER else None
        name = acting_provider(uow, viewer).name if own is not None else None
        offers = []
        for sourcing in uow.sourcings.open_offers(own):
            for offer in sourcing.state.offers:
                if offer.open and (name is None or offer.provider == name):
                    offers.append(_open_offer(sourcing, offer))
        return sorted(offers, key=lambda o: (o.ends_at, o.reference, o.provider))


def find_open_offer(uow: UnitOfWork, reference: str, *, viewer: Actor) -> OpenOffer | None:
    """A provider's open offer of one package, or None."""
    return next((o for o in open_offers(uow, viewer=viewer) if o.reference == reference), None)


def waiting_list(
    uow: UnitOfWork, *, on: date, weights: NeedWeights | None = None
) -> list[WaitingEntry]:
    """Packages no provider has taken, neediest first (see domain/priority.py)."""
    with uow:
        chosen = weights or NeedWeights()
        entries = [_waiting(sourcing, on, chosen) for sourcing in uow.sourcings.waiting()]
    return sorted(entries, key=lambda e: (-e.need_score, e.requested_at))


def _waiting(sourcing: SourcingRound, on: date, weights: NeedWeights) -> WaitingEntry:
    package = sourcing.package
    reasons = tuple(
        f"{o.provider}: {o.reason.value}" + (f" ({o.note})" if o.note else "")
        for o in sourcing.state.offers
        if o.reason is not None
    )
    return WaitingEntry(
        reference=package.reference,
        commissioner=package.commissioner.code,
        zone=package.zone.code,
        service=package.service.code,
        weekly_hours=package.weekly_hours,
        requested_at=sourcing.requested_at,
        days_waiting=max((on - sourcing.requested_at.date()).days, 0),
        need_score=need_score(need_of(sourcing), on, weights),
        risk=package.risk.value,
        carer_breakdown=package.carer_breakdown,
        fit_for_discharge_on=package.fit_for_discharge_on,
        delay_days=delay_days(package.fit_for_discharge_on, None, on),
        reasons=reasons,
    )


def _open_offer(sourcing: SourcingRound, offer: Offer) -> OpenOffer:
    package = sourcing.package
    stage = sourcing.state.current
    bidding = stage is not None and stage.method is Method.MINI_COMPETITION
    return OpenOffer(
        reference=package.reference,
        provider=offer.provider,
        stage=None if offer.stage is None else offer.stage + 1,
        commissioner=package.commissioner.code,
        zone=package.zone.code,
        service=package.service.code,
        commissioner_name=package.commissioner.name,
        zone_name=package.zone.name,
        service_name=package.service.name,
        pattern=format_pattern(package.pattern),
        weekly_hours=package.weekly_hours,
        pathway=package.pathway,
        requested_start_on=package.start_on,
        fit_for_discharge_on=package.fit_for_discharge_on,
        made_at=offer.made_at,
        ends_at=offer.ends_at,
        respond_by="bid or decline" if bidding else "accept or decline",
        rate_cap=sourcing.state.rate_cap if bidding else None,
    )


def round_view(sourcing: SourcingRound, *, only: str | None = None) -> RoundView:
    """A round as a viewer sees it: `only` a provider's name shows just its own offers and bids."""
    state = sourcing.state
    stage = state.current
    return RoundView(
        number=sourcing.number,
        cause=sourcing.cause,
        policy=state.policy.code,
        policy_stages=state.policy.describe(),
        phase=state.phase.value,
        stage=None if state.stage is None else state.stage + 1,
        stage_method=None if stage is None else stage.method.value,
        due_at=state.due_at,
        requested_at=sourcing.requested_at,
        requested_by=sourcing.requested_by,
        first_offer_at=state.first_offer_at,
        awarded_at=sourcing.awarded_at,
        awarded_to=state.awarded_to if only is None or state.awarded_to == only else None,
        start_on=state.start_on,
        offers=tuple(
            OfferView(
                o.provider,
                None if o.stage is None else o.stage + 1,
                o.made_at,
                o.ends_at,
                None if o.outcome is None else o.outcome.value,
                o.responded_at,
                None if o.reason is None else o.reason.value,
                o.note,
            )
            for o in state.offers
            if only is None or o.provider == only
        ),
        bids=tuple(
            BidView(
                b.provider,
                None if b.stage is None else b.stage + 1,
                b.hourly_rate,
                b.earliest_start,
                b.made_at,
                b.note,
            )
            for b in state.bids
            if only is None or b.provider == only
        ),
    )


def _asked(sourcing: SourcingRound, provider: str) -> bool:
    return any(o.provider == provider for o in sourcing.state.offers)
