"""What a simulation runs on: a market (zones, lots, providers' capacity, the caseload in
place, rates), its demand, providers' behaviour, and the changes made to it over time.

All plain data over the domain's own classes: the lots are domain `Lot`s, so the sourcing
engine finds the same candidates in the same rank order as live brokerage does
(`policies.covering_lots` and `candidates_for`). Capacity and sizes are minutes a week
(integers); rates are Decimal pounds an hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from caremarket.domain.market import Lot, ServiceType, Tier, Zone
from caremarket.domain.policies import SourcingPolicy


@dataclass(frozen=True)
class Template:
    """A kind of package a zone asks for: drawn with the other templates' frequencies."""

    service: str  # service type code
    pathway: str | None
    minutes: int  # a week


@dataclass
class ProviderSpec:
    name: str
    capacity: dict[str, int]  # zone code → minutes a week it can deliver there
    cost_per_hour: Decimal  # what an hour costs it to deliver (before travel)


@dataclass
class Demand:
    """Requests for care: a Poisson stream per zone, each a template drawn from the zone's."""

    arrivals_per_week: dict[str, float]  # zone code → requests a week
    templates: dict[str, list[Template]]  # zone code → the kinds of package it asks for
    mean_weeks: float = 26.0  # packages last exponentially long, this on average
    discharge_share: float = 0.4  # of requests, hospital discharges (the rest: community)
    high_risk_share: float = 0.15
    medium_risk_share: float = 0.35


@dataclass
class Behaviour:
    """How providers answer offers, staff up, and hand packages back.

    A provider with room in the zone accepts an offer with probability
    `accept` − `difficulty_effect` × the zone's difficulty − `size_effect` × (hours − 10) / 10
    + `rate_effect` × (rate ÷ cost − 1), clipped to [0, 1]; it answers after an exponential
    `response_hours` (an answer after the window closes is too late). A provider without room
    declines for lack of capacity."""

    accept: float = 0.8
    difficulty: dict[str, float] = field(default_factory=dict)  # zone code → 0 (easy) to 1
    difficulty_effect: float = 0.4
    size_effect: float = 0.05
    rate_effect: float = 1.0
    travel_cost_share: float = 0.25  # extra cost an hour in the most difficult zone
    response_hours: float = 2.0
    hand_backs_per_year: float = 0.05  # chance a package in place is handed back in a year
    recruitment_hours: float = 0.0  # hours a week each provider gains a week (each zone)
    attrition_share: float = 0.0  # share of capacity lost a week
    start_days: float = 1.0  # from award to the first visit
    bid_margin: float = 0.1  # a mini-competition bid: cost × (1 + margin), capped by the rate
    bridging_days: int = 3  # working days of bridging care after discharge (0: none)
    viability_hours: int = 700  # a provider below this many hours a week is not viable


@dataclass(frozen=True)
class RateUplift:
    week: float
    percent: Decimal


@dataclass(frozen=True)
class NewProvider:
    week: float
    name: str
    capacity: dict[str, int]  # zone code → minutes a week
    lots: tuple[str, ...]  # lot codes it joins
    tier: Tier
    cost_per_hour: Decimal | None = None


@dataclass(frozen=True)
class ProviderExit:
    week: float
    name: str  # hands every package back and leaves its lots


@dataclass(frozen=True)
class ZoneRedesign:
    """From `week`, lots' members are these (lot code → (provider, tier) in rank order)."""

    week: float
    lots: dict[str, tuple[tuple[str, Tier], ...]]


@dataclass(frozen=True)
class Retier:
    """From `week`, the members of every lot take new tiers: by `mapping` from the tier they
    hold, or `first` for each lot's first member and `rest` for the others (a subcontractor
    works through the lot's first member). How a council's model is tried on another's
    market: lead providers become preferred ones, a lot's providers one lead and its
    subcontractors."""

    week: float
    first: Tier | None = None
    rest: Tier | None = None
    mapping: tuple[tuple[Tier, Tier], ...] = ()


Change = RateUplift | NewProvider | ProviderExit | ZoneRedesign | Retier


@dataclass
class Market:
    name: str
    starts_at: datetime  # the simulated clock's first moment (aware)
    zones: dict[str, Zone]
    services: dict[str, ServiceType]
    lots: list[Lot]
    providers: dict[str, ProviderSpec]
    rates: dict[tuple[str, str], Decimal]  # (service code, zone code) → pounds an hour
    caseload: list[tuple[Template, str, str]]  # (package, zone code, provider) in place
    demand: Demand
    behaviour: Behaviour


@dataclass(frozen=True)
class Option:
    """One way of running the market: a policy, and the changes made under it."""

    name: str
    policy: SourcingPolicy
    changes: tuple[Change, ...] = ()
