"""Visit queries: a check's flag on one version of a visit record, kept until a finance
officer resolves it. A query that holds keeps the visit out of payment until it is resolved
"pay" or "do not pay"; one that does not hold is listed for information and paid meanwhile.
A resolution is final: a later change of mind is a new version of the record (or an
adjustment in a later payment run), not a second resolution."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from caremarket.domain.ecm import Flag
from caremarket.domain.errors import Conflict


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
