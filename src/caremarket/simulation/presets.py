"""A simulation market from a demo preset (caremarket/demo): its zones, lots and providers as
`caremarket demo` loads them, each provider's capacity in each zone from the caseload it
holds there (plus headroom), and demand in steady state with that caseload: each zone asks
for packages like those it has, at the rate that keeps its caseload level (caseload ÷ mean
length)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time
from decimal import Decimal

from caremarket.demo import PRESETS as DEMO_PRESETS
from caremarket.domain.calendar import LONDON
from caremarket.domain.errors import NotFound
from caremarket.domain.rates import NoRate, RateBasis
from caremarket.simulation.market import Behaviour, Demand, Market, ProviderSpec, Template


def market_from_preset(
    name: str,
    *,
    commissioner: str | None = None,
    headroom: Decimal = Decimal(5),
    mean_weeks: float = 26.0,
    cost_share: Decimal = Decimal("0.95"),
    demand: dict[str, object] | None = None,
    behaviour: Behaviour | None = None,
) -> Market:
    """`headroom`: capacity above the caseload, in percent; `cost_share`: what an hour costs
    providers, as a share of the mean hourly rate."""
    if name not in DEMO_PRESETS:
        raise NotFound(f"there is no demo preset {name!r}: one of {', '.join(DEMO_PRESETS)}")
    preset = DEMO_PRESETS[name]({})
    council = next((c for c in preset.commissioners if commissioner in (None, c.code)), None)
    if council is None:
        raise NotFound(f"the {name} preset has no commissioner {commissioner!r}")
    zones = {z.code: z for z in preset.zones if z.commissioner is council}
    lots = [lot for v in preset.vehicles if council in v.commissioners for lot in v.lots]
    caseload = []
    used: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    templates: dict[str, list[Template]] = defaultdict(list)
    for package in preset.packages:
        if package.commissioner is not council or package.provider is None:
            continue
        template = Template(package.service.code, package.pathway, package.weekly_minutes)
        caseload.append((template, package.zone.code, package.provider.name))
        used[package.provider.name][package.zone.code] += template.minutes
        templates[package.zone.code].append(template)
    rates = {}
    on = preset.report_on
    for card in preset.rate_cards:
        for service in preset.services.values():
            for zone in zones.values():
                try:
                    line = card.rate_for(service, zone, on)
                except NoRate:
                    continue
                if line.basis is RateBasis.PER_HOUR:
                    rates[(service.code, zone.code)] = line.amount
    mean_rate = sum(rates.values(), Decimal(0)) / len(rates) if rates else Decimal(18)
    cost = (mean_rate * cost_share).quantize(Decimal("0.01"))
    share = 1 + headroom / 100
    members = {m.provider.name for lot in lots for m in lot.members}
    providers = {
        name: ProviderSpec(
            name,
            {zone: int(minutes * share) for zone, minutes in used.get(name, {}).items()},
            cost,
        )
        for name in sorted(members)
    }
    arrivals = {zone: len(found) / mean_weeks for zone, found in templates.items()}
    return Market(
        name=f"{name}: {council.name}",
        starts_at=datetime.combine(on, time(0), tzinfo=LONDON),
        zones=zones,
        services=dict(preset.services),
        lots=lots,
        providers=providers,
        rates=rates,
        caseload=caseload,
        demand=Demand(arrivals, dict(templates), mean_weeks=mean_weeks, **(demand or {})),  # type: ignore[arg-type]
        behaviour=behaviour or Behaviour(),
    )


COUNTY_SIZES = (210, 315, 420, 525, 630, 840, 1050, 1680)  # minutes a week: 3.5 to 28 hours


def county(
    *,
    people: int = 2000,
    providers: int = 30,
    zones: int = 10,
    seed: int = 1,
    headroom: Decimal = Decimal(5),
    mean_weeks: float = 26.0,
    rate: Decimal = Decimal("20.50"),
    behaviour: Behaviour | None = None,
) -> Market:
    """A made-up county (seeded): `zones` zones, each one lot of three to five of the
    `providers` (a provider works in one to three zones; each lot's first member is
    preferred, the others approved), and `people` people in care, each with a package of
    3.5 to 28 hours a week with a provider of their zone's lot. Capacity is each provider's
    caseload in each zone plus `headroom` percent."""
    import random

    from caremarket.domain.market import Commissioner, Lot, Provider, ServiceType, Tier, Zone

    rng = random.Random(seed)
    council = Commissioner("CTY", "A County Council")
    service = ServiceType("PC", "Personal care")
    zone_list = [Zone(council, f"Z{n:02d}", f"Zone {n}") for n in range(1, zones + 1)]
    names = [f"Provider {n:02d} Care" for n in range(1, providers + 1)]
    lots = []
    for n, zone in enumerate(zone_list):
        lot = Lot(f"L{n + 1:02d}", f"Lot {zone.name}", zones=[zone])
        # Each provider is in at least one lot: providers go round the zones in turn.
        chosen = {names[(n * 3 + k) % providers] for k in range(3)}
        chosen |= set(rng.sample(names, rng.randint(0, 2)))
        for position, name in enumerate(sorted(chosen, key=names.index)):
            lot.admit(Provider(name), Tier.PREFERRED if position == 0 else Tier.APPROVED)
        lots.append(lot)
    templates: dict[str, list[Template]] = defaultdict(list)
    caseload = []
    used: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _ in range(people):
        lot = rng.choice(lots)
        zone = lot.zones[0].code
        template = Template("PC", None, rng.choice(COUNTY_SIZES))
        provider = rng.choice(lot.members).provider.name
        caseload.append((template, zone, provider))
        templates[zone].append(template)
        used[provider][zone] += template.minutes
    share = 1 + headroom / 100
    cost = (rate * Decimal("0.95")).quantize(Decimal("0.01"))
    specs = {
        name: ProviderSpec(name, {z: int(m * share) for z, m in used[name].items()}, cost)
        for name in names
    }
    return Market(
        name=f"a county of {people:,} people and {providers} providers",
        starts_at=datetime(2026, 4, 6, tzinfo=LONDON),
        zones={z.code: z for z in zone_list},
        services={"PC": service},
        lots=lots,
        providers=specs,
        rates={("PC", z.code): rate for z in zone_list},
        caseload=caseload,
        demand=Demand(
            {z: len(t) / mean_weeks for z, t in templates.items()},
            dict(templates),
            mean_weeks=mean_weeks,
        ),
        behaviour=behaviour
        or Behaviour(
            difficulty={z.code: rng.choice((0.0, 0.2, 0.4, 0.6)) for z in zone_list},
            recruitment_hours=2,
            attrition_share=0.004,
        ),
    )
