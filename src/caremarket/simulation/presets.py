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
