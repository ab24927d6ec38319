"""What a preset puts in the database, and the helper that draws its people and packages."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from caremarket.domain.contracts import Term
from caremarket.domain.market import (
    Commissioner,
    Lot,
    Partnership,
    Provider,
    ServiceKind,
    ServiceType,
    Vehicle,
    Zone,
)
from caremarket.domain.packages import CarePackage, FundingShare, PackageStatus, Person, classify
from caremarket.domain.patterns import VisitLine
from caremarket.domain.rates import RateCard


@dataclass(frozen=True)
class PresetContract:
    """A contract a preset awards, by the names the award service takes."""

    vehicle: str
    lot: str
    provider: str
    commissioner: str  # whose local terms (rate card) apply
    term: Term
    rate_card: str
    awarded_on: date


@dataclass
class Preset:
    """Everything one preset adds, built in memory: the loader adds it in one commit."""

    name: str
    commissioners: list[Commissioner]
    report_on: date  # the day its published tables describe
    services: dict[str, ServiceType]
    postcodes: list[dict[str, Any]] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    rate_cards: list[RateCard] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    packages: list[CarePackage] = field(default_factory=list)
    # The sourcing policy preset each commissioner sources new packages under, by code.
    policies: dict[str, str] = field(default_factory=dict)
    # Each vehicle's term, by vehicle code, and the contracts awarded under the vehicles.
    terms: dict[str, Term] = field(default_factory=dict)
    contracts: list[PresetContract] = field(default_factory=list)


def service_type(
    services: dict[str, ServiceType], code: str, name: str, kind: ServiceKind = ServiceKind.VISITS
) -> ServiceType:
    """The service type of this code: one already known (another preset's), or a new one."""
    if code not in services:
        services[code] = ServiceType(code=code, name=name, kind=kind)
    return services[code]


def a_provider(rng: random.Random, name: str) -> Provider:
    """A fictitious provider with a well-formed CQC location ID."""
    return Provider(name=name, cqc_location_ids=(f"1-{rng.randrange(10**8, 10**10)}",))


class Caseload:
    """Draws people at real postcodes of their zone and gives each an active package."""

    def __init__(
        self,
        preset: Preset,
        commissioner: Commissioner,
        rng: random.Random,
        postcodes: dict[str, list[str]],
        *,
        starts_from: date,
    ) -> None:
        self.preset = preset
        self.commissioner = commissioner
        self.rng = rng
        self.postcodes = postcodes
        self.starts_from = starts_from
        self._references: set[str] = set()

    def add(
        self,
        zone: Zone,
        service: ServiceType,
        pattern: tuple[VisitLine, ...],
        *,
        lot: Lot | None = None,
        provider: Provider | None = None,
        funder: str | None = None,
    ) -> CarePackage:
        person = Person(
            commissioner=self.commissioner,
            reference=self._pseudonym(),
            postcode=self.rng.choice(self.postcodes[zone.code]),
        )
        days = (self.preset.report_on - self.starts_from).days
        package = CarePackage(
            reference=f"{self.commissioner.code}-{len(self.preset.packages) + 1:05d}",
            person=person,
            commissioner=self.commissioner,
            zone=zone,
            service=service,
            pattern=pattern,
            start_on=self.starts_from + timedelta(days=self.rng.randrange(days)),
            funding=(FundingShare(funder, 100),) if funder else (),
            status=PackageStatus.ACTIVE,
            lot=lot,
            provider=provider,
        )
        package.pathway = classify(package, self.preset.services)
        self.preset.people.append(person)
        self.preset.packages.append(package)
        return package

    def _pseudonym(self) -> str:
        while True:
            reference = f"{self.commissioner.code}-P{self.rng.getrandbits(32):08X}"
            if reference not in self._references:
                self._references.add(reference)
                return reference
