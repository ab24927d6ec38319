"""A simulation market calibrated from the live database: the commissioner's lots and
providers as they stand, the caseload in place on a day, and what its history says about
demand and behaviour over the weeks before it: requests a week in each zone and their sizes,
how often providers accepted the offers they answered, how often packages were handed back.
Read in one unit of work; nothing is written. The market is plain domain objects, free of
the database, ready for `simulation.run`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from caremarket.domain.calendar import LONDON
from caremarket.domain.market import Commissioner, Lot, Membership, Provider, ServiceType, Zone
from caremarket.domain.packages import PackageStatus
from caremarket.domain.rates import NoRate, RateBasis
from caremarket.domain.sourcing import Outcome
from caremarket.services.ports import UnitOfWork
from caremarket.simulation.market import Behaviour, Demand, Market, ProviderSpec, Template


def calibrate_market(
    uow: UnitOfWork,
    commissioner: str,
    *,
    on: date,
    weeks: int = 52,
    headroom: Decimal = Decimal(5),
    cost_share: Decimal = Decimal("0.95"),
    behaviour: Behaviour | None = None,
    demand: dict[str, float] | None = None,
) -> Market:
    """The commissioner's market on `on`, its rates of demand and behaviour measured over
    the `weeks` before. Where the history is silent (no request, offer or hand-back in the
    weeks), the given `behaviour` (or the defaults) stands."""
    since = on - timedelta(weeks=weeks)
    with uow:
        council = uow.commissioners.get(commissioner)
        copy = Commissioner(council.code, council.name)
        zones: dict[str, Zone] = {}
        services: dict[str, ServiceType] = {}
        providers: dict[str, Provider] = {}

        live: dict[tuple[str, str], object] = {}  # the database's own, for the rate cards

        def zone_of(zone: Zone) -> Zone:
            live[("zone", zone.code)] = zone
            return zones.setdefault(zone.code, Zone(copy, zone.code, zone.name))

        def service_of(service: ServiceType) -> ServiceType:
            live[("service", service.code)] = service
            return services.setdefault(
                service.code, ServiceType(service.code, service.name, service.kind)
            )

        def provider_of(provider: Provider) -> Provider:
            return providers.setdefault(
                provider.name,
                Provider(provider.name, cqc_rating=provider.cqc_rating, status=provider.status),
            )

        lots = []
        for lot in uow.vehicles.lots_for(council):
            lots.append(
                Lot(
                    lot.code,
                    lot.name,
                    zones=[zone_of(z) for z in lot.zones],
                    services=[service_of(s) for s in lot.services],
                    pathway=lot.pathway,
                    members=[
                        Membership(
                            provider_of(m.provider),
                            m.tier,
                            lead=provider_of(m.lead) if m.lead else None,
                        )
                        for m in lot.members
                    ],
                )
            )
        caseload = []
        used: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for package in uow.packages.active_on(on, commissioner_code=council.code):
            if package.provider is None:
                continue
            template = Template(
                service_of(package.service).code, package.pathway, package.weekly_minutes
            )
            zone = zone_of(package.zone).code
            caseload.append((template, zone, provider_of(package.provider).name))
            used[package.provider.name][zone] += template.minutes
        requested: dict[str, list[Template]] = defaultdict(list)
        answered = accepted = 0
        for package in uow.packages.list(commissioner=council):
            if not since <= package.start_on <= on or package.status is PackageStatus.REQUESTED:
                continue
            template = Template(
                service_of(package.service).code, package.pathway, package.weekly_minutes
            )
            requested[zone_of(package.zone).code].append(template)
            for sourcing in uow.sourcings.rounds(package):
                for offer in sourcing.state.offers:
                    if offer.outcome in (Outcome.ACCEPTED, Outcome.DECLINED, Outcome.EXPIRED):
                        answered += 1
                        accepted += offer.outcome is Outcome.ACCEPTED
        start = datetime.combine(since, time(0), tzinfo=LONDON)
        end = datetime.combine(on, time(0), tzinfo=LONDON)
        hand_backs = sum(
            1
            for h in uow.hand_backs.list()
            if h.package.commissioner is council and start <= h.given_at < end
        )
        rates = {}
        for card in uow.rate_cards.list(commissioner=council):
            for service_code in services:
                for zone_code in zones:
                    try:
                        line = card.rate_for(
                            live[("service", service_code)],  # type: ignore[arg-type]
                            live[("zone", zone_code)],  # type: ignore[arg-type]
                            on,
                        )
                    except (NoRate, KeyError):
                        continue
                    if line.basis is RateBasis.PER_HOUR:
                        rates[(service_code, zone_code)] = line.amount
    templates = {z: list(found) for z, found in requested.items()}
    for template, zone, _ in caseload:  # a zone with no recent request asks for what it has
        if zone not in requested:
            templates.setdefault(zone, []).append(template)
    arrivals = {z: len(requested.get(z, ())) / weeks for z in templates}
    total = sum(arrivals.values())
    mean_weeks = len(caseload) / total if total else 26.0  # Little's law: caseload ÷ arrivals
    chosen = behaviour or Behaviour()
    if answered:
        chosen = replace(chosen, accept=accepted / answered)
    if caseload:
        chosen = replace(chosen, hand_backs_per_year=hand_backs / len(caseload) * 52 / weeks)
    mean_rate = sum(rates.values(), Decimal(0)) / len(rates) if rates else Decimal(18)
    cost = (mean_rate * cost_share).quantize(Decimal("0.01"))
    share = 1 + headroom / 100
    specs = {
        name: ProviderSpec(name, {z: int(m * share) for z, m in used.get(name, {}).items()}, cost)
        for name in sorted(providers)
    }
    return Market(
        name=f"{copy.code} {copy.name}, calibrated on {on:%d %B %Y} from {weeks} weeks",
        starts_at=end,
        zones=zones,
        services=services,
        lots=lots,
        providers=specs,
        rates=rates,
        caseload=caseload,
        demand=Demand(arrivals, templates, mean_weeks=mean_weeks, **(demand or {})),  # type: ignore[arg-type]
        behaviour=chosen,
    )
