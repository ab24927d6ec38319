"""Rehearsing a sourcing policy: a scripted day replayed against a copy of a market.

The copy is built in an empty database (the caller's; `caremarket rehearse` uses SQLite in
memory) from a demo preset and CSV files, through the same imports and services as a real
market; the policy is set through brokerage; then each event of the script runs through the
service live brokerage uses (request_care, accept_offer, decline_offer, place_bid,
start_sourcing, tick), on a simulated clock. Before each event the clock moves on to the
event's time, stopping at every moment a window closes to tick there, as the server's
ticker would. What each step did is read from the rounds' states (rehearsals/narrative.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.errors import DomainError, ImportRejected, NotFound
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.patterns import format_pattern
from caremarket.domain.sourcing import Phase, Sourcing
from caremarket.rehearsals import narrative
from caremarket.rehearsals.report import (
    PackageOutcome,
    Rehearsal,
    Step,
    WaitingPlace,
    subject,
)
from caremarket.rehearsals.script import (
    Accept,
    Bid,
    Decline,
    Event,
    InvalidRehearsal,
    Market,
    Policy,
    RequestCare,
    Script,
    Source,
    Tick,
    TierChange,
)
from caremarket.services import brokerage, imports, sourcing_views
from caremarket.services.demo import load_preset
from caremarket.services.ports import PackageFilter, UnitOfWork
from caremarket.services.requests import CareRequest, request_care

REHEARSAL = Actor("caremarket rehearsal", Role.ADMIN)  # who builds the copy of the market
REQUESTER = Actor("social worker (rehearsal)", Role.BROKER)
WITH_COMMISSIONER = ("zones", "rates", "packages")  # imports that take --commissioner
T = TypeVar("T")


class NotEmpty(DomainError):
    """A rehearsal builds its own copy of a market: it needs an empty database."""


def rehearse(uow: UnitOfWork, script: Script, *, week: WorkingWeek) -> Rehearsal:
    """Replay the script on the empty database behind `uow`; InvalidRehearsal names the
    event or table of the file that cannot be replayed."""
    with uow:
        if uow.commissioners.list():
            raise NotEmpty("a rehearsal builds its own market: give it an empty database")
    start = script.events[0].at
    commissioner = _build_market(uow, script.market, now=start)
    _set_policy(uow, commissioner, script.policy, now=start)
    market = _commissioner_name(uow, commissioner)
    for number, change in enumerate(script.tiers, start=1):
        _set_tier(uow, change, number, now=start)
    replay = _Replay(uow, week, commissioner)
    for event in script.events:
        replay.run(event)
    return Rehearsal(
        title=script.title,
        market=market,
        policy=_policy_described(uow, commissioner),
        steps=tuple(replay.steps),
        outcomes=replay.outcomes(),
        waiting=replay.waiting_places(script.events[-1].at),
    )


@dataclass
class _Replay:
    uow: UnitOfWork
    week: WorkingWeek
    commissioner: str  # whose market: requests are its unless they say otherwise
    steps: list[Step] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # reference → label
    now: datetime | None = None  # the simulated clock
    ticked_at: datetime | None = None  # when it last stopped to close a window

    def run(self, event: Event) -> None:
        self.clock_to(event.at)
        self.now = event.at
        action = event.action
        if isinstance(action, Tick):
            heading = f"event {event.number}: the clock moves on"
            self.record(event.at, heading, self.tick, if_quiet=self.still_open)
        elif isinstance(action, RequestCare):
            self.request(event, action)
        elif isinstance(action, Source):
            reference = self.reference(event, action.package)
            self.record(
                event.at,
                f"event {event.number}: {self.subject(reference)} sent out to source",
                lambda: self.fatal(event, lambda: self.start_sourcing(reference, event.at)),
            )
        else:
            self.respond(event, action)

    def clock_to(self, at: datetime) -> None:
        """Tick at each moment a window closes, up to and including `at`."""
        while True:
            with self.uow:
                due = self.uow.sourcings.next_due()
            if due is None or due > at:
                return
            if self.now is not None and due < self.now:
                due = self.now  # a window that closed before the clock's time: close it now
            if due == self.now and self.ticked_at == due:
                raise RuntimeError(f"a window closing at {due} did not close when ticked")
            self.now = self.ticked_at = due
            self.record(due, "the clock: a window closes", self.tick, if_quiet=None)

    def tick(self) -> list[str]:
        assert self.now is not None
        brokerage.tick(self.uow, now=self.now, week=self.week)
        return []

    def request(self, event: Event, action: RequestCare) -> None:
        def run() -> list[str]:
            commissioner = action.commissioner or self.commissioner
            care = CareRequest(
                commissioner=commissioner,
                person=action.person,
                postcode=action.postcode,
                service=action.service,
                visits=action.visits,
                start_on=action.start_on,
                risk=action.risk,
                carer_breakdown=action.carer_breakdown,
                fit_for_discharge_on=action.fit_for_discharge_on,
                reference=action.reference,
            )
            reference = self.fatal(
                event,
                lambda: request_care(self.uow, care, by=REQUESTER, now=event.at, week=self.week),
            )
            self.labels[reference] = action.label
            with self.uow:
                return [
                    f"{self.subject(reference)}: {_described(self.uow.packages.get(reference))}"
                ]

        self.record(event.at, f"event {event.number}: {action.label} requested", run)

    def respond(self, event: Event, action: Accept | Decline | Bid) -> None:
        reference = self.reference(event, action.package)
        by = self.provider(event, action.provider)
        verb = {Accept: "accepts", Decline: "declines", Bid: "bids for"}[type(action)]

        def run() -> list[str]:
            try:
                self.answer(reference, action, by, event.at)
            except NotFound:
                return [f"{self.subject(reference)}: refused: {by.name} was never offered it"]
            except DomainError as refused:
                return [f"{self.subject(reference)}: refused: {refused}"]
            return []

        heading = f"event {event.number}: {by.name} {verb} {self.labels.get(reference, reference)}"
        self.record(event.at, heading, run)

    def answer(
        self, reference: str, action: Accept | Decline | Bid, by: Actor, at: datetime
    ) -> None:
        if isinstance(action, Accept):
            start_on = action.start_on
            if start_on is None:
                with self.uow:
                    start_on = self.uow.packages.get(reference).start_on
            brokerage.accept_offer(
                self.uow, reference, by=by, start_on=start_on, now=at, week=self.week
            )
        elif isinstance(action, Decline):
            brokerage.decline_offer(
                self.uow,
                reference,
                by=by,
                reason=action.reason,
                note=action.note,
                now=at,
                week=self.week,
            )
        else:
            brokerage.place_bid(
                self.uow,
                reference,
                by=by,
                hourly_rate=action.hourly_rate,
                earliest_start=action.earliest_start,
                note=action.note,
                now=at,
                week=self.week,
            )

    def start_sourcing(self, reference: str, at: datetime) -> list[str]:
        self.labels.setdefault(reference, reference)
        brokerage.start_sourcing(self.uow, reference, by=REQUESTER, now=at, week=self.week)
        return []

    def record(
        self,
        at: datetime,
        heading: str,
        run: Callable[[], list[str]],
        *,
        if_quiet: Callable[[], list[str]] | None = list,
    ) -> None:
        """Run a step and keep what it did to every round the rehearsal follows. A step that
        changed nothing says `if_quiet()` instead, or is left out (`if_quiet` None)."""
        before = self.states()
        lines = run()
        after = self.states()
        for reference, state in after.items():
            for happening in narrative.changes(before.get(reference), state):
                lines.append(f"{self.subject(reference)}: {happening}")
        if any(
            state.phase is Phase.WAITING
            and (reference not in before or before[reference].phase is not Phase.WAITING)
            for reference, state in after.items()
        ):
            lines.extend(f"waiting list: {place}" for place in self.waiting_lines(at))
        if not lines:
            if if_quiet is None:
                return
            lines = if_quiet()
        self.steps.append(Step(at, heading, tuple(lines)))

    def states(self) -> dict[str, Sourcing]:
        with self.uow:
            found = {}
            for reference in self.labels:
                sourcing = self.uow.sourcings.current(self.uow.packages.get(reference))
                if sourcing is not None:
                    found[reference] = sourcing.state
            return found

    def still_open(self) -> list[str]:
        lines = []
        for reference, state in self.states().items():
            if state.due_at is not None:
                open_to = [o.provider for o in state.offers if o.open]
                with_whom = f" with {narrative.listed(tuple(open_to))}" if open_to else ""
                stage = "" if state.stage is None else f"stage {state.stage + 1} "
                lines.append(
                    f"{self.subject(reference)}: {stage}still open{with_whom}"
                    f" until {narrative.moment(state.due_at)}"
                )
        return lines or ["nothing is open"]

    def waiting_lines(self, at: datetime) -> list[str]:
        return [
            f"{n}. {subject(p.reference, p.label)}, need score {p.need_score} ({p.why})"
            for n, p in enumerate(self.waiting_places(at), start=1)
        ]

    def waiting_places(self, at: datetime) -> tuple[WaitingPlace, ...]:
        on = at.astimezone(self.week.zone).date()
        return tuple(
            WaitingPlace(
                w.reference, self.labels.get(w.reference, w.reference), w.need_score, _why(w)
            )
            for w in sourcing_views.waiting_list(self.uow, on=on)
        )

    def outcomes(self) -> tuple[PackageOutcome, ...]:
        found = []
        with self.uow:
            for reference, label in self.labels.items():
                package = self.uow.packages.get(reference)
                sourcing = self.uow.sourcings.current(package)
                assert sourcing is not None
                state = sourcing.state
                business = None
                if sourcing.awarded_at is not None:
                    business = self.week.between(sourcing.requested_at, sourcing.awarded_at)
                found.append(
                    PackageOutcome(
                        label=label,
                        reference=reference,
                        status=package.status.value,
                        provider=package.provider.name if package.provider else None,
                        start_on=package.start_on
                        if package.status is PackageStatus.ACTIVE
                        else None,
                        requested_at=sourcing.requested_at,
                        first_offer_at=state.first_offer_at,
                        awarded_at=sourcing.awarded_at,
                        business_time_to_award=business,
                    )
                )
        return tuple(found)

    def subject(self, reference: str) -> str:
        return subject(reference, self.labels.get(reference, reference))

    def reference(self, event: Event, package: str) -> str:
        for reference, label in self.labels.items():
            if package == label:
                return reference
        with self.uow:
            if self.uow.packages.find(package) is not None:
                return package
        raise InvalidRehearsal(
            f"event {event.number}, field 'package': no request earlier in the file is labelled"
            f" {package!r}, and there is no care package {package}"
        )

    def provider(self, event: Event, name: str) -> Actor:
        """The provider's people, answering for it."""
        with self.uow:
            found = self.uow.providers.find(name)
            if found is None:
                raise InvalidRehearsal(
                    f"event {event.number}, field 'provider': there is no provider {name!r}"
                    " in the market"
                )
            return Actor(found.name, Role.PROVIDER, found.id)

    def fatal(self, event: Event, run: Callable[[], T]) -> T:
        try:
            return run()
        except DomainError as error:
            raise InvalidRehearsal(f"event {event.number} ({event.kind}): {error}") from None


def _build_market(uow: UnitOfWork, market: Market, *, now: datetime) -> str:
    """The market's copy; returns the code of the commissioner whose market is rehearsed."""
    lead = None
    if market.preset is not None:
        with _named("[market], field 'preset'"):
            lead = load_preset(uow, market.preset, by=REHEARSAL, now=now).commissioners[0]
    for number, file in enumerate(market.files, start=1):
        where = f"[market] file {number} ({file.path.name})"
        importer = getattr(imports, f"import_{file.kind}")
        options = {"commissioner": file.commissioner} if file.kind in WITH_COMMISSIONER else {}
        with _named(where):
            try:
                importer(uow, file.path, by=REHEARSAL, now=now, **options)
            except ImportRejected as rejected:
                shown = "; ".join(str(p) for p in rejected.problems[:5])
                more = len(rejected.problems) - 5
                raise InvalidRehearsal(
                    f"{where}: nothing imported: {shown}"
                    + (f" (and {more} more)" if more > 0 else "")
                ) from None
    with uow:
        if market.commissioner is not None:
            with _named("[market], field 'commissioner'"):
                return uow.commissioners.get(market.commissioner).code
        return lead or _only_commissioner(uow)


def _set_policy(uow: UnitOfWork, commissioner: str, policy: Policy, *, now: datetime) -> None:
    if policy.policy is not None:
        with _named("[policy]"):
            brokerage.set_policy(uow, commissioner, policy.policy, by=REHEARSAL, now=now)
    for number, lot in enumerate(policy.lots, start=1):
        with _named(f"[policy] lot {number}"):
            brokerage.set_policy(
                uow, commissioner, lot.policy, lot=(lot.vehicle, lot.lot), by=REHEARSAL, now=now
            )


def _set_tier(uow: UnitOfWork, change: TierChange, number: int, *, now: datetime) -> None:
    """A provider's tier in a lot, changed on the copy (or the provider admitted to it)."""
    with _named(f"tier change {number}"), uow:
        lot = uow.vehicles.get(change.vehicle).lot(change.lot)
        provider = uow.providers.get(change.provider)
        membership = lot.membership_of(provider)
        if membership is None:
            lot.admit(provider, change.tier)
        else:
            membership.tier = change.tier
        uow.audit.record(
            entry(
                REHEARSAL,
                now,
                "lot tier changed",
                ("lot", f"{change.vehicle}/{change.lot}"),
                {"provider": provider.name, "tier": change.tier.value},
                reason="rehearsal",
            )
        )
        uow.commit()


@contextmanager
def _named(where: str) -> Iterator[None]:
    try:
        yield
    except InvalidRehearsal:
        raise
    except DomainError as error:
        raise InvalidRehearsal(f"{where}: {error}") from None


def _only_commissioner(uow: UnitOfWork) -> str:
    codes = [c.code for c in uow.commissioners.list()]
    if len(codes) != 1:
        raise InvalidRehearsal(
            f"[market], field 'commissioner': the market has {len(codes)} commissioners"
            f" ({', '.join(codes) or 'none'}): say whose market is rehearsed"
        )
    return codes[0]


def _commissioner_name(uow: UnitOfWork, code: str) -> str:
    """`WIR Wirral Council: 9 zones, 4 providers, 2 care packages in place`."""
    with uow:
        owner = uow.commissioners.get(code)
        zones = len(uow.zones.list(commissioner=owner))
        _, placed = uow.packages.search(
            PackageFilter(commissioner=code, status=PackageStatus.ACTIVE), limit=1, offset=0
        )
        providers = len(uow.providers.list())
        return (
            f"{code} {owner.name}: {zones:,} zones, {providers:,} providers,"
            f" {placed:,} care packages in place"
        )


def _policy_described(uow: UnitOfWork, code: str) -> str:
    with uow:
        policy = uow.sourcings.policy(uow.commissioners.get(code))
    return "none set" if policy is None else f"{policy.code}: {policy.describe()}"


def _described(package: CarePackage) -> str:
    pathway = f", pathway {package.pathway}" if package.pathway else ""
    return (
        f"{package.person.reference} at {package.person.postcode} ({package.zone.name}),"
        f" {package.service.code} {format_pattern(package.pattern)},"
        f" {package.weekly_hours.normalize():f} hours a week{pathway},"
        f" to start {narrative.day(package.start_on)}"
    )


def _why(entry: sourcing_views.WaitingEntry) -> str:
    parts = [f"{entry.risk} risk"]
    if entry.carer_breakdown:
        parts.append("carer breakdown")
    if entry.fit_for_discharge_on is not None:
        parts.append(f"fit for discharge since {narrative.day(entry.fit_for_discharge_on)}")
    if entry.delay_days:
        parts.append(f"discharge delayed {_days(entry.delay_days)}")
    parts.append(f"waiting {_days(entry.days_waiting)}")
    return ", ".join(parts)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"
