"""Herefordshire Council's home care market, 2017/18, as its consultation papers describe it.

The O pathway in five zones, A and B in the north and C, D and E in the south, each a lot
of one to three providers; the D pathway (28 hours a week and more, and all 24-hour care) in
two lots, "Complex A & B" (north) and "Complex C,D,E" (south). £15.80 an hour for visits,
£12.80 for 24-hour care and sleep-in nights. People and packages are drawn at random and
fitted so the zone demand report gives the published figures (clients, weekly hours and
indicative annual cost per zone and lot).

Terms and contracts: the papers set contract award in March 2017 and commencement in July
2017, but no term. We assume the framework runs 3 + 1 + 1 years from 1 April 2017, and that
each provider in each lot has a contract awarded on 31 March 2017, from 1 July 2017 for 33
months and two optional years, so it ends with the framework (31 March 2020; at the latest
31 March 2022), on the council's 2017/18 rate card.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from caremarket.demo.fitting import Limits, fit_weekly_minutes
from caremarket.demo.patterns import complex_visits, sleep_in_nights, visits
from caremarket.demo.places import postcodes_by_zone, read_postcodes
from caremarket.demo.preset import Caseload, Preset, PresetContract, a_provider, service_type
from caremarket.domain.contracts import Term
from caremarket.domain.market import (
    Commissioner,
    Lot,
    ServiceKind,
    ServiceType,
    Tier,
    Vehicle,
    VehicleKind,
    Zone,
)
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.pathways import PathwayRule, PathwayRules
from caremarket.domain.patterns import VisitLine, weekly_minutes
from caremarket.domain.rates import RateCard, RateLine

NAME = "herefordshire"
CODE = "HFD"
REPORT_ON = date(2017, 4, 1)
POSTCODE_FILE = "postcodes_herefordshire.csv.gz"
RULES = PathwayRules(
    rules=(PathwayRule("D", min_weekly_hours=Decimal(28), services=frozenset({"24-hour"})),),
    default="O",
)
D_THRESHOLD_MINUTES = 28 * 60
VISIT_RATE = Decimal("15.80")
OVERNIGHT_RATE = Decimal("12.80")  # 24-hour care and sleep-in nights
# Every postcode district in the file, once: the north (A, B) and the south (C, D, E).
ZONE_DISTRICTS = {
    "A": ("HR3", "HR5", "HR6", "LD8", "SY7", "SY8"),  # Kington, Leominster, the north-west
    "B": ("HR4", "HR7", "WR6", "WR15"),  # north Hereford, Bromyard, the north-east
    "C": ("HR1",),  # Hereford east and the Lugg valley
    "D": ("HR2",),  # Hereford south and the Golden Valley
    "E": ("HR8", "HR9", "GL17", "GL18", "NP7", "NP25", "WR13", "WR14"),  # Ledbury, Ross
}
# The published O pathway table: clients and weekly hours per zone (laid out as published).
# fmt: off
O_PATHWAY = {
    #     clients  weekly hours
    "A": (  161,   1682),
    "B": (  178,   2174),
    "C": (  152,   1696),
    "D": (  191,   2352),
    "E": (   86,   1295),
}
# fmt: on
# The published D pathway table: clients, weekly hours, indicative annual cost; live-in
# (24-hour) packages in each lot.
D_PATHWAY = (
    ("D-AB", "Complex A & B", ("A", "B"), 29, 1355, Decimal(965302), 2),
    ("D-CDE", "Complex C,D,E", ("C", "D", "E"), 29, 975, Decimal(694590), 0),
)
PROVIDERS = (
    "Arrow Vale Homecare",
    "Bircher Common Care",
    "Dore Abbey Support Services",
    "Frome Meadows Care",
    "Garway Hill Home Support",
    "Hergest Ridge Carers",
    "Lugg Bridge Care at Home",
    "Marcle Ridge Homecare",
    "Monnow Reach Care",
    "Pembridge Cross Care",
    "Queenswood Home Support",
    "Wormsley Grange Care",
)
LIVE_IN = (VisitLine(1, 24 * 60),)
VEHICLE = "HFD-HOMECARE-2017"
FRAMEWORK_TERM = Term.of_years(REPORT_ON, 3, 1, 1)  # assumed: the papers give no term
CONTRACT_TERM = Term(date(2017, 7, 1), 33, (12, 12))  # to end with the framework
AWARDED_ON = date(2017, 3, 31)
RATE_CARD = "2017/18"


def build(services: dict[str, ServiceType], seed: int = 2017) -> Preset:
    """The preset, in memory; ``services`` holds the service types already in the database."""
    rng = random.Random(seed)
    council = Commissioner(code=CODE, name="Herefordshire Council", pathway_rules=RULES)
    preset = Preset(
        NAME,
        [council],
        REPORT_ON,
        dict(services),
        postcodes=read_postcodes(POSTCODE_FILE),
        policies={CODE: "herefordshire"},
    )
    care = service_type(preset.services, "PC", "Personal care")
    live_in = service_type(
        preset.services, "24H", "24-hour and live-in care", ServiceKind.TWENTY_FOUR_HOUR
    )
    sleep_in = service_type(preset.services, "SLEEP-IN", "Sleep-in nights", ServiceKind.SLEEP_IN)
    preset.zones = [
        Zone(council, code, f"Zone {code}", districts) for code, districts in ZONE_DISTRICTS.items()
    ]
    zones = {zone.code: zone for zone in preset.zones}
    preset.providers = [a_provider(rng, name) for name in PROVIDERS]
    vehicle = _vehicle(council, zones, preset, rng)
    preset.vehicles = [vehicle]
    preset.terms = {VEHICLE: FRAMEWORK_TERM}
    preset.contracts = [
        PresetContract(
            VEHICLE, lot.code, member.provider.name, CODE, CONTRACT_TERM, RATE_CARD, AWARDED_ON
        )
        for lot in vehicle.lots
        for member in lot.members
    ]
    preset.rate_cards = [
        RateCard(
            council,
            RATE_CARD,
            [
                RateLine(care, VISIT_RATE, date(2017, 4, 1)),
                RateLine(live_in, OVERNIGHT_RATE, date(2017, 4, 1)),
                RateLine(sleep_in, OVERNIGHT_RATE, date(2017, 4, 1)),
            ],
        )
    ]
    caseload = Caseload(
        preset,
        council,
        rng,
        postcodes_by_zone(preset.postcodes, preset.zones),
        starts_from=date(2013, 4, 1),
    )
    for code, (clients, hours) in O_PATHWAY.items():
        _o_pathway(caseload, zones[code], vehicle.lot(f"O-{code}"), care, clients, hours)
    for lot_code, _name, zone_codes, clients, hours, annual, live_ins in D_PATHWAY:
        visit_hours = visit_hours_at(annual, hours)
        _d_pathway(
            caseload,
            [zones[c] for c in zone_codes],
            vehicle.lot(lot_code),
            (care, live_in, sleep_in),
            clients,
            live_ins,
            visit_minutes=int(visit_hours * 60),
            overnight_minutes=int((hours - visit_hours) * 60),
        )
    return preset


def visit_hours_at(annual_cost: Decimal, weekly_hours: int) -> Decimal:
    """Of a lot's weekly hours, those at the visit rate (the rest at the overnight rate) that
    make its published annual cost."""
    weekly_cost = annual_cost / WEEKS_PER_YEAR
    return (weekly_cost - weekly_hours * OVERNIGHT_RATE) / (VISIT_RATE - OVERNIGHT_RATE)


def _vehicle(
    council: Commissioner, zones: dict[str, Zone], preset: Preset, rng: random.Random
) -> Vehicle:
    vehicle = Vehicle(
        VEHICLE,
        "Herefordshire home care 2017",
        VehicleKind.FRAMEWORK,
        commissioners=[council],
        starts_on=REPORT_ON,
    )
    for code, zone in zones.items():
        lot = Lot(
            f"O-{code}",
            f"O pathway zone {code}",
            zones=[zone],
            pathway="O",
            min_providers=1,
            max_providers=3,
        )
        for provider in rng.sample(preset.providers, k=rng.randint(2, 3)):
            lot.admit(provider, Tier.APPROVED)
        vehicle.lots.append(lot)
    for lot_code, name, zone_codes, *_ in D_PATHWAY:
        lot = Lot(
            lot_code, name, zones=[zones[c] for c in zone_codes], pathway="D", min_providers=1
        )
        for provider in rng.sample(preset.providers, k=2):
            lot.admit(provider, Tier.APPROVED)
        vehicle.lots.append(lot)
    return vehicle


def _o_pathway(
    caseload: Caseload, zone: Zone, lot: Lot, care: ServiceType, clients: int, hours: int
) -> None:
    most = D_THRESHOLD_MINUTES - 15  # under 28 hours: the O pathway
    drawn = [visits(caseload.rng, most_minutes=most) for _ in range(clients)]
    for pattern in fit_weekly_minutes(drawn, hours * 60, limits=Limits(package_most=most)):
        provider = caseload.rng.choice(lot.members).provider
        _expect("O", caseload.add(zone, care, pattern, lot=lot, provider=provider).pathway)


def _d_pathway(
    caseload: Caseload,
    zones: list[Zone],
    lot: Lot,
    services: tuple[ServiceType, ServiceType, ServiceType],
    clients: int,
    live_ins: int,
    *,
    visit_minutes: int,
    overnight_minutes: int,
) -> None:
    care, live_in, sleep_in = services
    rng = caseload.rng
    drawn = [_complex_care(rng, sleep_in.code) for _ in range(clients - live_ins)]
    at_least_d = Limits(package_least=D_THRESHOLD_MINUTES)
    drawn = fit_weekly_minutes(drawn, visit_minutes, limits=at_least_d)
    nights = Limits(shortest=480, longest=720, package_least=D_THRESHOLD_MINUTES)
    drawn = fit_weekly_minutes(
        drawn,
        overnight_minutes - live_ins * 7 * 24 * 60,
        limits=nights,
        counted=lambda line: line.service == sleep_in.code,
        extra_call=lambda minutes, day: VisitLine(
            1, minutes, frozenset({day}), service=sleep_in.code
        ),
    )
    packages = [(live_in, LIVE_IN)] * live_ins + [(care, pattern) for pattern in drawn]
    for service, pattern in packages:
        provider = rng.choice(lot.members).provider
        package = caseload.add(rng.choice(zones), service, pattern, lot=lot, provider=provider)
        _expect("D", package.pathway)


def _complex_care(rng: random.Random, sleep_in: str) -> tuple[VisitLine, ...]:
    """Daily calls and two or three sleep-in nights: 28 hours a week or more."""
    while True:
        nights = sleep_in_nights(rng, sleep_in, nights=rng.choice((2, 2, 3)))
        pattern = (*complex_visits(rng), nights)
        if weekly_minutes(pattern) >= D_THRESHOLD_MINUTES:
            return pattern


def _expect(pathway: str, actual: str | None) -> None:
    if actual != pathway:
        raise AssertionError(f"a drawn package fell in pathway {actual}, not {pathway}")
