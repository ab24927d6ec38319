"""Brokerage: sourcing care packages under each commissioner's policy.

Every use case opens the unit of work, lets the sourcing engine (domain/sourcing.py) decide,
carries out what it decided (offers, awards, the waiting list) with an audit entry and a
notification for each, and commits once. Responses race: when two providers accept at the
same moment, the round's row is locked (PostgreSQL) or its version checked (SQLite), the
loser's transaction is retried on the new state, and the engine refuses it clearly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from caremarket.domain import sourcing as engine
from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.calendar import LONDON, Window, WorkingWeek
from caremarket.domain.errors import ConcurrentChange, Conflict, DomainError, NoRate, NotFound
from caremarket.domain.market import Commissioner, Lot, Provider, Tier
from caremarket.domain.notifications import to_brokers, to_provider
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.policies import (
    PRESETS,
    SourcingPolicy,
    candidates_for,
    covering_lots,
)
from caremarket.domain.priority import Need, need_score
from caremarket.domain.rates import RateBasis
from caremarket.domain.sourcing import (
    Action,
    Awarded,
    DeclineReason,
    JoinedWaitingList,
    OfferClosed,
    OfferMade,
    Outcome,
    Sourcing,
)
from caremarket.services.ports import SourcingRound, UnitOfWork

PACKAGE = "care package"  # the audit trail's object type
TICKER = Actor("caremarket (deadline ticker)", Role.ADMIN)
RETRIES = 8  # attempts of a response that lost a race, each on the newer state
CAPACITY_WINDOW = Window(Decimal(4), business_hours=True)  # to take up a waiting package
LEAVABLE = (PackageStatus.REQUESTED, PackageStatus.SOURCING, PackageStatus.WAITING)
T = TypeVar("T")


class NoPolicy(DomainError):
    pass


class NotSourceable(Conflict):
    pass


class InvalidStartDate(DomainError):
    pass


class InvalidCapacity(DomainError):
    pass


@dataclass(frozen=True)
class TickResult:
    rounds: int  # rounds moved on
    awards: int
    waiting: int  # joined the waiting list

    def __str__(self) -> str:
        return (
            f"{self.rounds} package{'s' if self.rounds != 1 else ''} moved on:"
            f" {self.awards} awarded, {self.waiting} to the waiting list"
        )


def set_policy(
    uow: UnitOfWork,
    commissioner: str,
    policy: SourcingPolicy | str,
    *,
    lot: tuple[str, str] | None = None,
    by: Actor,
    now: datetime,
) -> SourcingPolicy:
    """Set the commissioner's policy (a preset's code, or a policy), or one lot's: (vehicle,
    lot). Rounds already under way keep the policy they began with."""
    chosen = _preset(policy) if isinstance(policy, str) else policy
    with uow:
        keep_policy(uow, uow.commissioners.get(commissioner), chosen, lot=lot, by=by, now=now)
        uow.commit()
    return chosen


def keep_policy(
    uow: UnitOfWork,
    owner: Commissioner,
    policy: SourcingPolicy,
    *,
    lot: tuple[str, str] | None = None,
    by: Actor,
    now: datetime,
) -> None:
    """Set a policy inside the caller's unit of work (a demo preset sets its council's)."""
    chosen_lot = uow.vehicles.get(lot[0]).lot(lot[1]) if lot else None
    uow.sourcings.set_policy(owner, chosen_lot, policy, at=now, by=by.name)
    where = f"lot {lot[0]}/{lot[1]}" if lot else "every lot"
    uow.audit.record(
        entry(
            by,
            now,
            "sourcing policy set",
            ("commissioner", owner.code),
            {"policy": policy.code, "for": where, "stages": policy.describe()},
        )
    )


def start_sourcing(
    uow: UnitOfWork, reference: str, *, by: Actor, now: datetime, week: WorkingWeek
) -> SourcingRound:
    """Begin sourcing a requested package under its commissioner's policy."""
    with uow:
        package = uow.packages.get(reference)
        if package.status is not PackageStatus.REQUESTED:
            raise NotSourceable(
                f"{reference} is {package.status.value}: only a requested package can be sourced"
            )
        previous = uow.sourcings.current(package)
        sourcing = begin_round(
            uow,
            package,
            number=(previous.number + 1) if previous else 1,
            cause="requested",
            by=by,
            now=now,
            week=week,
        )
        uow.commit()
        return sourcing


def accept_offer(
    uow: UnitOfWork,
    reference: str,
    *,
    by: Actor,
    start_on: date,
    now: datetime,
    week: WorkingWeek,
) -> SourcingRound:
    """A provider accepts its open offer, with the date it can start. The first acceptance
    wins; any later one is refused with OfferNotOpen, saying why."""
    if start_on < now.astimezone(week.zone).date():
        raise InvalidStartDate(f"a start date of {start_on:%d %B %Y} is in the past")

    def respond(sourcing: SourcingRound, provider: Provider) -> tuple[Sourcing, list[Action]]:
        return engine.accept(sourcing.state, provider.name, start_on, now=now)

    return _respond(uow, reference, by=by, now=now, respond=respond)


def decline_offer(
    uow: UnitOfWork,
    reference: str,
    *,
    by: Actor,
    reason: DeclineReason,
    note: str = "",
    now: datetime,
    week: WorkingWeek,
) -> SourcingRound:
    def respond(sourcing: SourcingRound, provider: Provider) -> tuple[Sourcing, list[Action]]:
        return engine.decline(
            sourcing.state, provider.name, reason=reason, note=note.strip(), now=now, week=week
        )

    return _respond(uow, reference, by=by, now=now, respond=respond)


def place_bid(
    uow: UnitOfWork,
    reference: str,
    *,
    by: Actor,
    hourly_rate: Decimal,
    earliest_start: date,
    note: str = "",
    now: datetime,
    week: WorkingWeek,
) -> SourcingRound:
    """A bid in a mini-competition: scored with the others when the window closes."""
    if earliest_start < now.astimezone(week.zone).date():
        raise InvalidStartDate(f"an earliest start of {earliest_start:%d %B %Y} is in the past")

    def respond(sourcing: SourcingRound, provider: Provider) -> tuple[Sourcing, list[Action]]:
        return engine.bid(
            sourcing.state,
            provider.name,
            hourly_rate=hourly_rate,
            earliest_start=earliest_start,
            note=note.strip(),
            now=now,
        )

    return _respond(uow, reference, by=by, now=now, respond=respond)


def tick(uow: UnitOfWork, *, now: datetime, week: WorkingWeek, batch: int = 100) -> TickResult:
    """Move on every round whose window has closed by `now`. Idempotent, and safe to run in
    several processes at once: each locks the rows it takes and skips others' (PostgreSQL)."""
    rounds = awards = waiting = 0
    seen: set[int] = set()
    while True:
        try:
            with uow:
                due = uow.sourcings.due(now, limit=batch)
                fresh = [s for s in due if s.id not in seen]
                for sourcing in fresh:
                    state, actions = engine.tick(sourcing.state, now=now, week=week)
                    _save(uow, sourcing, state, actions, by=TICKER, now=now)
                    awards += sum(isinstance(a, Awarded) for a in actions)
                    waiting += sum(isinstance(a, JoinedWaitingList) for a in actions)
                uow.commit()
        except ConcurrentChange:
            continue  # another ticker or a provider got there first: read again
        seen.update(s.id for s in fresh if s.id is not None)
        rounds += len(fresh)
        if len(due) < batch or not fresh:
            return TickResult(rounds, awards, waiting)


def choose_direct_payment(
    uow: UnitOfWork, reference: str, *, by: Actor, now: datetime, reason: str = ""
) -> None:
    """The person will buy their own care with a direct payment: the package leaves sourcing
    (open offers withdrawn) and is recorded as a direct payment."""
    with uow:
        package = uow.packages.get(reference)
        if package.status not in LEAVABLE:
            raise NotSourceable(
                f"{reference} is {package.status.value}: only a package not yet placed can"
                " become a direct payment"
            )
        sourcing = uow.sourcings.current(package, lock=True)
        if sourcing is not None and sourcing.closed_at is None:
            state, actions = engine.close(sourcing.state, now=now)
            _save(uow, sourcing, state, actions, by=by, now=now, closed=True)
        package.status = PackageStatus.DIRECT_PAYMENT
        uow.audit.record(
            entry(by, now, "direct payment chosen", (PACKAGE, reference), reason=reason or None)
        )
        uow.notifications.add(
            to_brokers(
                now,
                f"Direct payment: care package {reference}",
                f"Care package {reference} will be met by a direct payment.",
                reference,
            )
        )
        uow.commit()


def offer_spare_capacity(
    uow: UnitOfWork,
    *,
    provider: str,
    hours: Decimal,
    by: Actor,
    now: datetime,
    week: WorkingWeek,
) -> list[str]:
    """A provider has `hours` a week to spare: the neediest waiting packages it may be
    offered (it is in their lot) and that fit are offered to it, each for the capacity
    window. Returns the references offered, neediest first."""
    if hours <= 0:
        raise InvalidCapacity("spare capacity is a number of hours a week above nothing")
    with uow:
        spare = uow.providers.get(provider)
        if by.role is Role.PROVIDER and by.provider_id != spare.id:
            raise NotFound(f"there is no provider {provider}")
        today = now.astimezone(week.zone).date()
        waiting = sorted(
            uow.sourcings.waiting(),
            key=lambda s: (-need_score(need_of(s), today), s.requested_at),
        )
        offered: list[str] = []
        left = hours
        ends_at = CAPACITY_WINDOW.ends_at(now, week)
        for sourcing in waiting:
            package = sourcing.package
            asked = any(
                c.provider == spare.name and c.tier is not Tier.SUBCONTRACTOR
                for c in sourcing.state.candidates
            )
            if not asked or package.weekly_hours > left:
                continue
            state, actions = engine.offer_capacity(
                sourcing.state, spare.name, now=now, ends_at=ends_at
            )
            _save(uow, sourcing, state, actions, by=by, now=now)
            offered.append(package.reference)
            left -= package.weekly_hours
        uow.audit.record(
            entry(
                by,
                now,
                "spare capacity offered",
                ("provider", spare.name),
                {"hours": str(hours), "packages offered": offered},
            )
        )
        uow.commit()
        return offered


def place_with_subcontractor(
    uow: UnitOfWork, reference: str, *, subcontractor: str, by: Actor, now: datetime
) -> None:
    """A single or lead provider places its package with one of its named subcontractors in
    the package's lot (Halton's model)."""
    with uow:
        package = uow.packages.get(reference)
        holder = acting_provider(uow, by)
        if package.provider is not holder or package.status is not PackageStatus.ACTIVE:
            raise NotFound(f"there is no care package {reference}")
        sub = uow.providers.get(subcontractor)
        membership = package.lot.membership_of(sub) if package.lot else None
        if (
            membership is None
            or membership.tier is not Tier.SUBCONTRACTOR
            or (membership.lead is not holder)
        ):
            raise NotSourceable(
                f"{subcontractor} is not a subcontractor of {holder.name} in this package's lot"
            )
        package.subcontractor = sub
        uow.audit.record(
            entry(
                by,
                now,
                "placed with a subcontractor",
                (PACKAGE, reference),
                {"subcontractor": sub.name},
            )
        )
        uow.notifications.add(
            to_brokers(
                now,
                f"Subcontracted: care package {reference}",
                f"{holder.name} has placed care package {reference} with {sub.name}.",
                reference,
            )
        )
        uow.commit()


def policy_for(
    uow: UnitOfWork, package: CarePackage, lots: list[Lot] | None = None
) -> SourcingPolicy:
    """The policy of the first covering lot that has one of its own, else the commissioner's.
    `lots`: the package's covering lots, when the caller has them already."""
    for lot in _covering_lots(uow, package) if lots is None else lots:
        policy = uow.sourcings.policy(package.commissioner, lot)
        if policy is not None:
            return policy
    policy = uow.sourcings.policy(package.commissioner)
    if policy is None:
        raise NoPolicy(
            f"{package.commissioner.name} has no sourcing policy yet: set one with"
            f" `caremarket policy set {package.commissioner.code} PRESET`"
            f" (one of {', '.join(sorted(PRESETS))})"
        )
    return policy


def begin_round(
    uow: UnitOfWork,
    package: CarePackage,
    *,
    number: int,
    cause: str,
    by: Actor,
    now: datetime,
    week: WorkingWeek,
    excluding: Provider | None = None,
) -> SourcingRound:
    """A new round of sourcing for a package, inside the caller's unit of work; `excluding`
    a provider that handed it back. A package still being delivered (handed back, under
    notice) stays active while it is sourced again."""
    lots = _covering_lots(uow, package)
    policy = policy_for(uow, package, lots)
    candidates = tuple(
        c for c in candidates_for(lots) if excluding is None or c.provider != excluding.name
    )
    state, actions = engine.begin(
        policy,
        candidates,
        now=now,
        week=week,
        rate_cap=_hourly_rate(uow, package, now.astimezone(week.zone).date()),
    )
    sourcing = SourcingRound(
        package,
        number,
        cause,
        engine.Sourcing(policy, state.candidates, state.phase),
        requested_at=now,
        requested_by=by.name,
    )
    uow.sourcings.add(sourcing)
    if package.status is not PackageStatus.ACTIVE:
        package.status = PackageStatus.SOURCING
    uow.audit.record(
        entry(
            by,
            now,
            "sourcing started",
            (PACKAGE, package.reference),
            {"round": number, "policy": policy.code, "candidates": len(state.candidates)},
            reason=cause,
        )
    )
    _save(uow, sourcing, state, actions, by=by, now=now)
    return sourcing


def drop_from_rounds(
    uow: UnitOfWork, provider: Provider, *, by: Actor, now: datetime, week: WorkingWeek
) -> list[str]:
    """A provider suspended or removed is asked no more in the rounds under way, inside the
    caller's unit of work: its open offers are withdrawn and the rounds go on without it.
    Returns the packages whose rounds it left."""
    left = []
    for sourcing in uow.sourcings.under_way():
        if not any(c.provider == provider.name for c in sourcing.state.candidates):
            continue
        state, actions = engine.drop_candidate(sourcing.state, provider.name, now=now, week=week)
        _save(uow, sourcing, state, actions, by=by, now=now)
        left.append(sourcing.package.reference)
    return left


def _respond(
    uow: UnitOfWork,
    reference: str,
    *,
    by: Actor,
    now: datetime,
    respond: Callable[[SourcingRound, Provider], tuple[Sourcing, list[Action]]],
) -> SourcingRound:
    if by.role is not Role.PROVIDER or by.provider_id is None:
        raise NotFound("only a provider's own people or systems respond to its offers")

    def attempt() -> SourcingRound:
        with uow:
            package = uow.packages.get(reference)
            sourcing = uow.sourcings.current(package, lock=True)
            provider = acting_provider(uow, by)
            if sourcing is None or not _offered(sourcing, provider.name):
                raise NotFound(f"there is no care package {reference}")
            state, actions = respond(sourcing, provider)
            _save(uow, sourcing, state, actions, by=by, now=now)
            uow.commit()
            return sourcing

    return _retrying(attempt)


def _save(
    uow: UnitOfWork,
    sourcing: SourcingRound,
    state: Sourcing,
    actions: list[Action],
    *,
    by: Actor,
    now: datetime,
    closed: bool = False,
) -> None:
    """Keep the new state, then do what the engine decided, each step audited and told."""
    package = sourcing.package
    changes: dict[str, datetime | None] = {"closed_at": now} if closed else {}
    if any(isinstance(a, Awarded) for a in actions):
        changes["awarded_at"] = changes["closed_at"] = now
    uow.sourcings.save(sourcing, state, **changes)
    ref = package.reference
    providers = uow.providers.find_each(
        a.provider for a in actions if isinstance(a, OfferMade | OfferClosed | Awarded)
    )

    def provider(name: str) -> Provider:
        if name not in providers:
            providers[name] = uow.providers.get(name)  # NotFound, as before
        return providers[name]

    for action in actions:
        if isinstance(action, OfferMade):
            local = action.ends_at.astimezone(LONDON)
            when = f"{local:%A} {local.day} {local:%B %Y at %H:%M}"
            uow.audit.record(
                entry(
                    by,
                    now,
                    "offer made",
                    (PACKAGE, ref),
                    {
                        "provider": action.provider,
                        "stage": _stage_number(action.stage),
                        "respond_by": action.ends_at.isoformat(),
                    },
                )
            )
            uow.notifications.add(
                to_provider(
                    now,
                    provider(action.provider),
                    f"New offer: care package {ref}",
                    f"{package.commissioner.name} offers you care package {ref}"
                    f" ({package.zone.name}, {package.weekly_hours} hours a week)."
                    f" Accept or decline by {when}.",
                    ref,
                )
            )
        elif isinstance(action, OfferClosed):
            offer = next(o for o in reversed(state.offers) if o.provider == action.provider)
            changes_of = {"provider": action.provider}
            if offer.reason is not None:
                changes_of["reason"] = offer.reason.value
            uow.audit.record(
                entry(
                    by,
                    now,
                    f"offer {action.outcome.value}",
                    (PACKAGE, ref),
                    changes_of,
                    reason=offer.note or None,
                )
            )
            if action.outcome in (Outcome.EXPIRED, Outcome.WITHDRAWN):
                why = action.why or (
                    "its window closed"
                    if action.outcome is Outcome.EXPIRED
                    else "the package has been placed elsewhere"
                )
                uow.notifications.add(
                    to_provider(
                        now,
                        provider(action.provider),
                        f"Offer {action.outcome.value}: care package {ref}",
                        f"The offer of care package {ref} is closed: {why}.",
                        ref,
                    )
                )
        elif isinstance(action, Awarded):
            winner = provider(action.provider)
            start_on = action.start_on or package.start_on
            for handed in uow.hand_backs.list(package=package, ended_on=None):
                handed.release(start_on)  # the old provider stops the day before
            for bridge in uow.bridgings.list(package=package, ended_on=None):
                bridge.end(start_on)  # the bridge ends when the package starts
            package.provider = winner
            package.subcontractor = None
            package.status = PackageStatus.ACTIVE
            package.lot = _lot_of(uow, package, state, action.provider) or package.lot
            package.start_on = start_on
            uow.audit.record(
                entry(
                    by,
                    now,
                    "package awarded",
                    (PACKAGE, ref),
                    {
                        "provider": action.provider,
                        "start_on": package.start_on.isoformat(),
                        "stage": _stage_number(action.stage),
                        "round": sourcing.number,
                    },
                )
            )
            starts = f"{package.start_on:%d %B %Y}"
            uow.notifications.add(
                to_provider(
                    now,
                    winner,
                    f"Awarded: care package {ref}",
                    f"Care package {ref} is yours, starting {starts}.",
                    ref,
                ),
                to_brokers(
                    now,
                    f"Awarded: care package {ref}",
                    f"Care package {ref} is awarded to {action.provider}, starting {starts}.",
                    ref,
                ),
            )
        elif isinstance(action, JoinedWaitingList):
            if package.status is not PackageStatus.ACTIVE:  # (handed back: still delivered)
                package.status = PackageStatus.WAITING
            uow.audit.record(
                entry(by, now, "joined the waiting list", (PACKAGE, ref), reason=action.reason)
            )
            uow.notifications.add(
                to_brokers(
                    now,
                    f"Waiting list: care package {ref}",
                    f"Care package {ref} has joined the waiting list: {action.reason}.",
                    ref,
                )
            )


def need_of(sourcing: SourcingRound) -> Need:
    """What the waiting list weighs: the request's date and the person's need."""
    package = sourcing.package
    return Need(
        requested_on=sourcing.requested_at.date(),
        risk=package.risk,
        carer_breakdown=package.carer_breakdown,
        fit_for_discharge_on=package.fit_for_discharge_on,
    )


def _retrying(attempt: Callable[[], T]) -> T:
    for _ in range(RETRIES - 1):
        try:
            return attempt()
        except ConcurrentChange:
            continue
    return attempt()


def _offered(sourcing: SourcingRound, provider: str) -> bool:
    return any(o.provider == provider for o in sourcing.state.offers)


def acting_provider(uow: UnitOfWork, by: Actor) -> Provider:
    """The provider a provider's account or token acts for."""
    found = uow.providers.list(id=by.provider_id) if by.provider_id is not None else []
    if not found:
        raise NotFound("the provider this account acts for no longer exists")
    return found[0]


def _covering_lots(
    uow: UnitOfWork, package: CarePackage, *, code: str | None = None, members: bool = True
) -> list[Lot]:
    lots = uow.vehicles.lots_for(
        package.commissioner, zone=package.zone, code=code, members=members
    )
    return covering_lots(lots, package.zone, package.service, package.pathway)


def _lot_of(uow: UnitOfWork, package: CarePackage, state: Sourcing, provider: str) -> Lot | None:
    code = next((c.lot for c in state.candidates if c.provider == provider), None)
    if code is None:
        return None
    return next(iter(_covering_lots(uow, package, code=code, members=False)), None)


def _hourly_rate(uow: UnitOfWork, package: CarePackage, on: date) -> Decimal | None:
    """The hourly rate for the package's service and zone on the package's commissioner's
    cards (on a shared vehicle, the calling-off council's own): a bid's cap. Of several
    cards, the newest line in force wins, so a new year's card replaces the last."""
    newest = None
    for card in uow.rate_cards.list(commissioner=package.commissioner):
        try:
            line = card.rate_for(package.service, package.zone, on)
        except NoRate:
            continue
        if line.basis is RateBasis.PER_HOUR and (
            newest is None or line.effective_from > newest.effective_from
        ):
            newest = line
    return None if newest is None else newest.amount


def _stage_number(stage: int | None) -> int | None:
    return None if stage is None else stage + 1


def _preset(code: str) -> SourcingPolicy:
    if code not in PRESETS:
        raise NotFound(f"there is no policy preset {code}: one of {', '.join(sorted(PRESETS))}")
    return PRESETS[code]
