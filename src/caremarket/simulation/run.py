"""One replication: a market run under one option for a horizon, event by event.

Requests arrive (drawn from the demand stream, the same for every option of a scenario: common
random numbers); each is sourced by the sourcing engine through `Broker`, on the simulated
clock; providers answer offers (drawn from the behaviour stream) by their room in the zone,
the zone's difficulty, the package's size and the rate against their cost. What no provider
takes waits, in order of need (`domain/priority.py`), and is offered to a provider of its
lots as soon as one has room. Discharges are bridged for the working days the scenario gives,
and every day after that until care starts is a delay day (`domain/discharge.py`). Packages
end, or are handed back and sourced again; providers recruit and lose care workers.
"""

from __future__ import annotations

import copy
import heapq
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from caremarket.collector import collection_paused
from caremarket.domain import sourcing as engine
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.discharge import delay_days
from caremarket.domain.market import Lot, Membership, Provider, Tier
from caremarket.domain.policies import Candidate, Method, candidates_for, covering_lots
from caremarket.domain.priority import Need, Risk, in_order_of_need
from caremarket.simulation.broker import Broker
from caremarket.simulation.market import (
    Market,
    NewProvider,
    Option,
    ProviderExit,
    ProviderSpec,
    RateUplift,
    Retier,
    Template,
    ZoneRedesign,
)

WEEK = timedelta(weeks=1)
PENNY = Decimal("0.01")
WAITING_OFFER = timedelta(hours=24)  # a waiting package offered to spare capacity, if no stage


@dataclass(frozen=True)
class RunResult:
    """What one replication of one option gave."""

    option: str
    metrics: dict[str, Decimal]  # name → value, as in METRICS
    waiting_by_week: tuple[int, ...]  # the waiting list at the end of each week
    provider_hours: dict[str, float]  # each provider's hours a week at the end
    below_viability: tuple[str, ...]  # providers under the viability threshold at the end


# Each output, in the order reports show them, with its unit.
METRICS = {
    "requests": "requests for care",
    "started": "packages started",
    "time_to_start_median": "days from request to care (median)",
    "time_to_start_p90": "days from request to care (90th percentile)",
    "time_to_start_mean": "days from request to care (mean)",
    "waiting_mean": "people on the waiting list (weekly mean)",
    "waiting_end": "people on the waiting list at the end",
    "delay_days": "delay days of hospital discharges",
    "hand_backs": "hand-backs",
    "hours_delivered": "hours delivered",
    "cost": "cost (£)",
    "providers_below_viability": "providers below the viability threshold at the end",
}


@dataclass(eq=False)
class _Package:
    id: int
    zone: str
    template: Template
    requested_at: datetime
    need: Need
    length: timedelta
    discharge: bool
    counted: bool  # requested after the warm-up: its waiting is measured
    provider: str | None = None
    rate: Decimal | None = None
    epoch: int = 0  # placements so far: events of an earlier placement are stale
    accrued_from: datetime | None = None
    first_start: datetime | None = None
    ends_at: datetime | None = None
    done: bool = False


@dataclass
class _Streams:
    demand: np.random.Generator
    behaviour: np.random.Generator


def streams(seed: int, replication: int) -> _Streams:
    """The replication's two streams (PCG64): demand, the same for every option, and
    behaviour. Both follow from the seed and the replication's number alone."""
    demand, behaviour = np.random.SeedSequence([seed, replication]).spawn(2)
    return _Streams(
        np.random.Generator(np.random.PCG64(demand)),
        np.random.Generator(np.random.PCG64(behaviour)),
    )


def simulate(
    market: Market,
    option: Option,
    *,
    weeks: float,
    seed: int,
    replication: int = 0,
    warm_up_weeks: float = 0.0,
    week: WorkingWeek | None = None,
) -> RunResult:
    return _Run(market, option, weeks, streams(seed, replication), warm_up_weeks, week).run()


@dataclass
class _Arrival:
    at: datetime
    zone: str
    template: Template
    discharge: bool
    risk: Risk
    length: timedelta


class _Run:
    def __init__(
        self,
        market: Market,
        option: Option,
        weeks: float,
        rng: _Streams,
        warm_up_weeks: float,
        week: WorkingWeek | None,
    ) -> None:
        self.market = market
        self.option = option
        self.behaviour = market.behaviour
        self.rng = rng
        self.week = week or WorkingWeek()
        self.start = market.starts_at
        self.end = market.starts_at + timedelta(weeks=weeks)
        self.warm_end = market.starts_at + timedelta(weeks=warm_up_weeks)
        # Each run changes its own copy of the market's lots and providers.
        # (Lots cover zones and services by identity: they are copied together.)
        self.lots: list[Lot]
        self.lots, self.zones, self.services = copy.deepcopy(
            (market.lots, market.zones, market.services)
        )
        self.providers = {n: copy.deepcopy(s) for n, s in market.providers.items()}
        self.rates = dict(market.rates)
        self.used: dict[str, dict[str, int]] = {n: {} for n in self.providers}
        self.placed: dict[str, list[_Package]] = {n: [] for n in self.providers}
        self.backlog: dict[str, list[_Package]] = {n: [] for n in self.providers}
        self.broker = Broker(self.week, self._acted)
        self.packages: dict[int, _Package] = {}
        self.waiting: dict[str, set[int]] = {z: set() for z in market.zones}
        self._events: list[tuple[datetime, int, str, object]] = []
        self._count = 0
        self._candidates: dict[tuple[str, str, str | None], tuple[Candidate, ...]] = {}
        self.delivered: dict[Decimal, float] = {}  # rate → minutes delivered at it
        self.hand_backs = 0
        self._offered_on: dict[tuple[int, str], date] = {}  # a waiting package, to whom, when
        self._accepting: dict[tuple[str, str, str, int], float] = {}  # cleared when rates change
        self._in_zone: dict[str, list[tuple[str, ProviderSpec]]] = {}  # cleared with providers
        self._start_delay = timedelta(days=self.behaviour.start_days)
        self._handlers = {
            "arrive": self._on_arrive,
            "answer": self._on_answer,
            "end": self._on_end,
            "hand_back": self._on_hand_back,
            "week": self._on_week,
            "day": self._on_day,
            "change": self._on_change,
        }
        self.waiting_by_week: list[int] = []

    # -- the run -----------------------------------------------------------------------
    def run(self) -> RunResult:
        with collection_paused():
            return self._run()

    def _run(self) -> RunResult:
        arrivals = self._draw_demand()
        for template, zone, provider in self.market.caseload:
            self._place_initial(template, zone, provider)
        for arrival in arrivals:
            self._schedule(arrival.at, "arrive", arrival)
        for change in self.option.changes:
            self._schedule(self.start + timedelta(weeks=change.week), "change", change)
        t = self.start + WEEK
        while t <= self.end:
            self._schedule(t, "week", None)
            t += WEEK
        day = self.start + timedelta(hours=9)
        while day <= self.end:
            self._schedule(day, "day", None)
            day += timedelta(days=1)
        self._loop()
        return self._result()

    def _loop(self) -> None:
        events = self._events
        broker = self.broker
        handlers = self._handlers
        while events:
            due = broker.next_due()
            at = events[0][0]
            if due is not None and due <= at:
                broker.tick_due(due)
                continue
            at, _, kind, payload = heapq.heappop(events)
            if at > self.end:
                break
            handlers[kind](at, payload)

    def _schedule(self, at: datetime, kind: str, payload: object) -> None:
        self._count += 1
        heapq.heappush(self._events, (at, self._count, kind, payload))

    # -- demand ------------------------------------------------------------------------
    def _draw_demand(self) -> list[_Arrival]:
        demand = self.market.demand
        rng = self.rng.demand
        weeks = (self.end - self.start) / WEEK
        # The caseload in place: how long each package still has (memoryless lengths).
        self._initial_lengths = rng.exponential(demand.mean_weeks, len(self.market.caseload))
        arrivals = []
        for zone in sorted(demand.arrivals_per_week):
            rate = demand.arrivals_per_week[zone]
            templates = demand.templates[zone]
            count = int(rng.poisson(rate * weeks))
            times = np.sort(rng.uniform(0, weeks, count))
            picks = rng.integers(0, len(templates), count)
            sources = rng.random(count)
            risks = rng.random(count)
            lengths = rng.exponential(demand.mean_weeks, count)
            for i in range(count):
                risk = (
                    Risk.HIGH
                    if risks[i] < demand.high_risk_share
                    else Risk.MEDIUM
                    if risks[i] < demand.high_risk_share + demand.medium_risk_share
                    else Risk.LOW
                )
                arrivals.append(
                    _Arrival(
                        self.start + timedelta(weeks=float(times[i])),
                        zone,
                        templates[int(picks[i])],
                        bool(sources[i] < demand.discharge_share),
                        risk,
                        timedelta(weeks=float(lengths[i])),
                    )
                )
        arrivals.sort(key=lambda a: a.at)
        return arrivals

    def _on_arrive(self, at: datetime, arrival: _Arrival) -> None:
        on = self._day(at)
        fit = None
        if arrival.discharge:
            days = self.behaviour.bridging_days
            fit = self.week.add_working_days(on, days) if days else on
        package = _Package(
            id=len(self.packages),
            zone=arrival.zone,
            template=arrival.template,
            requested_at=at,
            need=Need(on, arrival.risk, fit_for_discharge_on=fit),
            length=arrival.length,
            discharge=arrival.discharge,
            counted=at >= self.warm_end,
        )
        self.packages[package.id] = package
        self._begin(package, at)

    def _begin(self, package: _Package, at: datetime, excluding: str | None = None) -> None:
        candidates = tuple(c for c in self._candidates_of(package) if c.provider != excluding)
        cap = self.rates.get((package.template.service, package.zone))
        self.broker.begin(package.id, self.option.policy, candidates, now=at, rate_cap=cap)

    def _candidates_of(self, package: _Package) -> tuple[Candidate, ...]:
        key = (package.zone, package.template.service, package.template.pathway)
        found = self._candidates.get(key)
        if found is None:
            zone = self.zones[package.zone]
            service = self.services[package.template.service]
            lots = covering_lots(self.lots, zone, service, package.template.pathway)
            found = self._candidates[key] = candidates_for(lots)
        return found

    # -- what the engine asks for ------------------------------------------------------
    def _acted(self, key: object, actions: list[engine.Action], now: datetime) -> None:
        package = self.packages[key]  # type: ignore[index]
        for action in actions:
            if type(action) is engine.OfferMade:
                # Drawn even when answers are instant, so the stream is the same either way.
                hours = self.behaviour.response_hours
                delay = self.rng.behaviour.exponential(hours or 1e-9)
                answer_at = now + timedelta(hours=float(delay)) if hours else now
                self._schedule(answer_at, "answer", (package, action.provider))
            elif type(action) is engine.Awarded:
                self._award(package, action.provider, now)
            elif type(action) is engine.JoinedWaitingList:
                self.waiting[package.zone].add(package.id)

    def _on_answer(self, at: datetime, payload: tuple[_Package, str]) -> None:
        package, provider = payload
        state = self.broker.rounds[package.id]
        offer = state.open_offer(provider)
        if offer is None or offer.ends_at <= at:
            return  # withdrawn, or too late: the tick closed it
        room = self._room(provider, package.zone) >= package.template.minutes
        willing = room and self.rng.behaviour.random() < self._acceptance(provider, package)
        if not willing:
            reason = engine.DeclineReason.OTHER if room else engine.DeclineReason.NO_CAPACITY
            self.broker.decline(package.id, provider, reason=reason, now=at)
            return
        starts = self._day(at + self._start_delay)
        if state.current is not None and state.current.method is Method.MINI_COMPETITION:
            cost = self._cost(provider, package.zone) * Decimal(1 + self.behaviour.bid_margin)
            rate = cost.quantize(PENNY, ROUND_HALF_UP)
            if state.rate_cap is not None:
                rate = min(rate, state.rate_cap)
            self.broker.bid(package.id, provider, hourly_rate=rate, earliest_start=starts, now=at)
        else:
            self.broker.accept(package.id, provider, starts, now=at)

    def _acceptance(self, provider: str, package: _Package) -> float:
        key = (provider, package.zone, package.template.service, package.template.minutes)
        found = self._accepting.get(key)
        if found is None:
            found = self._accepting[key] = self._worked_out_acceptance(provider, package)
        return found

    def _worked_out_acceptance(self, provider: str, package: _Package) -> float:
        b = self.behaviour
        difficulty = b.difficulty.get(package.zone, 0.0)
        hours = package.template.minutes / 60
        rate = self.rates.get((package.template.service, package.zone))
        margin = 0.0 if rate is None else float(rate / self._cost(provider, package.zone)) - 1
        p = (
            b.accept
            - b.difficulty_effect * difficulty
            - b.size_effect * (hours - 10) / 10
            + b.rate_effect * margin
        )
        return min(max(p, 0.0), 1.0)

    def _cost(self, provider: str, zone: str) -> Decimal:
        spec = self.providers[provider]
        travel = Decimal(
            str(self.behaviour.travel_cost_share * self.behaviour.difficulty.get(zone, 0.0))
        )
        return spec.cost_per_hour * (1 + travel)

    def _room(self, provider: str, zone: str) -> int:
        spec = self.providers.get(provider)
        if spec is None:
            return 0
        return spec.capacity.get(zone, 0) - self.used[provider].get(zone, 0)

    # -- care in place -----------------------------------------------------------------
    def _award(self, package: _Package, provider: str, now: datetime) -> None:
        self.waiting[package.zone].discard(package.id)
        if provider not in self.providers:
            return
        starts_at = now + timedelta(days=self.behaviour.start_days)
        if self._room(provider, package.zone) >= package.template.minutes:
            self._place(package, provider, starts_at)
            return
        # A lead or single provider awarded what it has no room for places it with one of
        # its subcontractors that has; or else it waits for the provider's room.
        for candidate in self.broker.rounds[package.id].candidates:
            name = candidate.provider
            if (
                candidate.tier is Tier.SUBCONTRACTOR
                and self._subcontracts_to(provider, name, candidate.lot)
                and self._room(name, package.zone) >= package.template.minutes
            ):
                self._place(package, name, starts_at)
                return
        self.backlog[provider].append(package)

    def _subcontracts_to(self, lead: str, provider: str, lot_code: str | None) -> bool:
        lot = next((lot for lot in self.lots if lot.code == lot_code), None)
        return lot is not None and any(
            m.provider.name == provider and m.lead is not None and m.lead.name == lead
            for m in lot.members
        )

    def _place(self, package: _Package, provider: str, starts_at: datetime) -> None:
        zone = package.zone
        used = self.used[provider]
        used[zone] = used.get(zone, 0) + package.template.minutes
        self.placed[provider].append(package)
        package.provider = provider
        package.rate = self.rates.get((package.template.service, zone), Decimal(0))
        package.epoch += 1
        package.accrued_from = starts_at
        if package.first_start is None:
            package.first_start = starts_at
            package.ends_at = starts_at + package.length
        ends_at = max(package.ends_at, starts_at)  # type: ignore[type-var]
        self._schedule(ends_at, "end", (package, package.epoch))
        yearly = self.behaviour.hand_backs_per_year
        if yearly > 0:
            after = timedelta(weeks=52 * float(self.rng.behaviour.exponential(1 / yearly)))
            if starts_at + after < ends_at:
                self._schedule(starts_at + after, "hand_back", (package, package.epoch))

    def _place_initial(self, template: Template, zone: str, provider: str) -> None:
        remaining = timedelta(weeks=float(self._initial_lengths[len(self.packages)]))
        package = _Package(
            id=len(self.packages),
            zone=zone,
            template=template,
            requested_at=self.start,
            need=Need(self._day(self.start)),
            length=remaining,
            discharge=False,
            counted=False,
        )
        self.packages[package.id] = package
        self._place(package, provider, self.start)

    def _stop(self, package: _Package, at: datetime) -> str:
        """The package's provider stops delivering it: what was delivered is counted and its
        room is free again."""
        provider = package.provider
        assert provider is not None
        self._accrue(package, at)
        self.used[provider][package.zone] -= package.template.minutes
        self.placed[provider].remove(package)
        package.provider = None
        package.epoch += 1
        return provider

    def _accrue(self, package: _Package, at: datetime) -> None:
        since = max(package.accrued_from, self.warm_end)  # type: ignore[type-var]
        if at > since and package.rate is not None:
            share = (at - since) / WEEK
            self.delivered[package.rate] = (
                self.delivered.get(package.rate, 0.0) + package.template.minutes * share
            )
        package.accrued_from = max(at, package.accrued_from)  # type: ignore[type-var]

    def _on_end(self, at: datetime, payload: tuple[_Package, int]) -> None:
        package, epoch = payload
        if package.epoch != epoch or package.provider is None:
            return
        provider = self._stop(package, at)
        package.done = True
        self._room_freed(provider, package.zone, at)

    def _on_hand_back(self, at: datetime, payload: tuple[_Package, int]) -> None:
        package, epoch = payload
        if package.epoch != epoch or package.provider is None:
            return
        self._hand_back(package, at)

    def _hand_back(self, package: _Package, at: datetime) -> None:
        provider = self._stop(package, at)
        if at >= self.warm_end:
            self.hand_backs += 1
        self._begin(package, at, excluding=provider)
        self._room_freed(provider, package.zone, at)

    def _room_freed(self, provider: str, zone: str, at: datetime) -> None:
        """Room with a provider: its own awards waiting for room first, then the waiting
        list of the zone, neediest first."""
        for package in list(self.backlog.get(provider, ())):
            if package.zone == zone and self._room(provider, zone) >= package.template.minutes:
                self.backlog[provider].remove(package)
                self._place(package, provider, at + timedelta(days=self.behaviour.start_days))
        self._offer_waiting(zone, at)

    def _offer_waiting(self, zone: str, at: datetime) -> None:
        ids = self.waiting[zone]
        if not ids:
            return
        used = self.used
        rooms = {n: s.capacity[zone] - used[n].get(zone, 0) for n, s in self._working_in(zone)}
        most = max(rooms.values(), default=0)
        # Rooms only shrink as the sweep goes on: a package bigger than the most room now
        # cannot be offered in it, so only those that fit are put in order of need.
        waiting = [p for i in ids if (p := self.packages[i]).template.minutes <= most]
        if not waiting:
            return
        smallest = min(p.template.minutes for p in waiting)
        on = self._day(at)
        ends_at = None  # when an offer made now closes, worked out once for the sweep
        for package in in_order_of_need(((p, p.need) for p in waiting), on):
            state = self.broker.rounds[package.id]
            if state.phase is not engine.Phase.WAITING:
                continue
            for candidate in state.candidates:
                name = candidate.provider
                if (
                    candidate.tier is Tier.SUBCONTRACTOR
                    or rooms.get(name, 0) < package.template.minutes
                ):
                    continue
                rooms[name] -= package.template.minutes
                self.waiting[zone].discard(package.id)
                if ends_at is None:
                    window = self.option.policy.stages[0].window
                    ends_at = window.ends_at(at, self.week) if window else at + WAITING_OFFER
                self.broker.offer_capacity(package.id, name, now=at, ends_at=ends_at)
                break
            if max(rooms.values(), default=0) < smallest:
                return

    def _working_in(self, zone: str) -> list[tuple[str, ProviderSpec]]:
        """The providers with capacity in the zone (a list kept until providers change)."""
        found = self._in_zone.get(zone)
        if found is None:
            found = self._in_zone[zone] = [
                (n, s) for n, s in self.providers.items() if zone in s.capacity
            ]
        return found

    # -- the weeks, and changes to the market ------------------------------------------
    def _on_week(self, at: datetime, _: object) -> None:
        b = self.behaviour
        if b.recruitment_hours or b.attrition_share:
            rng = self.rng.behaviour
            for name, spec in self.providers.items():
                for zone, minutes in list(spec.capacity.items()):
                    hours = minutes // 60
                    gained = int(rng.poisson(b.recruitment_hours)) if b.recruitment_hours else 0
                    lost = int(rng.binomial(hours, b.attrition_share)) if b.attrition_share else 0
                    spec.capacity[zone] = max(minutes + 60 * (gained - lost), 0)
                    # Fewer care workers than the work needs: the newest packages go back.
                    while self._room(name, zone) < 0:
                        newest = next(p for p in reversed(self.placed[name]) if p.zone == zone)
                        self._hand_back(newest, at)
                    if gained:
                        self._room_freed(name, zone, at)
        if at > self.warm_end:
            self.waiting_by_week.append(self._waiting_count())

    def _on_day(self, at: datetime, _: object) -> None:
        """Each morning, the broker offers the waiting list to whoever has room."""
        for zone in self.waiting:
            self._offer_waiting(zone, at)

    def _on_change(self, at: datetime, change: object) -> None:
        self._accepting.clear()
        if isinstance(change, RateUplift):
            for placed in self.placed.values():
                for package in placed:
                    self._accrue(package, at)
            factor = 1 + change.percent / 100
            self.rates = {
                k: (r * factor).quantize(PENNY, ROUND_HALF_UP) for k, r in self.rates.items()
            }
            for placed in self.placed.values():
                for package in placed:
                    key = (package.template.service, package.zone)
                    package.rate = self.rates.get(key, package.rate)
        elif isinstance(change, NewProvider):
            cost = change.cost_per_hour or _typical_cost(self.providers)
            self.providers[change.name] = ProviderSpec(change.name, dict(change.capacity), cost)
            self.used[change.name] = {}
            self.placed[change.name] = []
            self.backlog[change.name] = []
            self._in_zone.clear()
            joining = Provider(change.name)
            for lot in self.lots:
                if lot.code in change.lots:  # (a what-if may take a lot past its maximum)
                    lot.members.append(Membership(joining, change.tier))
            self._candidates.clear()
            for zone in change.capacity:
                self._offer_waiting(zone, at)
        elif isinstance(change, ProviderExit):
            for lot in self.lots:
                lot.members = [m for m in lot.members if m.provider.name != change.name]
            self._candidates.clear()
            for key, state in list(self.broker.rounds.items()):
                if state.phase in (engine.Phase.OFFERING, engine.Phase.WAITING) and any(
                    c.provider == change.name for c in state.candidates
                ):
                    self.broker.drop_candidate(key, change.name, now=at)
            for package in list(self.placed.get(change.name, ())):
                self._hand_back(package, at)
            for package in self.backlog.pop(change.name, []):
                self._begin(package, at, excluding=change.name)
            self.providers.pop(change.name, None)
            self._in_zone.clear()
        elif isinstance(change, Retier):
            mapping = dict(change.mapping)
            for lot in self.lots:
                members = []
                for position, m in enumerate(lot.members):
                    tier = mapping.get(m.tier, m.tier)
                    if change.first is not None and position == 0:
                        tier = change.first
                    elif change.rest is not None and position > 0:
                        tier = change.rest
                    lead = lot.members[0].provider if tier is Tier.SUBCONTRACTOR else None
                    members.append(Membership(m.provider, tier, lead=lead))
                lot.members = members
            self._candidates.clear()
        elif isinstance(change, ZoneRedesign):
            by_name = {m.provider.name: m.provider for lot in self.lots for m in lot.members}
            for lot in self.lots:
                if lot.code in change.lots:
                    members = [
                        by_name.get(name) or Provider(name) for name, _ in change.lots[lot.code]
                    ]
                    lot.members = [
                        Membership(
                            provider,
                            tier,
                            lead=members[0] if tier is Tier.SUBCONTRACTOR and n else None,
                        )
                        for n, (provider, (_, tier)) in enumerate(
                            zip(members, change.lots[lot.code], strict=True)
                        )
                    ]
            self._candidates.clear()

    # -- the outputs -------------------------------------------------------------------
    def _waiting_count(self) -> int:
        return sum(len(ids) for ids in self.waiting.values()) + sum(
            len(b) for b in self.backlog.values()
        )

    def _result(self) -> RunResult:
        for placed in self.placed.values():
            for package in placed:
                self._accrue(package, self.end)
        counted = [p for p in self.packages.values() if p.counted]
        waits = [
            (p.first_start - p.requested_at) / timedelta(days=1)
            for p in counted
            if p.first_start is not None and p.first_start <= self.end
        ]
        end_day = self._day(self.end)
        delays = sum(
            delay_days(
                p.need.fit_for_discharge_on,
                None if p.first_start is None else self._day(p.first_start),
                end_day,
            )
            for p in counted
            if p.discharge
        )
        minutes = sum(self.delivered.values())
        cost = sum(
            (Decimal(str(round(m, 4))) * rate / 60 for rate, m in self.delivered.items()),
            Decimal(0),
        ).quantize(PENNY, ROUND_HALF_UP)
        hours = {name: sum(self.used[name].values()) / 60 for name in sorted(self.providers)}
        below = tuple(n for n, h in hours.items() if h < self.behaviour.viability_hours)
        waiting = self.waiting_by_week or [self._waiting_count()]
        metrics = {
            "requests": len(counted),
            "started": len(waits),
            "time_to_start_median": _percentile(waits, 50),
            "time_to_start_p90": _percentile(waits, 90),
            "time_to_start_mean": sum(waits) / len(waits) if waits else math.nan,
            "waiting_mean": sum(waiting) / len(waiting),
            "waiting_end": self._waiting_count(),
            "delay_days": delays,
            "hand_backs": self.hand_backs,
            "hours_delivered": minutes / 60,
            "cost": cost,
            "providers_below_viability": len(below),
        }
        return RunResult(
            self.option.name,
            {k: _decimal(v) for k, v in metrics.items()},
            tuple(self.waiting_by_week),
            hours,
            below,
        )

    def _day(self, at: datetime) -> date:
        return at.astimezone(self.week.zone).date()


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else math.nan


def _decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(int(value))  # type: ignore[call-overload]


def _typical_cost(providers: dict[str, ProviderSpec]) -> Decimal:
    costs = sorted(s.cost_per_hour for s in providers.values())
    return costs[len(costs) // 2] if costs else Decimal("18")
