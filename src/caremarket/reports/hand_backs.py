"""Hand-backs and provider exits, by provider and reason.

A hand-back is a provider giving a package back (with notice), by the reason it gave; an
exit is a contract that ended early in the period (a provider removed, a contract
terminated), with the reason recorded. A row per provider with either, by name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from caremarket.reports.tables import Column, Measure, Row, Table


@dataclass(frozen=True)
class GivenBack:
    provider: str
    package: str
    reason: str
    given_on: date


@dataclass(frozen=True)
class Exit:
    provider: str
    contract: str
    ended_on: date
    reason: str


def hand_backs_and_exits(
    given_back: Iterable[GivenBack],
    exits: Iterable[Exit],
    *,
    reasons: Sequence[str],
    commissioner: str,
    since: date,
    on: date,
) -> Table:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    ended: dict[str, list[Exit]] = defaultdict(list)
    for hand_back in given_back:
        if since <= hand_back.given_on <= on:
            counts[hand_back.provider][hand_back.reason] += 1
    for exit_ in exits:
        if since <= exit_.ended_on <= on:
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
            *(
                f"{e.provider}: contract {e.contract} ended on {e.ended_on.isoformat()}"
                f" ({e.reason or 'no reason recorded'})."
                for p in providers
                for e in sorted(ended[p], key=lambda x: x.ended_on)
            ),
        ),
    )
