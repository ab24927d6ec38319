"""Turning checked rate rows into rate card lines, against what the database holds."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.domain.market import Commissioner, ServiceType, Zone
from caremarket.domain.rates import RateCard, RateLine
from caremarket.imports.problems import Problems
from caremarket.imports.rates import RateRow
from caremarket.services.lookups import Lookup
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class NewRate:
    card: RateCard  # recorded already, or new with this file
    line: RateLine
    row: RateRow


def build_rates(uow: UnitOfWork, rows: list[RateRow], problems: Problems) -> list[NewRate]:
    """A line for each row that passes; a card not yet recorded is made once, unrecorded."""
    commissioners = Lookup(uow.commissioners.find, "commissioner", problems)
    services: dict[str, ServiceType] = {s.code: s for s in uow.services.list()}
    service = Lookup(services.get, "service", problems)
    cards: dict[tuple[str, str], RateCard] = {}
    zones: dict[str, dict[str, Zone]] = {}
    new = []
    for row in rows:
        before = len(problems)
        owner = commissioners(row.line, "commissioner", row.commissioner)
        priced = service(row.line, "service", row.service)
        zone = _zone(uow, zones, owner, row, problems) if owner and row.zone else None
        if len(problems) > before or owner is None or priced is None:
            continue
        key = (owner.code, row.card)
        if key not in cards:
            cards[key] = uow.rate_cards.find(owner, row.card) or RateCard(owner, row.card)
        card = cards[key]
        if _recorded(card, priced, zone, row):
            problems.add(row.line, "service", row.describe(), "this rate is already recorded")
            continue
        line = RateLine(priced, row.amount, row.effective_from, basis=row.basis, zone=zone)
        new.append(NewRate(card, line, row))
    return new


def add_rates(uow: UnitOfWork, rates: list[NewRate]) -> None:
    """Put the lines on their cards; record the cards that are new."""
    fresh: dict[int, RateCard] = {}
    for rate in rates:
        rate.card.lines.append(rate.line)
        if rate.card.id is None:
            fresh[id(rate.card)] = rate.card
    uow.rate_cards.add_all(fresh.values())


def _zone(
    uow: UnitOfWork,
    zones: dict[str, dict[str, Zone]],
    owner: Commissioner,
    row: RateRow,
    problems: Problems,
) -> Zone | None:
    if owner.code not in zones:
        zones[owner.code] = {z.code: z for z in uow.zones.list(commissioner=owner)}
    zone = zones[owner.code].get(row.zone or "")
    if zone is None:
        problems.add(
            row.line,
            "zone",
            row.zone or "",
            f"there is no zone {row.zone} of commissioner {owner.code}",
        )
    return zone


def _recorded(card: RateCard, service: ServiceType, zone: Zone | None, row: RateRow) -> bool:
    return any(
        line.service is service and line.zone is zone and line.effective_from == row.effective_from
        for line in card.lines
    )
