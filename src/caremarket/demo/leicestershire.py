"""Leicestershire's Help to Live at Home (HTLAH) market in mid-August 2018.

Leicestershire County Council leads a joint commissioning partnership with East
Leicestershire and Rutland CCG and West Leicestershire CCG. The county (not Leicester city,
not Rutland) is cut into 15 zones, two or three per district council, from real postcode
sectors (north to south within a district, by latitude). A lead-provider vehicle has one
lot per zone, each with one of eight lead providers; a framework of supplementary providers
has lots over the same zones. Rates differ between urban and rural zones; the split of each
tier's hours between them is calculated from the published weekly values, so the market
share report gives the published table: lead 1,189 people, 12,533 hours, £208,166 a week,
£10.8m a year; supplementary 586, 6,092, £101,195, £5.3m; in all 1,775, 18,625, £309,361,
£16.1m.

Terms and contracts: the lead-provider contracts run 3 + 1 + 1 years from 7 November 2016
(Phase 1), one per lead lot with the lot's lead provider, awarded by the day they went live.
One provider withdrew late and three lots were re-procured, live from 6 November 2017
(Phase 2). The papers do not name those lots: we assume L13 to L15 (Coalville, Oadby,
Wigston), and that their contracts run 2 + 1 + 1 years from 6 November 2017 to end with the
others (terms are whole months, so a day earlier: 5 November 2019). The supplementary
providers' arrangement (the 2011 contract, put in place in November 2016 until a new
framework from April 2019) is assumed to run 2 + 1 years from 7 November 2016, with a
contract for each supplementary provider in each of its lots. Every contract is on the
council's terms (the lead commissioner's; its one rate card, 2018/19).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from caremarket.demo.fitting import Limits, fit_weekly_minutes, split_minutes, split_value
from caremarket.demo.patterns import visits
from caremarket.demo.places import (
    postcodes_by_zone,
    read_postcodes,
    sector_sizes_and_latitudes,
    sectors_by_district_council,
)
from caremarket.demo.preset import Caseload, Preset, PresetContract, a_provider, service_type
from caremarket.domain.contracts import Term
from caremarket.domain.market import (
    Commissioner,
    CommissionerKind,
    Lot,
    Partnership,
    PoolShare,
    ServiceType,
    Tier,
    Vehicle,
    VehicleKind,
    Zone,
)
from caremarket.domain.money import to_pounds
from caremarket.domain.rates import RateCard, RateLine

NAME = "leicestershire"
CODE = "LCC"
REPORT_ON = date(2018, 8, 15)
POSTCODE_FILE = "postcodes_leicester_leicestershire_rutland.csv.gz"
URBAN, RURAL = "urban", "rural"
RATES = {URBAN: Decimal("16.43"), RURAL: Decimal("17.06")}
URBAN_SHARE = Decimal("0.7")  # of hours, roughly: the split itself is calculated
CCG_FUNDED = 0.1  # about one package in ten is bought for a CCG
# District council, its zones north to south with their setting, and its CCG.
DISTRICTS = (
    ("E07000129", (("Blaby North", URBAN), ("Blaby South", RURAL)), "ELRCCG"),
    (
        "E07000130",
        (("Charnwood North", URBAN), ("Charnwood Central", RURAL), ("Charnwood South", URBAN)),
        "WLCCG",
    ),
    ("E07000131", (("Harborough North", RURAL), ("Harborough South", RURAL)), "ELRCCG"),
    ("E07000132", (("Bosworth", RURAL), ("Hinckley", URBAN)), "WLCCG"),
    ("E07000133", (("Melton North", RURAL), ("Melton South", RURAL)), "ELRCCG"),
    ("E07000134", (("North West Leicestershire North", RURAL), ("Coalville", URBAN)), "WLCCG"),
    ("E07000135", (("Oadby", URBAN), ("Wigston", URBAN)), "ELRCCG"),
)
# The published table: people, hours a week, value a week; and the total value a week.
# fmt: off
PUBLISHED = {
    #                   people  hours a week  value a week (£)
    Tier.LEAD:          (1189,  12533,        Decimal(208166)),
    Tier.SUPPLEMENTARY: ( 586,   6092,        Decimal(101195)),
}
# fmt: on
PUBLISHED_WEEKLY_TOTAL = Decimal(309361)
LEAD_PROVIDERS = (
    "Beacon Hill Homecare",
    "Bradgate Care Partnership",
    "Charnwood Forest Care",
    "Foxton Locks Home Support",
    "Great Central Care",
    "Soar Valley Homecare",
    "Swithland Care Services",
    "Vale of Belvoir Home Support",
)
PHASE_1 = date(2016, 11, 7)
PHASE_2 = date(2017, 11, 6)
RE_PROCURED = ("L13", "L14", "L15")  # an assumption: the papers do not name the three lots
LEAD_TERM = Term.of_years(PHASE_1, 3, 1, 1)
RE_PROCURED_TERM = Term.of_years(PHASE_2, 2, 1, 1)
SUPPLEMENTARY_TERM = Term.of_years(PHASE_1, 2, 1)
RATE_CARD = "2018/19"
SUPPLEMENTARY_PROVIDERS = (
    "Ashby Folville Carers",
    "Burrough Hill Care",
    "Cropston Lodge Homecare",
    "Fosse Way Home Support",
    "Kibworth Harcourt Care",
    "Launde Abbey Homecare",
    "Market Bosworth Carers",
    "Quorn Mill Care",
    "Stathern Home Support",
    "Ulverscroft Care at Home",
)


def build(services: dict[str, ServiceType], seed: int = 2018) -> Preset:
    """The preset, in memory; ``services`` holds the service types already in the database."""
    rng = random.Random(seed)
    council = Commissioner(CODE, "Leicestershire County Council")
    ccgs = [
        Commissioner("ELRCCG", "East Leicestershire and Rutland CCG", CommissionerKind.ICB),
        Commissioner("WLCCG", "West Leicestershire CCG", CommissionerKind.ICB),
    ]
    # The council leads the partnership and sources every package, the CCGs' too.
    preset = Preset(
        NAME,
        [council, *ccgs],
        REPORT_ON,
        dict(services),
        postcodes=read_postcodes(POSTCODE_FILE),
        policies={CODE: "leicestershire"},
    )
    preset.partnerships = [
        Partnership(
            "HTLAH",
            "Help to Live at Home",
            council,
            [
                PoolShare(council, Decimal("90.00")),
                PoolShare(ccgs[0], Decimal("4.50")),
                PoolShare(ccgs[1], Decimal("5.50")),
            ],
        )
    ]
    care = service_type(preset.services, "PC", "Personal care")
    zones = _zones(council, preset.postcodes)
    preset.zones = [zone for zone, _setting, _ccg in zones]
    preset.rate_cards = [
        RateCard(
            council,
            RATE_CARD,
            [
                RateLine(care, RATES[setting], date(2018, 4, 1), zone=zone)
                for zone, setting, _ccg in zones
            ],
        )
    ]
    leads = [a_provider(rng, name) for name in LEAD_PROVIDERS]
    extras = [a_provider(rng, name) for name in SUPPLEMENTARY_PROVIDERS]
    preset.providers = leads + extras
    lead_lots, extra_lots = _lots(preset.zones, leads, extras, rng)
    members = [council, *ccgs]
    preset.vehicles = [
        Vehicle(
            "HTLAH-LEAD",
            "Help to Live at Home lead providers",
            VehicleKind.LEAD_PROVIDER,
            commissioners=members,
            lots=lead_lots,
            starts_on=date(2016, 11, 7),
        ),
        Vehicle(
            "HTLAH-SUPP",
            "Supplementary home care providers",
            VehicleKind.FRAMEWORK,
            commissioners=members,
            lots=extra_lots,
            starts_on=date(2016, 11, 7),
        ),
    ]
    preset.terms = {"HTLAH-LEAD": LEAD_TERM, "HTLAH-SUPP": SUPPLEMENTARY_TERM}
    preset.contracts = _contracts(preset.vehicles)
    caseload = Caseload(
        preset,
        council,
        rng,
        postcodes_by_zone(preset.postcodes, preset.zones),
        starts_from=date(2014, 4, 1),
    )
    for tier, lots, minutes in zip(PUBLISHED, (lead_lots, extra_lots), tier_minutes(), strict=True):
        people = PUBLISHED[tier][0]
        urban_people = round(people * minutes[URBAN] / (minutes[URBAN] + minutes[RURAL]))
        for setting, count in ((URBAN, urban_people), (RURAL, people - urban_people)):
            chosen = [
                (z, lot, ccg) for (z, s, ccg), lot in zip(zones, lots, strict=True) if s == setting
            ]
            _packages(caseload, care, chosen, count, minutes[setting])
    return preset


def tier_minutes() -> list[dict[str, int]]:
    """Each tier's weekly minutes in urban and rural zones, calculated so each tier's weekly
    value and the total round to the published pounds at the two rates."""
    rates = (RATES[URBAN], RATES[RURAL])
    splits = []
    value_so_far = Decimal(0)
    for index, (_people, hours, weekly_value) in enumerate(PUBLISHED.values()):
        last = index == len(PUBLISHED) - 1
        before = value_so_far

        def total_rounds(value: Decimal, before: Decimal = before, last: bool = last) -> bool:
            return not last or to_pounds(before + value) == PUBLISHED_WEEKLY_TOTAL

        urban = split_minutes(
            hours * 60, weekly_value, rates, share_first=URBAN_SHARE, also=total_rounds
        )
        value_so_far += split_value(urban, hours * 60, rates)
        splits.append({URBAN: urban, RURAL: hours * 60 - urban})
    return splits


def _zones(council: Commissioner, postcodes: list[dict[str, Any]]) -> list[tuple[Zone, str, str]]:
    """The 15 zones, each with its setting (urban or rural) and its CCG's code."""
    by_council = sectors_by_district_council(postcodes)
    sizes = sector_sizes_and_latitudes(postcodes)
    counts = {sector: size for sector, (size, _latitude) in sizes.items()}
    zones = []
    for lad_code, names, ccg in DISTRICTS:
        sectors = sorted(by_council[lad_code], key=lambda s: -sizes[s][1])
        for band, (name, setting) in zip(_bands(sectors, counts, len(names)), names, strict=True):
            code = f"Z{len(zones) + 1:02d}"
            zones.append((Zone(council, code, name, tuple(band)), setting, ccg))
    return zones


def _bands(sectors: Sequence[str], counts: dict[str, int], parts: int) -> list[list[str]]:
    """Cut ordered sectors into ``parts`` runs of about equal numbers of postcodes."""
    total = sum(counts[s] for s in sectors)
    bands: list[list[str]] = [[] for _ in range(parts)]
    running = 0
    for sector in sectors:
        index = min(parts - 1, running * parts // total)
        bands[index].append(sector)
        running += counts[sector]
    return bands


def _lots(
    zones: list[Zone], leads: list, extras: list, rng: random.Random
) -> tuple[list[Lot], list[Lot]]:
    lead_lots, extra_lots = [], []
    for index, zone in enumerate(zones):
        lead_lot = Lot(
            f"L{index + 1:02d}",
            f"{zone.name} lead provider",
            zones=[zone],
            min_providers=1,
            max_providers=1,
        )
        lead_lot.admit(leads[index // 2], Tier.LEAD)  # neighbouring lots share a lead
        extra_lot = Lot(f"S{index + 1:02d}", f"{zone.name} supplementary", zones=[zone])
        for provider in rng.sample(extras, k=3):
            extra_lot.admit(provider, Tier.SUPPLEMENTARY)
        lead_lots.append(lead_lot)
        extra_lots.append(extra_lot)
    return lead_lots, extra_lots


def _contracts(vehicles: list[Vehicle]) -> list[PresetContract]:
    """A contract for each provider in each lot, on the council's terms."""
    awards = []
    for vehicle in vehicles:
        for lot in vehicle.lots:
            term = SUPPLEMENTARY_TERM
            if vehicle.code == "HTLAH-LEAD":
                term = RE_PROCURED_TERM if lot.code in RE_PROCURED else LEAD_TERM
            awards.extend(
                PresetContract(
                    vehicle.code,
                    lot.code,
                    member.provider.name,
                    CODE,
                    term,
                    RATE_CARD,
                    awarded_on=term.starts_on,
                )
                for member in lot.members
            )
    return awards


def _packages(
    caseload: Caseload,
    care: ServiceType,
    zones: list[tuple[Zone, Lot, str]],
    people: int,
    minutes: int,
) -> None:
    """``people`` packages across the zones (by their numbers of postcodes), fitted to
    ``minutes`` a week in all."""
    rng = caseload.rng
    weights = [len(caseload.postcodes[zone.code]) for zone, _lot, _ccg in zones]
    places = rng.choices(zones, weights=weights, k=people)
    most = 28 * 60 - 15
    drawn = [visits(rng, most_minutes=most) for _ in range(people)]
    fitted = fit_weekly_minutes(drawn, minutes, limits=Limits(package_most=most))
    for (zone, lot, ccg), pattern in zip(places, fitted, strict=True):
        provider = rng.choice(lot.members).provider
        funder = ccg if rng.random() < CCG_FUNDED else None
        caseload.add(zone, care, pattern, lot=lot, provider=provider, funder=funder)
