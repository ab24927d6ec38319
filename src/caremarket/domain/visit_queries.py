"""Visit queries: a check's flag on one version of a visit record, kept until a finance
officer resolves it. A query that holds keeps the visit out of payment until it is resolved
"pay" or "do not pay"; one that does not hold is listed for information and paid meanwhile.
A resolution is final: a later change of mind is a new version of the record (or an
adjustment in a later payment run), not a second resolution."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from caremarket.domain.ecm import Flag, VisitRecord, VisitStatus, format_duration
from caremarket.domain.errors import Conflict, DomainError


class Resolution(enum.StrEnum):
    PAY = "pay"
    DO_NOT_PAY = "do not pay"


class QueryAlreadyResolved(Conflict):
    pass


@dataclass(frozen=True)
class VisitQuery:
    record_id: int  # the version of the visit record it was raised on
    code: str  # a FlagCode's value
    message: str
    holds: bool
    raised_at: datetime
    resolution: Resolution | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    note: str | None = None
    id: int | None = None

    @property
    def open(self) -> bool:
        return self.resolution is None

    @property
    def blocks_payment(self) -> bool:
        """Held and not yet resolved, or resolved not to pay."""
        if self.resolution is None:
            return self.holds
        return self.resolution is Resolution.DO_NOT_PAY


def query_for(record_id: int, flag: Flag, *, at: datetime) -> VisitQuery:
    return VisitQuery(record_id, flag.code.value, flag.message, flag.holds, at)


def resolve(
    query: VisitQuery, resolution: Resolution, *, by: str, at: datetime, note: str | None = None
) -> VisitQuery:
    if query.resolution is not None:
        raise QueryAlreadyResolved(
            f"this query was already resolved ({query.resolution}) by {query.resolved_by}"
        )
    return replace(query, resolution=resolution, resolved_at=at, resolved_by=by, note=note)


# Authorised extensions -------------------------------------------------------------------------

EXTENSION = "extension authorised"  # the code of an authorisation kept among the queries
_MINUTES = re.compile(r"(\d+) more minutes? authorised")


class NothingToExtend(DomainError):
    pass


def authorise_extension(
    record_id: int,
    record: VisitRecord,
    minutes: int,
    *,
    by: str,
    at: datetime,
    note: str | None = None,
) -> VisitQuery:
    """A finance officer's (or broker's) authorisation of a visit's over-run: up to `minutes`
    beyond its planned minutes may be paid (`domain.payments.payable_minutes`: its actual time
    rounded, never beyond planned plus those authorised). Kept with the version's queries,
    resolved "pay" when made, holding nothing; the latest authorisation of a version is the
    one in force (0 minutes withdraws it)."""
    if minutes < 0:
        raise NothingToExtend("an extension is a number of minutes, 0 or more")
    if record.status is not VisitStatus.COMPLETED or record.duration is None:
        raise NothingToExtend(f"visit {record.visit_id} was not completed: nothing to extend")
    if minutes and record.duration <= timedelta(minutes=record.planned_minutes):
        raise NothingToExtend(
            f"visit {record.visit_id} lasted {format_duration(record.duration)} of"
            f" {record.planned_minutes} planned: it did not run over"
        )
    return VisitQuery(
        record_id,
        EXTENSION,
        f"{minutes} more minutes authorised beyond the {record.planned_minutes} planned",
        holds=False,
        raised_at=at,
        resolution=Resolution.PAY,
        resolved_at=at,
        resolved_by=by,
        note=note,
    )


def authorised_minutes(queries: Iterable[VisitQuery]) -> int:
    """The extension in force among a version's queries: the latest authorised (0: none)."""
    latest = [q for q in queries if q.code == EXTENSION]
    if not latest:
        return 0
    found = _MINUTES.match(max(latest, key=lambda q: (q.raised_at, q.id or 0)).message)
    return int(found.group(1)) if found else 0


def is_extension(query: VisitQuery) -> bool:
    return query.code == EXTENSION
