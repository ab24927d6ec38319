"""Lot memberships file: vehicle, lot, provider, tier, lead (a subcontractor's lead provider),
joined_on (optional). Whether a provider may join is the lot's rule (Lot.admit), checked
against the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from caremarket.domain.market import Tier
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_choice, parse_date
from caremarket.imports.problems import Problems

MEMBERSHIP_COLUMNS = Columns(
    required=("vehicle", "lot", "provider", "tier"), optional=("lead", "joined_on")
)


@dataclass(frozen=True)
class MembershipRow:
    line: int
    vehicle: str
    lot: str
    provider: str
    tier: Tier
    lead: str | None
    joined_on: date | None


def parse_memberships(table: Table, problems: Problems) -> list[MembershipRow]:
    """Checked membership rows; the bad ones are left out and noted in problems."""
    return [membership for row in table.rows if (membership := _membership(row, problems))]


def _membership(row: Row, problems: Problems) -> MembershipRow | None:
    before = len(problems)
    vehicle = problems.cell(row, "vehicle", str)
    lot = problems.cell(row, "lot", str)
    provider = problems.cell(row, "provider", str)
    tier = problems.cell(row, "tier", lambda t: parse_choice(t, Tier))
    joined_on = problems.cell(row, "joined_on", parse_date, required=False)
    if len(problems) > before or not (vehicle and lot and provider and tier):
        return None
    return MembershipRow(row.line, vehicle, lot, provider, tier, row.get("lead") or None, joined_on)
