"""Rate cards file: commissioner, card, service, zone (optional), basis, amount, effective_from.

Each row is one line of a rate card; rows naming the same card (by commissioner and name) add
lines to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.rates import RateBasis
from caremarket.imports.commissioners import NAMED_IN_EACH_ROW, FileCommissioner
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_amount, parse_choice, parse_date, parse_name
from caremarket.imports.problems import Problems


@dataclass(frozen=True)
class RateRow:
    line: int
    commissioner: str
    card: str
    service: str
    zone: str | None  # None: the card's rate for every zone
    basis: RateBasis
    amount: Decimal
    effective_from: date

    def describe(self) -> str:
        """'PC in zone C from 01/04/2017 on 2017/18': what makes a line the same line."""
        where = f"zone {self.zone}" if self.zone else "every zone"
        return f"{self.service} in {where} from {self.effective_from:%d/%m/%Y} on {self.card}"


def rate_columns(commissioner: FileCommissioner = NAMED_IN_EACH_ROW) -> Columns:
    required, optional = commissioner.columns()
    return Columns(
        required=(*required, "card", "service", "basis", "amount", "effective_from"),
        optional=(*optional, "zone"),
    )


def parse_rates(
    table: Table, problems: Problems, *, commissioner: FileCommissioner = NAMED_IN_EACH_ROW
) -> list[RateRow]:
    """Checked rate rows; the bad ones are left out and noted in problems, as is a row giving
    a second rate for the same card, service, zone and date."""
    parsed = [rate for row in table.rows if (rate := _rate(row, problems, commissioner))]
    problems.duplicates(
        (
            (r.line, (r.commissioner, r.card, r.service, r.zone, r.effective_from), r.describe())
            for r in parsed
        ),
        "service",
        "the rate for",
    )
    return parsed


def _rate(row: Row, problems: Problems, file_commissioner: FileCommissioner) -> RateRow | None:
    before = len(problems)
    commissioner = file_commissioner.of(row, problems)
    card = problems.cell(row, "card", parse_name)
    service = problems.cell(row, "service", str)
    basis = problems.cell(row, "basis", lambda t: parse_choice(t, RateBasis))
    amount = problems.cell(row, "amount", parse_amount)
    effective_from = problems.cell(row, "effective_from", parse_date)
    if len(problems) > before or not (commissioner and card and service and basis):
        return None
    if amount is None or effective_from is None:
        return None
    return RateRow(
        row.line,
        commissioner,
        card,
        service,
        row.get("zone") or None,
        basis,
        amount,
        effective_from,
    )
