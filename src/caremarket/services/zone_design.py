"""Zone design: a study of an area's demand by ward, and zone maps proposed and compared.

A study holds what every design of an area shares: its wards and their neighbours, demand by
ward (from packages), and the travel legs between wards. ``compare`` proposes a map for each k
with the designer and the k-means baseline, with each zone's metrics, side by side.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from caremarket.demo.places import read_postcodes
from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import AuditEntry, entry
from caremarket.domain.cost_of_care import CostInputs
from caremarket.domain.errors import DomainError
from caremarket.domain.market import Commissioner, ServiceType, Zone, ZoneMap
from caremarket.domain.packages import CarePackage
from caremarket.domain.postcodes import parse_postcode
from caremarket.domain.rates import RateCard
from caremarket.domain.travel import Point, StraightLineTravel, TravelAssumptions
from caremarket.domain.zone_designs import ZoneDesign, sectors_of
from caremarket.domain.zone_metrics import AreaDemand, ZoneMetrics, zone_metrics
from caremarket.optimise.demand import WardDemand, ward_demand, ward_legs
from caremarket.optimise.zone_design import (
    Design,
    DesignOptions,
    DesignProblem,
    design,
    kmeans,
)
from caremarket.reports.costing import card_in_force
from caremarket.services.ports import TravelTimes, UnitOfWork
from caremarket.wards import Wards, is_contiguous, read_wards

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class UnknownWard(DomainError):
    """A ward code that is not one of the area's wards."""


@dataclass(frozen=True)
class Area:
    """A demo area's shipped data: its postcodes and its ward boundaries."""

    name: str
    postcodes: str
    wards: str


AREAS = {
    "herefordshire": Area(
        "herefordshire", "postcodes_herefordshire.csv.gz", "wards_2025_herefordshire.geojson"
    ),
    "leicestershire": Area(
        "leicestershire",
        "postcodes_leicester_leicestershire_rutland.csv.gz",
        "wards_2025_leicester_leicestershire_rutland.geojson",
    ),
    "liverpool-city-region": Area(
        "liverpool-city-region",
        "postcodes_liverpool_city_region.csv.gz",
        "wards_2025_liverpool_city_region.geojson",
    ),
}


@dataclass(frozen=True)
class ZoneStudy:
    area: str
    on: date
    wards: Wards
    found: WardDemand
    problem: DesignProblem
    estimate: StraightLineTravel

    def metrics(
        self,
        zones: Mapping[str, Sequence[str]],
        *,
        viability_hours: int = 700,
        cost_inputs: CostInputs | None = None,
    ) -> list[ZoneMetrics]:
        return zone_metrics(
            zones,
            self.found.demand,
            self.problem.legs,
            viability_hours=viability_hours,
            cost_inputs=cost_inputs,
        )


@dataclass(frozen=True)
class MapOption:
    """One proposed map with its zones' metrics and what a committee compares at a glance."""

    design: Design
    zones: list[ZoneMetrics]
    contiguous: bool
    viable: bool  # every zone holds at least one provider at the threshold

    @property
    def travel_hours_per_week(self) -> Decimal:
        return sum((z.travel_hours_per_week for z in self.zones), Decimal(0))

    @property
    def hours_spread(self) -> tuple[Decimal, Decimal]:
        hours = [z.weekly_hours for z in self.zones]
        return min(hours), max(hours)


def study(
    area_name: str,
    packages: Iterable[CarePackage],
    *,
    cards: Mapping[str, Iterable[RateCard]],
    services: Mapping[str, ServiceType],
    on: date,
    councils: Iterable[str] | None = None,
    travel: TravelTimes | None = None,
    assumptions: TravelAssumptions | None = None,
) -> ZoneStudy:
    """Demand by ward of the packages active on the day (each priced on its commissioner's card
    in force), within the councils' boundary if given (their LAD codes), and travel legs from
    ``travel`` (default: the straight-line estimate)."""
    area = AREAS[area_name]
    rows = read_postcodes(area.postcodes)
    postcodes: dict[str, dict[str, Any]] = {row["postcode"]: row for row in rows}
    wards = read_wards(area.wards)
    if councils is not None:
        wards = wards.within(councils)
    estimate = StraightLineTravel(
        [Point(r["latitude"], r["longitude"]) for r in rows], assumptions or TravelAssumptions()
    )
    packages = [p for p in packages if p.active_on(on)]
    by_commissioner: dict[str, list[CarePackage]] = {}
    for package in packages:
        by_commissioner.setdefault(package.commissioner.code, []).append(package)
    demands = []
    for code, held in by_commissioner.items():
        rates = card_in_force(cards[code], on).rates_on(on)
        demands.append(
            ward_demand(
                held, postcodes=postcodes, wards=wards, rates=rates, services=services, on=on
            )
        )
    found = _merge(demands)
    legs, points = ward_legs(wards, found, postcodes, travel=travel or estimate, estimate=estimate)
    problem = DesignProblem(sorted(wards.wards), wards.neighbours, found.demand, legs, points)
    return ZoneStudy(area_name, on, wards, found, problem, estimate)


def preset_study(name: str, **options: Any) -> ZoneStudy:
    """A study of a demo preset's packages, built in memory (no database needed)."""
    from caremarket.demo import PRESETS

    preset = PRESETS[name]({})
    cards: dict[str, list[RateCard]] = {}
    for card in preset.rate_cards:
        cards.setdefault(card.commissioner.code, []).append(card)
    return study(
        name,
        preset.packages,
        cards=cards,
        services=preset.services,
        on=preset.report_on,
        **options,
    )


def demand_study(
    area_name: str,
    rows: Iterable[Mapping[str, str]],
    *,
    on: date,
    councils: Iterable[str] | None = None,
    travel: TravelTimes | None = None,
    assumptions: TravelAssumptions | None = None,
) -> ZoneStudy:
    """A study of demand given by ward (a CSV's rows: ward_code, clients, weekly_hours,
    visits_per_week and, if known, weekly_cost); a ward's demand sits at its ONS point."""
    area = AREAS[area_name]
    postcode_rows = read_postcodes(area.postcodes)
    postcodes = {row["postcode"]: row for row in postcode_rows}
    wards = read_wards(area.wards)
    if councils is not None:
        wards = wards.within(councils)
    demand = {}
    for row in rows:
        ward = row["ward_code"].strip()
        if ward not in wards.wards:
            raise UnknownWard(f"{ward!r} is not a ward of {area_name}")
        demand[ward] = AreaDemand(
            ward,
            int(row.get("clients") or 0),
            round(Decimal(row["weekly_hours"]) * 60),
            int(row["visits_per_week"]),
            Decimal(row.get("weekly_cost") or 0),
        )
    found = WardDemand(dict(sorted(demand.items())), {}, 0)
    estimate = StraightLineTravel(
        [Point(r["latitude"], r["longitude"]) for r in postcode_rows],
        assumptions or TravelAssumptions(),
    )
    legs, points = ward_legs(wards, found, postcodes, travel=travel or estimate, estimate=estimate)
    problem = DesignProblem(sorted(wards.wards), wards.neighbours, found.demand, legs, points)
    return ZoneStudy(area_name, on, wards, found, problem, estimate)


def compare(
    subject: ZoneStudy,
    ks: Sequence[int],
    options: DesignOptions | None = None,
    *,
    cost_inputs: CostInputs | None = None,
    baseline: bool = True,
) -> list[MapOption]:
    """For each k, the designer's map (and the k-means baseline's), with their metrics."""
    options = options or DesignOptions()
    found = []
    for k in ks:
        designs = [design(subject.problem, k, options)]
        if baseline:
            designs.append(kmeans(subject.problem, k, seed=options.seed))
        for proposed in designs:
            found.append(option_of(subject, proposed, options.viability_hours, cost_inputs))
    return found


def option_of(
    subject: ZoneStudy, proposed: Design, viability_hours: int, cost_inputs: CostInputs | None
) -> MapOption:
    named = named_zones(proposed, subject.problem.points)
    metrics = subject.metrics(named, viability_hours=viability_hours, cost_inputs=cost_inputs)
    return MapOption(
        design=proposed,
        zones=metrics,
        contiguous=all(is_contiguous(z, subject.wards.neighbours) for z in named.values()),
        viable=all(m.viable_providers >= 1 for m in metrics),
    )


def named_zones(proposed: Design, points: Mapping[str, Point]) -> dict[str, tuple[str, ...]]:
    """Zones named A, B, C ... from north to south (by their centre ward's demand point)."""
    centres = sorted(proposed.zones, key=lambda c: (-points[c].latitude, c))
    return {LETTERS[n]: proposed.zones[c] for n, c in enumerate(centres)}


def _merge(demands: list[WardDemand]) -> WardDemand:
    if len(demands) == 1:
        return demands[0]
    demand: dict[str, AreaDemand] = {}
    points: dict[str, list[tuple[Point, int]]] = {}
    for part in demands:
        for ward, d in part.demand.items():
            held = demand.get(ward)
            demand[ward] = (
                d
                if held is None
                else AreaDemand(
                    ward,
                    held.clients + d.clients,
                    held.weekly_minutes + d.weekly_minutes,
                    held.visits_per_week + d.visits_per_week,
                    held.weekly_cost + d.weekly_cost,
                )
            )
        for ward, ps in part.visit_points.items():
            points.setdefault(ward, []).extend(ps)
    return WardDemand(dict(sorted(demand.items())), points, sum(d.unplaced for d in demands))


@functools.cache
def _postcodes_of(area: str) -> frozenset[str]:
    return frozenset(row["postcode"] for row in read_postcodes(AREAS[area].postcodes))


@dataclass(frozen=True)
class CurrentMap:
    """A commissioner's zones as they stand, drawn on wards, with each zone's metrics."""

    study: ZoneStudy
    option: MapOption
    commissioner: str  # the commissioner's name


def current_map(uow: UnitOfWork, *, commissioner: str, on: date) -> CurrentMap | None:
    """The commissioner's zones over the wards of the demo area holding most of its packages'
    postcodes (each ward in the zone covering most of its postcodes), with each zone's metrics
    at the cost-of-care scenario in force; None if no area holds its packages."""
    from caremarket.services.cost_of_care import scenario_of

    scenario = scenario_of(uow, commissioner=commissioner, on=on)
    with uow:
        owner = uow.commissioners.get(commissioner)
        packages = list(uow.packages.active_on(on, commissioner_code=owner.code))
        cards = {owner.code: list(uow.rate_cards.list(commissioner=owner))}
        services = {s.code: s for s in uow.services.list()}
        zones = list(uow.zones.list(commissioner=owner))
        area = _area_of({p.person.postcode for p in packages})
        if area is None or not zones:
            return None
        subject = study(area, packages, cards=cards, services=services, on=on)
        name = owner.name
        by_ward: dict[str, Counter[str]] = {}
        zone_map = ZoneMap(zones)
        for row in read_postcodes(AREAS[area].postcodes):
            zone = zone_map.find(parse_postcode(row["postcode"]))
            if zone is not None and row["ward_code"] in subject.wards.wards:
                by_ward.setdefault(row["ward_code"], Counter())[zone.code] += 1
        drawn: dict[str, list[str]] = {z.code: [] for z in sorted(zones, key=lambda z: z.code)}
        for ward, counts in sorted(by_ward.items()):
            drawn[counts.most_common(1)[0][0]].append(ward)
    metrics = subject.metrics(drawn, cost_inputs=scenario.inputs)
    option = MapOption(
        design=Design(
            len(drawn), {z: tuple(w) for z, w in drawn.items()}, "current", "as set", 0.0, None, 0.0
        ),
        zones=metrics,
        contiguous=all(is_contiguous(w, subject.wards.neighbours) for w in drawn.values() if w),
        viable=all(m.viable_providers >= 1 for m in metrics),
    )
    return CurrentMap(subject, option, name)


def _area_of(postcodes: set[str]) -> str | None:
    best, held = None, 0
    for name in AREAS:
        count = len(postcodes & _postcodes_of(name))
        if count > held:
            best, held = name, count
    return best


ZONE_CHANGES = Actor("caremarket (daily zone changes)", Role.ADMIN)


@dataclass(frozen=True)
class LotDecision:
    """A lot whose zones a design changes (or a zone no lot covers): the commissioner decides
    before the day whether to re-let it, re-point it or leave it."""

    lot: str  # "CODE Name", or "" for a zone no lot covers
    zones: tuple[str, ...]  # the lot's zones the design changes
    why: str


@dataclass(frozen=True)
class Applied:
    design: ZoneDesign
    zones_changed: list[str]  # empty while the design waits for its day
    packages_moved: int
    lots_to_decide: list[LotDecision]

    @property
    def scheduled(self) -> bool:
        return self.design.scheduled


def apply_design(
    uow: UnitOfWork,
    *,
    commissioner: str,
    name: str,
    area: str,
    method: str,
    wards: Mapping[str, Sequence[str]],
    effective_from: date,
    by: Actor,
    now: datetime,
    today: date | None = None,
) -> Applied:
    """Make a design the commissioner's zones from ``effective_from``.

    On or before ``today`` (default: ``now``'s day) the zones change at once; a later day is
    kept and the zones change on that day (``apply_due_designs``, run daily by the server), so
    until then offers, reports and packages see the zones as they are. Either way the lots whose
    zones the design changes are listed for the commissioner to decide (and in the audit).

    Each zone covers the postcode sectors whose postcodes lie mostly in its wards (zones the
    design lacks cover nothing from then on, and zones it adds are created); every package not
    ended before ``effective_from`` moves to the zone its person's postcode falls in. Lots keep
    their zones: re-letting them to the new zones is the commissioner's decision."""
    if area not in AREAS:
        raise UnknownWard(f"no ward boundaries for {area!r}")
    today = today or now.date()
    rows = read_postcodes(AREAS[area].postcodes)
    sectors = sectors_of(
        wards, ((parse_postcode(r["postcode"]).sector, r["ward_code"]) for r in rows)
    )
    with uow:
        owner = uow.commissioners.get(commissioner)
        design = ZoneDesign(
            commissioner=owner,
            name=name,
            area=area,
            method=method,
            wards={z: tuple(w) for z, w in sorted(wards.items())},
            sectors=sectors,
            effective_from=effective_from,
            applied_at=now,
            applied_by=by.name,
        )
        decisions = lots_to_decide(uow, owner, sectors)
        changed: list[str] = []
        moved = 0
        entries = []
        if effective_from <= today:
            changed, moved, entries = _redraw(uow, design, by, now)
            design.redrawn_at = now
        uow.zone_designs.add(design)
        entries.append(
            entry(
                by,
                now,
                "zone design scheduled" if design.scheduled else "zone design applied",
                ("zone design", f"{owner.code}/{name}"),
                {
                    "zones": len(sectors),
                    "effective_from": effective_from.isoformat(),
                    "packages_moved": moved,
                    "method": method,
                    "lots_to_decide": [_decision_text(d) for d in decisions],
                },
            )
        )
        uow.audit.record(*entries)
        uow.commit()
    return Applied(design, changed, moved, decisions)


def decisions_before_applying(
    uow: UnitOfWork, *, commissioner: str, area: str, wards: Mapping[str, Sequence[str]]
) -> list[LotDecision]:
    """The lots a design would leave to decide, without applying it (nothing is written)."""
    if area not in AREAS:
        raise UnknownWard(f"no ward boundaries for {area!r}")
    rows = read_postcodes(AREAS[area].postcodes)
    sectors = sectors_of(
        wards, ((parse_postcode(r["postcode"]).sector, r["ward_code"]) for r in rows)
    )
    with uow:
        return lots_to_decide(uow, uow.commissioners.get(commissioner), sectors)


def scheduled_designs(
    uow: UnitOfWork, *, commissioner: str
) -> list[tuple[ZoneDesign, list[LotDecision]]]:
    """The commissioner's designs waiting for their day, each with the lots left to decide
    (as the zones and lots stand now)."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return [
            (design, lots_to_decide(uow, owner, design.sectors))
            for design in uow.zone_designs.list(owner)
            if design.scheduled
        ]


def apply_due_designs(uow: UnitOfWork, *, today: date, now: datetime, by: Actor) -> list[Applied]:
    """Redraw the zones of every design waiting whose day has come (oldest day first), each
    in its own unit of work, audited."""
    with uow:
        due = uow.zone_designs.due(today)
    done = []
    for code, name in due:
        with uow:
            owner = uow.commissioners.get(code)
            design = next(d for d in uow.zone_designs.list(owner) if d.name == name)
            if not design.due_on(today) or not uow.zone_designs.redrawn(design, now):
                continue  # another process took it
            decisions = lots_to_decide(uow, owner, design.sectors)
            changed, moved, entries = _redraw(uow, design, by, now)
            entries.append(
                entry(
                    by,
                    now,
                    "zone design applied",
                    ("zone design", f"{owner.code}/{name}"),
                    {
                        "zones": len(design.sectors),
                        "effective_from": design.effective_from.isoformat(),
                        "packages_moved": moved,
                        "method": design.method,
                        "lots_to_decide": [_decision_text(d) for d in decisions],
                    },
                    reason="its day came",
                )
            )
            uow.audit.record(*entries)
            uow.commit()
        done.append(Applied(design, changed, moved, decisions))
    return done


def lots_to_decide(
    uow: UnitOfWork, owner: Commissioner, sectors: Mapping[str, Sequence[str]]
) -> list[LotDecision]:
    """The commissioner's lots with a zone the design redraws or empties, then the design's
    zones that no lot covers (packages there would find no lot to be offered in)."""
    existing = {z.code: z for z in uow.zones.list(commissioner=owner)}
    found = []
    covered = set()
    for lot in uow.vehicles.lots_for(owner, members=False):
        codes = {z.code for z in lot.zones if z.commissioner.code == owner.code}
        covered |= codes
        emptied = sorted(c for c in codes if c not in sectors and existing[c].areas)
        redrawn = sorted(
            c for c in codes if c in sectors and tuple(existing[c].areas) != tuple(sectors[c])
        )
        if emptied:
            found.append(
                LotDecision(
                    f"{lot.code} {lot.name}",
                    tuple(emptied),
                    f"zone {', '.join(emptied)} will cover nothing",
                )
            )
        elif redrawn:
            found.append(
                LotDecision(
                    f"{lot.code} {lot.name}", tuple(redrawn), f"zone {', '.join(redrawn)} redrawn"
                )
            )
    for code in sorted(set(sectors) - covered):
        found.append(LotDecision("", (code,), f"zone {code} is in no lot"))
    return found


def _decision_text(decision: LotDecision) -> str:
    return f"{decision.lot}: {decision.why}" if decision.lot else decision.why


def _redraw(
    uow: UnitOfWork, design: ZoneDesign, by: Actor, now: datetime
) -> tuple[list[str], int, list[AuditEntry]]:
    """Redraw the commissioner's zones to the design and re-zone its packages (within ``uow``):
    (zones changed, packages moved, the audit entries)."""
    owner = design.commissioner
    sectors = design.sectors
    existing = {z.code: z for z in uow.zones.list(commissioner=owner)}
    entries = []
    changed = []
    for code in sorted(set(existing) | set(sectors)):
        new_areas = tuple(sectors.get(code, ()))
        zone = existing.get(code)
        if zone is None:
            zone = Zone(owner, code, f"Zone {code}", new_areas)
            uow.zones.add(zone)
            existing[code] = zone
        elif tuple(zone.areas) == new_areas:
            continue
        before = tuple(zone.areas) if zone.id is not None else ()
        zone.areas = new_areas
        changed.append(code)
        entries.append(
            entry(
                by,
                now,
                "zone redrawn",
                ("zone", f"{owner.code}/{code}"),
                {"areas": [list(before), list(new_areas)]},
                reason=f"zone design {design.name}",
            )
        )
    zone_map = ZoneMap(existing.values())
    moved = 0
    for package in uow.packages.list(commissioner=owner):
        if package.end_on is not None and package.end_on < design.effective_from:
            continue
        zone = zone_map.find(parse_postcode(package.person.postcode))
        if zone is None or zone is package.zone:
            continue
        entries.append(
            entry(
                by,
                now,
                "package re-zoned",
                ("package", package.reference),
                {"zone": [package.zone.code, zone.code]},
                reason=f"zone design {design.name}",
            )
        )
        package.zone = zone
        moved += 1
    return changed, moved, entries
