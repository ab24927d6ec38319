"""Concentration: how much of the market the largest providers hold.

The basis is weekly hours of the packages active on the day, with their provider. A
provider's share is its hours as a percentage of the scope's hours; the top-10 share adds
the ten largest shares; the Herfindahl–Hirschman index (HHI) adds the squares of every
provider's share in per cent, so it runs from near 0 (many small providers) to 10,000 (one
provider). A row per scope: the commissioner's own packages, and each shared (regional)
vehicle it is on, across all the vehicle's commissioners' packages in the vehicle's lots.
In the Liverpool City Region the top 10 providers hold 59% of the market.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.reports.tables import Column, Measure, Row, Table

TOP = 10
BASIS = (
    "Basis: weekly hours of the packages active on the day, with their provider. The"
    " Herfindahl–Hirschman index adds the squares of every provider's share in per cent"
    " (0 to 10,000)."
)
COLUMNS = (
    Column("Scope"),
    Column("Providers", Measure.COUNT),
    Column("Hours a week", Measure.HOURS),
    Column("Top-10 hours a week", Measure.HOURS),
    Column("Top-10 share", Measure.PERCENT),
    Column("HHI", Measure.INDEX),
)


@dataclass(frozen=True)
class ProviderShare:
    provider: str
    minutes: int  # weekly
    share: Decimal  # per cent of the scope's hours, exact


def shares(minutes_by_provider: Iterable[tuple[str, int]]) -> list[ProviderShare]:
    """Each provider's weekly minutes and share, largest first (then by name)."""
    minutes: Counter[str] = Counter()
    for provider, weekly in minutes_by_provider:
        minutes[provider] += weekly
    total = sum(minutes.values())
    ordered = sorted(minutes.items(), key=lambda item: (-item[1], item[0]))
    return [
        ProviderShare(name, weekly, Decimal(weekly * 100) / total if total else Decimal(0))
        for name, weekly in ordered
    ]


def hhi(provider_shares: Iterable[ProviderShare]) -> Decimal:
    return sum((s.share * s.share for s in provider_shares), Decimal(0))


def concentration(
    scopes: Mapping[str, Iterable[tuple[str, int]]], *, commissioner: str, on: date
) -> Table:
    """A row per scope (in the order given) from its (provider, weekly minutes) pairs."""
    rows = []
    for scope, pairs in scopes.items():
        ranked = shares(pairs)
        top = ranked[:TOP]
        rows.append(
            Row(
                (
                    scope,
                    len(ranked),
                    Decimal(sum(s.minutes for s in ranked)) / 60,
                    Decimal(sum(s.minutes for s in top)) / 60,
                    sum((s.share for s in top), Decimal(0)),
                    hhi(ranked),
                )
            )
        )
    return Table(
        title="Concentration",
        commissioner=commissioner,
        on=on,
        columns=COLUMNS,
        rows=tuple(rows),
        notes=(BASIS,),
    )
