"""A small market for receiving ECM records: two providers, each with a package."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import Provider
from caremarket.domain.packages import FundingShare, Person
from caremarket.domain.patterns import parse_pattern
from tests.builders import a_care_package, a_commissioner, a_provider, a_service, a_zone

WYESIDE, MARCHES = "Wyeside Home Care", "Marches Care"
FUNDING = (FundingShare("HFD", Decimal(80)), FundingShare("PERSON", Decimal(20)))


def build_ecm_market(uow: SqlUnitOfWork) -> dict[str, Provider]:
    """PKG-1002 (person P-0002, Wyeside's) from Monday 3 July 2017: three 45-minute calls a
    day and a double-handed 30-minute call on weekdays, as the example ECM files record it;
    PKG-2001 (person P-0003, Marches's): four 30-minute calls a day."""
    commissioner = a_commissioner()
    zone = a_zone(commissioner=commissioner)
    service = a_service()
    wyeside = a_provider(name=WYESIDE)
    marches = a_provider(name=MARCHES, cqc_location_ids=("1-202020202",))
    with uow:
        uow.providers.add(wyeside)
        uow.providers.add(marches)
        uow.packages.add(
            a_care_package(
                reference="PKG-1002",
                commissioner=commissioner,
                zone=zone,
                service=service,
                person=Person(commissioner=commissioner, reference="P-0002", postcode="HR6 8AA"),
                pattern=parse_pattern("3x45 daily; 1x30x2 Mon-Fri"),
                start_on=date(2017, 7, 3),
                funding=FUNDING,
                provider=wyeside,
            )
        )
        uow.packages.add(
            a_care_package(
                reference="PKG-2001",
                commissioner=commissioner,
                zone=zone,
                service=service,
                person=Person(commissioner=commissioner, reference="P-0003", postcode="HR6 8AB"),
                start_on=date(2017, 7, 1),
                provider=marches,
            )
        )
        uow.commit()
    return {WYESIDE: wyeside, MARCHES: marches}


def provider_actor(name: str) -> Actor:
    return Actor(f"ecm@{name.split()[0].lower()}.example", Role.PROVIDER)
