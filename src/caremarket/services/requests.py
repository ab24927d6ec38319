"""Taking a request for care: from a social worker, a trusted assessor or a hospital
discharge team. The person is known by a pseudonymised reference; their postcode decides the
zone, the visits decide the pathway, and the package is sourced at once unless asked not to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.calendar import WorkingWeek
from caremarket.domain.errors import DomainError
from caremarket.domain.market import ZoneMap
from caremarket.domain.packages import CarePackage, PackageStatus, Person, classify
from caremarket.domain.patterns import format_pattern, parse_pattern
from caremarket.domain.postcodes import parse_postcode
from caremarket.domain.priority import Risk
from caremarket.services import brokerage
from caremarket.services.ports import UnitOfWork

PACKAGE = brokerage.PACKAGE


class InvalidRequest(DomainError):
    pass


@dataclass(frozen=True)
class CareRequest:
    commissioner: str
    person: str  # the pseudonymised reference
    postcode: str
    service: str
    visits: str  # in the pattern notation: "4x30 daily; 1x45x2 Mon-Fri"
    start_on: date
    risk: Risk = Risk.LOW
    carer_breakdown: bool = False
    fit_for_discharge_on: date | None = None
    reference: str | None = None  # made up when not given: COMMISSIONER-R00001


def request_care(
    uow: UnitOfWork,
    request: CareRequest,
    *,
    by: Actor,
    now: datetime,
    week: WorkingWeek,
    source: bool = True,
) -> str:
    """Record the request as a care package and (unless `source` is false) begin sourcing it
    under the commissioner's policy, in one transaction: if sourcing cannot begin (no policy),
    nothing is recorded and the error says why. Returns the package's reference."""
    pattern = parse_pattern(request.visits)
    postcode = parse_postcode(request.postcode)
    if not request.person.strip():
        raise InvalidRequest("give the person's reference (pseudonymised: no names)")
    if request.start_on < now.astimezone(week.zone).date():
        raise InvalidRequest(f"a start date of {request.start_on:%d %B %Y} is in the past")
    with uow:
        owner = uow.commissioners.get(request.commissioner)
        service = uow.services.get(request.service)
        zone = ZoneMap(uow.zones.list(commissioner=owner)).get(postcode)
        person = uow.people.find(owner, request.person.strip())
        if person is None:
            person = Person(owner, request.person.strip(), str(postcode))
            uow.people.add(person)
        person.postcode = str(postcode)
        reference = request.reference or _next_reference(uow, owner.code)
        if uow.packages.find(reference) is not None:
            raise InvalidRequest(f"care package {reference} is already recorded")
        package = CarePackage(
            reference=reference,
            person=person,
            commissioner=owner,
            zone=zone,
            service=service,
            pattern=pattern,
            start_on=request.start_on,
            status=PackageStatus.REQUESTED,
            risk=request.risk,
            carer_breakdown=request.carer_breakdown,
            fit_for_discharge_on=request.fit_for_discharge_on,
        )
        package.pathway = classify(package, {s.code: s for s in uow.services.list()})
        uow.packages.add(package)
        uow.audit.record(
            entry(
                by,
                now,
                "care requested",
                (PACKAGE, reference),
                {
                    "person": person.reference,
                    "zone": zone.code,
                    "service": service.code,
                    "visits": format_pattern(pattern),
                    "start_on": request.start_on.isoformat(),
                    "risk": request.risk.value,
                    "carer_breakdown": request.carer_breakdown,
                    "fit_for_discharge_on": request.fit_for_discharge_on.isoformat()
                    if request.fit_for_discharge_on
                    else None,
                },
            )
        )
        if source:
            brokerage.begin_round(
                uow, package, number=1, cause="requested", by=by, now=now, week=week
            )
        uow.commit()
    return reference


def _next_reference(uow: UnitOfWork, code: str) -> str:
    taken = uow.packages.references()
    number = sum(1 for r in taken if r.startswith(f"{code}-R")) + 1
    while f"{code}-R{number:05d}" in taken:
        number += 1
    return f"{code}-R{number:05d}"
