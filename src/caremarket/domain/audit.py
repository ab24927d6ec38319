"""The audit trail: every change, who made it, in what role, when, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caremarket.domain.access import Actor, Role


@dataclass(eq=False)
class AuditEntry:
    at: datetime
    actor: str
    role: Role
    action: str  # past tense: 'package imported', 'user added'
    object_type: str
    object_ref: str
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    id: int | None = None


def entry(
    by: Actor,
    at: datetime,
    action: str,
    obj: tuple[str, str],
    changes: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    object_type, object_ref = obj
    changed = dict(changes or {})
    return AuditEntry(at, by.name, by.role, action, object_type, object_ref, changed, reason)


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """What changed between two snapshots: {field: [old, new]}, for the fields that differ."""
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: [before.get(k), after.get(k)] for k in keys}
