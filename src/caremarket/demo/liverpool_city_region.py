"""The Liverpool City Region's flexible purchasing system for extra care housing, 2019/20.

What the papers say (LCR adult social care integrated commissioning, workshop of 5 June
2019, priority 2): "In 2018/19 Knowsley, Sefton and Liverpool jointly procured a system to
purchase care and support services in extra care housing. Commissioners agreed a single
service specification and contract ... all six LCR authorities are named parties and
therefore have the option to draw down services from the framework. Work is planned to
support Halton, St Helens and Wirral to access the framework." The priority 1 paper gives
each council's own model for home care: Liverpool's preferred providers have 5 hours to
accept before approved providers are asked; St Helens runs a mini-competition for each
package among an approved list; Knowsley and Sefton jointly run a "pseudo dynamic
purchasing system"; Halton has a single provider with two subcontracted agencies; Wirral a
"top to bottom" commission.

How this preset reads them:

* One vehicle, ``LCR-ECH``, with the six councils as its commissioners: a flexible
  purchasing system is the light-touch regime's open route to market, kept here as a DPS
  (a vehicle open to new providers). Cheshire and Merseyside ICB, the councils' NHS
  partner, is not a party: it pays half of some packages (joint funding) but calls off
  nothing itself.
* Lots by council area, not by scheme: a council calls off for its own area (the papers
  name no schemes, and a lot per council is what "each council draws down" needs). Lot
  ``ECH-LIV`` holds Liverpool's zones, and so on. A provider is admitted once (one
  provider record, one CQC registration) and holds memberships in several councils' lots.
* Each council calls off under local terms: its own sourcing policy (Liverpool
  ``liverpool``, St Helens ``st-helens``, Halton ``halton``, Wirral ``wirral``; Knowsley
  and Sefton ``st-helens`` too, a mini-competition per package, reading their "pseudo
  dynamic purchasing system" as a DPS's call-off by competition) and its own rate card.
  The tiers in each council's lot follow its policy: preferred and approved in Liverpool,
  one lead with a subcontractor in Halton, approved elsewhere.
* Halton, St Helens and Wirral draw down from 1 October 2019 (assumed: "work is planned"
  in June 2019); the tripartite councils from the start, 1 October 2018 (assumed: "in
  2018/19"). The report date is 1 March 2020.

Assumed, not published (the papers give no figures for extra care): each council's hourly
rate (``RATES``), its people and weekly hours (``CASELOADS``), the zones (each council's
postcode sectors grouped by district into localities named here, not the councils' own),
the providers (fictitious) and which lots they serve (``MEMBERSHIPS``), and one package in
eight paid half by the ICB. The vehicle-use report reproduces ``CASELOADS`` at ``RATES``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from caremarket.demo.fitting import Limits, fit_weekly_minutes
from caremarket.demo.patterns import visits
from caremarket.demo.places import postcodes_by_zone, read_postcodes, sectors_by_district_council
from caremarket.demo.preset import Caseload, Preset, a_provider, service_type
from caremarket.domain.market import (
    Commissioner,
    CommissionerKind,
    Lot,
    Provider,
    ServiceType,
    Tier,
    Vehicle,
    VehicleKind,
    Zone,
)
from caremarket.domain.packages import FundingShare, PackageStatus
from caremarket.domain.rates import RateCard, RateLine

NAME = "liverpool-city-region"
REPORT_ON = date(2020, 3, 1)
POSTCODE_FILE = "postcodes_liverpool_city_region.csv.gz"
VEHICLE = "LCR-ECH"
ICB = "CMICB"
SERVICE = "ECH"
STARTS_ON = date(2018, 10, 1)  # the tripartite councils
LATER_ON = date(2019, 10, 1)  # Halton, St Helens and Wirral
RATES_FROM = date(2019, 4, 1)
JOINTLY_FUNDED = 8  # one package in eight is half paid by the ICB
REQUESTED = 2  # requests for care per council, not yet sourced


# Code, name, local authority (ONS code), sourcing policy, draws down from.
COUNCILS = (
    ("LIV", "Liverpool City Council", "E08000012", "liverpool", STARTS_ON),
    ("KNO", "Knowsley Council", "E08000011", "st-helens", STARTS_ON),
    ("SEF", "Sefton Council", "E08000014", "st-helens", STARTS_ON),
    ("STH", "St Helens Borough Council", "E08000013", "st-helens", LATER_ON),
    ("HAL", "Halton Borough Council", "E06000006", "halton", LATER_ON),
    ("WIR", "Wirral Council", "E08000015", "wirral", LATER_ON),
)
# Each council's hourly rate for extra care, 2019/20: assumed (see the docstring).
RATES = {
    "LIV": Decimal("16.20"),
    "KNO": Decimal("16.60"),
    "SEF": Decimal("16.40"),
    "STH": Decimal("15.90"),
    "HAL": Decimal("16.10"),
    "WIR": Decimal("16.80"),
}
# People with an active extra care package, and their weekly hours, per council: assumed.
CASELOADS = {
    "LIV": (48, 432),
    "KNO": (24, 204),
    "SEF": (30, 264),
    "STH": (18, 153),
    "HAL": (12, 96),
    "WIR": (36, 315),
}
# Each council's zones: code, name and the postcode districts whose sectors (those mostly
# in the council's area) it holds, separated by spaces. Each of the council's sectors is in
# exactly one zone.
ZONES = {
    "LIV": (
        ("LIV-N", "Liverpool North", "L4 L5 L9 L10 L11 L12 L20 L28"),
        ("LIV-C", "Liverpool Central", "L1 L2 L3 L6 L7 L8 L13 L14 L15 L67 L69 L70 L74"),
        ("LIV-S", "Liverpool South", "L16 L17 L18 L19 L24 L25 L27"),
    ),
    "KNO": (
        ("KNO-N", "Knowsley North (Kirkby)", "L10 L32 L33 L70"),
        ("KNO-S", "Knowsley South (Huyton, Prescot, Halewood)", "L14 L16 L25 L26 L28 L34 L35 L36"),
    ),
    "SEF": (
        ("SEF-N", "Southport and Formby", "PR8 PR9 L37 L38"),
        ("SEF-S", "South Sefton", "L9 L10 L20 L21 L22 L23 L29 L30 L31 L68 L71 L72 L75 L80"),
    ),
    "STH": (
        ("STH-C", "St Helens Central and South", "WA9 WA10 L34 L35"),
        ("STH-N", "St Helens North and East", "WA2 WA3 WA5 WA11 WA12 WN4 WN5"),
    ),
    "HAL": (
        ("HAL-W", "Widnes", "WA8 WA88 L24"),
        ("HAL-R", "Runcorn", "WA4 WA7"),
    ),
    "WIR": (
        (
            "WIR-E",
            "Wallasey and Birkenhead",
            "CH25 CH26 CH27 CH28 CH29 CH30 CH31 CH32 CH41 CH42 CH43 CH44 CH45",
        ),
        ("WIR-W", "West Wirral", "CH46 CH47 CH48 CH49 CH60 CH61"),
        ("WIR-S", "South Wirral", "CH62 CH63 CH64 CH65"),
    ),
}
# The providers (fictitious) and their places in the councils' lots: admitted once, each
# serves several councils.
MEMBERSHIPS: dict[str, dict[str, Tier]] = {
    "Otterspool Promenade Care": {
        "LIV": Tier.PREFERRED,
        "SEF": Tier.APPROVED,
        "WIR": Tier.APPROVED,
    },
    "Calderstones Care at Home": {
        "LIV": Tier.PREFERRED,
        "KNO": Tier.APPROVED,
        "STH": Tier.APPROVED,
    },
    "Croxteth Park Support": {"LIV": Tier.APPROVED, "KNO": Tier.APPROVED},
    "Crosby Strand Care": {"SEF": Tier.APPROVED, "LIV": Tier.APPROVED},
    "Formby Pinewoods Support": {"SEF": Tier.APPROVED, "KNO": Tier.APPROVED},
    "Sankey Canal Support Services": {"HAL": Tier.LEAD, "STH": Tier.APPROVED},
    "Hale Lighthouse Care": {"HAL": Tier.SUBCONTRACTOR, "LIV": Tier.APPROVED, "STH": Tier.APPROVED},
    "Bidston Windmill Care": {"WIR": Tier.APPROVED},
    "Thurstaston Hill Care": {"WIR": Tier.APPROVED, "SEF": Tier.APPROVED},
    "Speke Hall Gardens Care": {"KNO": Tier.APPROVED, "STH": Tier.APPROVED, "WIR": Tier.APPROVED},
}
HALTON_LEAD = "Sankey Canal Support Services"


def build(services: dict[str, ServiceType], seed: int = 2019) -> Preset:
    """The preset, in memory; ``services`` holds the service types already in the database."""
    rng = random.Random(seed)
    councils = {code: Commissioner(code, name) for code, name, *_ in COUNCILS}
    icb = Commissioner(ICB, "NHS Cheshire and Merseyside ICB", CommissionerKind.ICB)
    preset = Preset(
        NAME,
        [*councils.values(), icb],
        REPORT_ON,
        dict(services),
        postcodes=read_postcodes(POSTCODE_FILE),
        policies={code: policy for code, _name, _lad, policy, _from in COUNCILS},
    )
    extra_care = service_type(preset.services, SERVICE, "Extra care housing support")
    sectors = sectors_by_district_council(preset.postcodes)
    zones = {code: _zones(councils[code], sectors[lad]) for code, _n, lad, *_ in COUNCILS}
    preset.zones = [zone for council_zones in zones.values() for zone in council_zones]
    preset.providers = [a_provider(rng, name) for name in MEMBERSHIPS]
    vehicle = _vehicle(councils, zones, extra_care, preset.providers)
    preset.vehicles = [vehicle]
    preset.rate_cards = [
        RateCard(councils[code], "2019/20 extra care", [RateLine(extra_care, rate, RATES_FROM)])
        for code, rate in RATES.items()
    ]
    for code, _name, lad, _policy, draws_from in COUNCILS:
        council = councils[code]
        where = postcodes_by_zone(
            (row for row in preset.postcodes if row["lad_code"] == lad), zones[code]
        )
        caseload = Caseload(preset, council, rng, where, starts_from=draws_from)
        _packages(caseload, zones[code], vehicle.lot(lot_code(code)), extra_care, *CASELOADS[code])
        _requests(caseload, zones[code], extra_care)
    return preset


def lot_code(council: str) -> str:
    return f"ECH-{council}"


def _zones(council: Commissioner, sectors: list[str]) -> list[Zone]:
    """The council's zones, of its postcode sectors grouped by district."""
    named = ZONES[council.code]
    held: list[list[str]] = [[] for _ in named]
    for sector in sectors:
        district = sector.split(" ")[0]
        places = [i for i, (_c, _n, districts) in enumerate(named) if district in districts.split()]
        if len(places) != 1:
            raise AssertionError(f"sector {sector} of {council.code} is in {len(places)} zones")
        held[places[0]].append(sector)
    return [
        Zone(council, code, name, tuple(areas))
        for (code, name, _districts), areas in zip(named, held, strict=True)
    ]


def _vehicle(
    councils: dict[str, Commissioner],
    zones: dict[str, list[Zone]],
    service: ServiceType,
    providers: list[Provider],
) -> Vehicle:
    vehicle = Vehicle(
        VEHICLE,
        "Liverpool City Region extra care housing flexible purchasing system",
        VehicleKind.DPS,
        commissioners=list(councils.values()),
        starts_on=STARTS_ON,
    )
    by_name = {p.name: p for p in providers}
    for code, name, _lad, _policy, draws_from in COUNCILS:
        lot = Lot(
            lot_code(code),
            f"Extra care housing: {name}",
            zones=list(zones[code]),
            services=[service],
            min_providers=1,
        )
        # Leads and preferred first, subcontractors after their lead.
        members = sorted(
            ((provider, tiers[code]) for provider, tiers in MEMBERSHIPS.items() if code in tiers),
            key=lambda pair: [Tier.LEAD, Tier.PREFERRED, Tier.APPROVED, Tier.SUBCONTRACTOR].index(
                pair[1]
            ),
        )
        for provider, tier in members:
            lead = by_name[HALTON_LEAD] if tier is Tier.SUBCONTRACTOR else None
            lot.admit(by_name[provider], tier, lead=lead, joined_on=draws_from)
        vehicle.lots.append(lot)
    return vehicle


def _packages(
    caseload: Caseload, zones: list[Zone], lot: Lot, service: ServiceType, people: int, hours: int
) -> None:
    """``people`` active packages across the council's zones, ``hours`` a week in all, each
    with a provider of the council's lot (not a subcontractor: Halton's lead holds them)."""
    rng = caseload.rng
    most = 25 * 60  # extra care: a few calls a day, within the scheme
    drawn = [visits(rng, most_minutes=most) for _ in range(people)]
    fitted = fit_weekly_minutes(drawn, hours * 60, limits=Limits(package_most=most))
    contracted = [m.provider for m in lot.members if m.tier is not Tier.SUBCONTRACTOR]
    weights = [len(caseload.postcodes[zone.code]) for zone in zones]
    for n, pattern in enumerate(fitted):
        zone = rng.choices(zones, weights=weights)[0]
        funder = _joint(caseload.commissioner) if n % JOINTLY_FUNDED == JOINTLY_FUNDED - 1 else None
        package = caseload.add(zone, service, pattern, lot=lot, provider=rng.choice(contracted))
        if funder:
            package.funding = funder


def _requests(caseload: Caseload, zones: list[Zone], service: ServiceType) -> None:
    """Requests for care recorded on the report's day, to be sourced by a broker."""
    for n in range(REQUESTED):
        package = caseload.add(
            zones[n % len(zones)], service, visits(caseload.rng, most_minutes=20 * 60)
        )
        package.status = PackageStatus.REQUESTED
        package.start_on = REPORT_ON + timedelta(days=7 + n)


def _joint(council: Commissioner) -> tuple[FundingShare, ...]:
    return (FundingShare(council.code, Decimal(50)), FundingShare(ICB, Decimal(50)))
