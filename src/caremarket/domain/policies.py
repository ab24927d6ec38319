"""Sourcing policies as data: who is asked for a package, how, for how long, and then what.

A policy is a list of stages. Each stage asks providers chosen by their tier in the lots that
cover the package (its zone, service and pathway) — or one named provider — in one of four
ways, for a window, and says what happens when the window closes without an award: the next
stage, or the waiting list. The sourcing engine (brokerage issue) interprets them; the presets
below are the councils' models from the papers (see DOMAIN.md). Only Liverpool's window (5
hours) is in the papers; the other windows are assumptions, to be set by each council.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from caremarket.domain.calendar import Window
from caremarket.domain.errors import DomainError
from caremarket.domain.market import (
    CqcRating,
    Lot,
    Membership,
    ProviderStatus,
    ServiceType,
    Tier,
    Zone,
)


class InvalidPolicy(DomainError):
    pass


class Method(enum.StrEnum):
    ALL_AT_ONCE = "all-at-once"  # offered to everyone asked; the first acceptance wins
    CAB_RANK = "cab-rank"  # offered to one at a time, in rank order
    MINI_COMPETITION = "mini-competition"  # bids scored when the window closes
    DIRECT_AWARD = "direct-award"  # awarded to the one provider asked


class Otherwise(enum.StrEnum):
    NEXT_STAGE = "next-stage"
    WAITING_LIST = "waiting-list"


class Criterion(enum.StrEnum):
    PRICE = "price"  # the bid's hourly rate, lowest best (capped by the rate card)
    EARLIEST_START = "earliest-start"  # the bid's start date, soonest best
    QUALITY = "quality"  # the provider's CQC rating


@dataclass(frozen=True)
class Candidate:
    """A provider that may be asked for a package: a member of a lot covering it."""

    provider: str  # the provider's name
    tier: Tier
    rating: CqcRating = CqcRating.NOT_YET_RATED
    lot: str | None = None  # the covering lot it is a member of (its code)

    @classmethod
    def of(cls, membership: Membership, lot: str | None = None) -> Candidate:
        provider = membership.provider
        return cls(provider.name, membership.tier, provider.cqc_rating, lot)


@dataclass(frozen=True)
class Audience:
    """Who a stage asks: the members of the covering lots at these tiers, or one provider."""

    tiers: frozenset[Tier] = frozenset()  # empty: every tier but subcontractors
    provider: str | None = None

    def __post_init__(self) -> None:
        if self.provider is not None and self.tiers:
            raise InvalidPolicy("a stage asks either a named provider or providers by tier")

    def choose(self, candidates: Iterable[Candidate]) -> list[Candidate]:
        """Those asked, in the order given (the caller ranks them), each provider once."""
        chosen: list[Candidate] = []
        seen: set[str] = set()
        for candidate in candidates:
            if candidate.provider in seen:
                continue
            if self.provider is not None:
                if candidate.provider == self.provider:
                    chosen.append(candidate)
                    seen.add(candidate.provider)
            elif candidate.tier in self.tiers or (
                not self.tiers and candidate.tier is not Tier.SUBCONTRACTOR
            ):
                chosen.append(candidate)
                seen.add(candidate.provider)
        return chosen

    def describe(self) -> str:
        if self.provider is not None:
            return self.provider
        if not self.tiers:
            return "every provider in the lot"
        return " and ".join(sorted(f"{t.value} providers" for t in self.tiers))


@dataclass(frozen=True)
class Scoring:
    """Weights of a mini-competition's criteria, adding up to 100."""

    weights: tuple[tuple[Criterion, int], ...]

    def __post_init__(self) -> None:
        if sum(weight for _, weight in self.weights) != 100:
            raise InvalidPolicy("the weights of a mini-competition must add up to 100")
        if any(weight <= 0 for _, weight in self.weights):
            raise InvalidPolicy("each criterion of a mini-competition needs a positive weight")

    def describe(self) -> str:
        return ", ".join(f"{criterion.value} {weight}" for criterion, weight in self.weights)


@dataclass(frozen=True)
class Stage:
    asks: Audience
    method: Method
    window: Window | None = None
    otherwise: Otherwise = Otherwise.NEXT_STAGE
    scoring: Scoring | None = None

    def __post_init__(self) -> None:
        if self.method is Method.DIRECT_AWARD:
            if self.window is not None or self.scoring is not None:
                raise InvalidPolicy("a direct award has no window and no scoring")
            return
        if self.window is None:
            raise InvalidPolicy(f"a {self.method.value} stage needs a window")
        if (self.method is Method.MINI_COMPETITION) != (self.scoring is not None):
            raise InvalidPolicy("a mini-competition, and only a mini-competition, has scoring")

    def describe(self) -> str:
        text = f"{self.method.value} to {self.asks.describe()}"
        if self.window is not None:
            text += f", {self.window.describe()}"
        if self.scoring is not None:
            text += f" (scored: {self.scoring.describe()})"
        return text


@dataclass(frozen=True)
class SourcingPolicy:
    code: str
    name: str
    stages: tuple[Stage, ...]
    source: str = ""  # where the model comes from
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Trusted assessment: a provider's reduction of weekly hours up to this percentage
    # applies at once; larger changes, and increases, wait for a broker's approval.
    reduction_limit: Decimal = Decimal(20)

    def __post_init__(self) -> None:
        if not self.stages:
            raise InvalidPolicy(f"policy {self.code} has no stages")
        *earlier, last = self.stages
        if last.method is not Method.DIRECT_AWARD and last.otherwise is not Otherwise.WAITING_LIST:
            raise InvalidPolicy(
                f"the last stage of policy {self.code} must end in the waiting list"
            )
        if not 0 <= self.reduction_limit <= 100:
            raise InvalidPolicy("the trusted reduction limit is a percentage, 0 to 100")
        for stage in earlier:
            if stage.method is Method.DIRECT_AWARD:
                raise InvalidPolicy("a direct award can only be the last stage: nothing follows it")

    def describe(self) -> str:
        steps = [stage.describe() for stage in self.stages]
        if self.stages[-1].method is not Method.DIRECT_AWARD:
            steps.append("then the waiting list")
        return "; ".join(steps)


def _hours(hours: int, *, business: bool) -> Window:
    return Window(Decimal(hours), business_hours=business)


PRESETS: dict[str, SourcingPolicy] = {
    policy.code: policy
    for policy in (
        SourcingPolicy(
            "liverpool",
            "Preferred providers by locality, then approved providers",
            (
                Stage(
                    Audience(frozenset({Tier.PREFERRED})),
                    Method.ALL_AT_ONCE,
                    _hours(5, business=True),
                ),
                Stage(
                    Audience(frozenset({Tier.APPROVED})),
                    Method.ALL_AT_ONCE,
                    _hours(24, business=False),
                    Otherwise.WAITING_LIST,
                ),
            ),
            source="LCR workshop, June 2019: preferred providers have 5 hours to accept before"
            " the package is advertised to approved providers",
        ),
        SourcingPolicy(
            "st-helens",
            "A mini-competition for each package among the approved list",
            (
                Stage(
                    Audience(frozenset({Tier.APPROVED})),
                    Method.MINI_COMPETITION,
                    _hours(8, business=True),
                    Otherwise.WAITING_LIST,
                    Scoring(
                        (
                            (Criterion.PRICE, 40),
                            (Criterion.EARLIEST_START, 40),
                            (Criterion.QUALITY, 20),
                        )
                    ),
                ),
            ),
            source="LCR workshop, June 2019: an approved list with a mini competition for each"
            " individual package",
        ),
        SourcingPolicy(
            "leicestershire",
            "The lot's lead provider first, then supplementary providers",
            (
                Stage(Audience(frozenset({Tier.LEAD})), Method.CAB_RANK, _hours(4, business=True)),
                Stage(
                    Audience(frozenset({Tier.SUPPLEMENTARY})),
                    Method.ALL_AT_ONCE,
                    _hours(24, business=False),
                    Otherwise.WAITING_LIST,
                ),
            ),
            source="Leicestershire scrutiny committee, September 2018: lead providers per lot,"
            " supported by supplementary providers",
        ),
        SourcingPolicy(
            "herefordshire",
            "The providers of the package's lot: a complex lot (D) or a zone (O)",
            (
                Stage(
                    Audience(),
                    Method.ALL_AT_ONCE,
                    _hours(8, business=True),
                    Otherwise.WAITING_LIST,
                ),
            ),
            source="Herefordshire cabinet, November 2016: D pathway lots north and south, O"
            " pathway zones A-E with one to three providers each",
            notes=("Which lot follows from the package's zone, service and pathway.",),
        ),
        SourcingPolicy(
            "halton",
            "The single provider (which may place the package with a subcontractor)",
            (Stage(Audience(frozenset({Tier.LEAD})), Method.DIRECT_AWARD),),
            source="LCR workshop, June 2019: a single provider with two subcontracted agencies",
        ),
        SourcingPolicy(
            "wirral",
            "Offered across the top-to-bottom commission; existing caseloads stay put",
            (
                Stage(
                    Audience(),
                    Method.ALL_AT_ONCE,
                    _hours(4, business=True),
                    Otherwise.WAITING_LIST,
                ),
            ),
            source="Wirral joint committee, 2018: existing providers keep their caseload after"
            " the award; new packages go to the commission's providers",
        ),
    )
}


# A policy written as plain data: JSON in the database, TOML or YAML in files.
#
#   code = "liverpool"
#   name = "Preferred providers by locality, then approved providers"
#   [[stages]]
#   tiers = ["preferred"]               # or: provider = "Halton Home Care"; or neither: all
#   method = "all-at-once"              # cab-rank, mini-competition, direct-award
#   window = "5 business hours"         # or "24 hours"; none for a direct award
#   otherwise = "next-stage"            # or "waiting-list" (the last stage's)
#   scoring = {price = 40, earliest-start = 40, quality = 20}   # a mini-competition's

_WINDOW = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(business\s+)?hours?\s*$", re.IGNORECASE)


def policy_to_data(policy: SourcingPolicy) -> dict[str, Any]:
    return {
        "code": policy.code,
        "name": policy.name,
        "source": policy.source,
        "notes": list(policy.notes),
        "reduction_limit": str(policy.reduction_limit),
        "stages": [_stage_to_data(stage) for stage in policy.stages],
    }


def policy_from_data(data: Mapping[str, Any]) -> SourcingPolicy:
    """A policy from plain data; InvalidPolicy says what is wrong with it."""
    try:
        stages = tuple(
            _stage_from_data(n, stage) for n, stage in enumerate(data["stages"], start=1)
        )
        return SourcingPolicy(
            code=str(data["code"]),
            name=str(data.get("name") or data["code"]),
            stages=stages,
            source=str(data.get("source", "")),
            notes=tuple(str(n) for n in data.get("notes", ())),
            reduction_limit=Decimal(str(data.get("reduction_limit", 20))),
        )
    except KeyError as missing:
        raise InvalidPolicy(f"a sourcing policy needs {missing.args[0]!r}") from None
    except (TypeError, AttributeError, ArithmeticError) as error:
        raise InvalidPolicy(f"a sourcing policy is not written as expected: {error}") from None


def _stage_to_data(stage: Stage) -> dict[str, Any]:
    data: dict[str, Any] = {"method": stage.method.value, "otherwise": stage.otherwise.value}
    if stage.asks.provider is not None:
        data["provider"] = stage.asks.provider
    else:
        data["tiers"] = sorted(t.value for t in stage.asks.tiers)
    if stage.window is not None:
        data["window"] = stage.window.describe()
    if stage.scoring is not None:
        data["scoring"] = {criterion.value: weight for criterion, weight in stage.scoring.weights}
    return data


def _stage_from_data(number: int, data: Mapping[str, Any]) -> Stage:
    where = f"stage {number}"
    try:
        tiers = frozenset(Tier(t) for t in data.get("tiers", ()))
        method = Method(data["method"])
        otherwise = Otherwise(data.get("otherwise", Otherwise.NEXT_STAGE.value))
        scoring = None
        if "scoring" in data:
            scoring = Scoring(
                tuple((Criterion(c), int(w)) for c, w in dict(data["scoring"]).items())
            )
    except ValueError as error:
        raise InvalidPolicy(f"{where}: {error}") from None
    window = None
    if data.get("window"):
        match = _WINDOW.match(str(data["window"]))
        if match is None:
            raise InvalidPolicy(
                f"{where}: window {data['window']!r} is not like '5 business hours' or '24 hours'"
            )
        window = Window(Decimal(match.group(1)), business_hours=bool(match.group(2)))
    provider = data.get("provider")
    return Stage(Audience(tiers, provider), method, window, otherwise, scoring)


TIER_RANK = (Tier.LEAD, Tier.PREFERRED, Tier.APPROVED, Tier.SUPPLEMENTARY, Tier.SUBCONTRACTOR)


def covering_lots(
    lots: Iterable[Lot], zone: Zone, service: ServiceType, pathway: str | None
) -> list[Lot]:
    return [lot for lot in lots if lot.covers(zone, service, pathway)]


def candidates_for(lots: Iterable[Lot]) -> tuple[Candidate, ...]:
    """Everyone who may be asked for a package: the active members of its covering lots, in
    rank order (first refusal first, then by when they joined the lot)."""
    ranked = []
    for lot in lots:
        for position, membership in enumerate(lot.members):
            if membership.provider.status is not ProviderStatus.ACTIVE:
                continue
            rank = (TIER_RANK.index(membership.tier), position)
            ranked.append((rank, Candidate.of(membership, lot.code)))
    return tuple(candidate for _, candidate in sorted(ranked, key=lambda pair: pair[0]))
