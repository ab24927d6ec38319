"""A visit record as the database reads it back: its fields in the order the reads select them
(the dataclass's own), and the record made from those values by position (a payment run reads
hundreds of thousands; an import its file's new versions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from caremarket.domain.ecm import Verification, VisitRecord, VisitStatus

# a column of visit_records for each field, of the same name
RECORD_FIELDS = tuple(f.name for f in fields(VisitRecord))
# by value; a member looks itself up too, a StrEnum hashing and comparing as its value
STATUSES = {s.value: s for s in VisitStatus}
VERIFICATIONS = {v.value: v for v in Verification}


_STATUS, _VERIFICATION, _CARERS = (
    RECORD_FIELDS.index(name) for name in ("status", "verification", "carer_ids")
)


def record_of(values: Sequence[Any]) -> VisitRecord:
    """The record from its fields' values in `RECORD_FIELDS` order (enums by their values,
    carer IDs as any sequence)."""
    given = list(values)
    given[_STATUS] = STATUSES[given[_STATUS]]
    given[_VERIFICATION] = VERIFICATIONS[given[_VERIFICATION]]
    given[_CARERS] = tuple(given[_CARERS] or ())
    return VisitRecord(*given)
