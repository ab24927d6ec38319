"""Hand-backs and provider exits, by provider and reason.

A hand-back is a provider giving a package back (with notice), by the reason it gave; an
exit is a contract that ended early in the period (a provider removed, a contract
terminated), with the reason recorded. A row per provider with either, by name.

A drill-down narrows the hand-backs to a zone, a provider, a reason and a week (exits to
the provider and week: a contract has no zone or reason of these), and
``handed_back_packages`` lists the packages behind the figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from caremarket.reports.tables import Column, Measure, Row, Table


@dataclass(frozen=True)
class GivenBack:
    provider: str
    package: str
    reason: str
    given_on: date
    zone: str = ""  # the package's zone code


@dataclass(frozen=True)
class Exit:
    provider: str
    contract: str
    ended_on: date
    reason: str


@dataclass(frozen=True)
class Filters:
    """A drill-down: only these (None: any)."""

    zone: str | None = None
    provider: str | None = None
    reason: str | None = None
    week: date | None = None  # a Monday

    def keeps(self, given: GivenBack, since: date, on: date) -> bool:
        return (
            self.in_period(given.given_on, since, on)
            and (self.zone is None or given.zone == self.zone)
            and (self.provider is None or given.provider == self.provider)
            and (self.reason is None or given.reason == self.reason)
        )

    def keeps_exit(self, exit_: Exit, since: date, on: date) -> bool:
        return (
            self.in_period(exit_.ended_on, since, on)
            and self.zone is None
            and self.reason is None
            and (self.provider is None or exit_.provider == self.provider)
        )

    def in_period(self, day: date, since: date, on: date) -> bool:
        in_week = self.week is None or self.week <= day <= self.week + timedelta(days=6)
        return since <= day <= on and in_week

    def described(self) -> str:
        said = [
            *([f"zone {self.zone}"] if self.zone else []),
            *([f"provider {self.provider}"] if self.provider else []),
            *([f"the reason {self.reason}"] if self.reason else []),
            *([f"the week beginning {self.week.isoformat()}"] if self.week else []),
        ]
        return f"Only {', '.join(said)}." if said else ""


def hand_backs_and_exits(
    given_back: Iterable[GivenBack],
    exits: Iterable[Exit],
    *,
    reasons: Sequence[str],
    commissioner: str,
    since: date,
    on: date,
    filters: Filters = Filters(),
) -> Table:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    ended: dict[str, list[Exit]] = defaultdict(list)
    for hand_back in given_back:
        if filters.keeps(hand_back, since, on):
            counts[hand_back.provider][hand_back.reason] += 1
    for exit_ in exits:
        if filters.keeps_exit(exit_, since, on):
            ended[exit_.provider].append(exit_)
    providers = sorted(set(counts) | set(ended))
    total: Counter[str] = sum(counts.values(), Counter())

    def cells(name: str, tally: Counter[str], exits_: int) -> tuple[object, ...]:
        return (name, sum(tally.values()), *(tally[r] for r in reasons), exits_)

    return Table(
        title="Hand-backs and provider exits",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("Provider"),
            Column("Hand-backs", Measure.COUNT),
            *(Column(f"Hand-backs: {r}", Measure.COUNT) for r in reasons),
            Column("Contracts ended", Measure.COUNT),
        ),
        rows=tuple(Row(cells(p, counts[p], len(ended[p]))) for p in providers),
        totals=Row(cells("Total", total, sum(len(e) for e in ended.values()))),
        notes=(
            "Basis: hand-backs given, and contracts ended early, in the period.",
            *([filters.described()] if filters.described() else []),
            *(
                f"{e.provider}: contract {e.contract} ended on {e.ended_on.isoformat()}"
                f" ({e.reason or 'no reason recorded'})."
                for p in providers
                for e in sorted(ended[p], key=lambda x: x.ended_on)
            ),
        ),
    )


def handed_back_packages(
    given_back: Iterable[GivenBack],
    *,
    commissioner: str,
    since: date,
    on: date,
    filters: Filters = Filters(),
) -> Table:
    """The packages behind the figure: each hand-back in the period (and the drill-down)."""
    kept = sorted(
        (g for g in given_back if filters.keeps(g, since, on)),
        key=lambda g: (g.given_on, g.package),
    )
    return Table(
        title="Hand-backs: the packages",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("Package"),
            Column("Zone"),
            Column("Provider"),
            Column("Reason"),
            Column("Given back on"),
        ),
        rows=tuple(
            Row((g.package, g.zone, g.provider, g.reason, g.given_on.isoformat())) for g in kept
        ),
        notes=tuple(x for x in (filters.described(),) if x),
    )
