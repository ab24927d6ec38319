"""A visit record as the database reads it back: its fields in the order the reads select them,
and the record made from those values by position (a payment run reads hundreds of thousands;
an import its file's new versions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from caremarket.domain.ecm import Verification, VisitRecord, VisitStatus

RECORD_FIELDS = (
    "visit_id",
    "planned_start_at",
    "planned_minutes",
    "status",
    "package_reference",
    "person_reference",
    "actual_start_at",
    "actual_end_at",
    "carers_planned",
    "carers_present",
    "cancelled_at",
    "verification",
    "notes",
    "carer_ids",
    "service",
    "contract",
    "claimed",
)
# by value; a member looks itself up too, a StrEnum hashing and comparing as its value
STATUSES = {s.value: s for s in VisitStatus}
VERIFICATIONS = {v.value: v for v in Verification}


def record_of(values: Sequence[Any]) -> VisitRecord:
    """The record from its fields' values in `RECORD_FIELDS` order (enums by their values,
    carer IDs as any sequence)."""
    (
        visit_id,
        planned_start_at,
        planned_minutes,
        status,
        package_reference,
        person_reference,
        actual_start_at,
        actual_end_at,
        carers_planned,
        carers_present,
        cancelled_at,
        verification,
        notes,
        carer_ids,
        service,
        contract,
        claimed,
    ) = values
    return VisitRecord(
        visit_id,
        planned_start_at,
        planned_minutes,
        STATUSES[status],
        package_reference,
        person_reference,
        actual_start_at,
        actual_end_at,
        carers_planned,
        carers_present,
        cancelled_at,
        VERIFICATIONS[verification],
        notes,
        tuple(carer_ids or ()),
        service,
        contract,
        claimed,
    )
