"""The rates file of `caremarket payments price`: service, basis, amount, effective_from.

One row per rate: the rate for a service (as the ECM file names it: its `service` column,
Abacus's ServiceType) from a date, until a later row for the same service. A row with no
service is the rate for every service the file does not name. All or nothing: a bad row
refuses the file (ImportRejected), every problem named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from caremarket.domain.rates import RateBasis
from caremarket.imports.csvfile import Columns, Source, read_table
from caremarket.imports.fields import parse_amount, parse_choice, parse_date
from caremarket.imports.problems import Problems

RATE_COLUMNS = Columns(required=("basis", "amount", "effective_from"), optional=("service", "note"))


@dataclass(frozen=True)
class PriceRate:
    service: str | None  # None: every service not named
    basis: RateBasis
    amount: Decimal
    effective_from: date
    line: int = 0


def read_price_rates(source: Source) -> list[PriceRate]:
    table = read_table(source, RATE_COLUMNS)
    problems = Problems()
    rates = []
    for row in table.rows:
        basis = problems.cell(row, "basis", lambda text: parse_choice(text, RateBasis))
        amount = problems.cell(row, "amount", parse_amount)
        effective_from = problems.cell(row, "effective_from", parse_date)
        if basis is None or amount is None or effective_from is None:
            continue
        service = row.get("service").strip() or None
        rates.append(PriceRate(service, basis, amount, effective_from, row.line))
    problems.duplicates(
        ((r.line, (_key(r.service), r.effective_from), f"{r.service or 'every service'}"
          f" from {r.effective_from:%d/%m/%Y}") for r in rates),
        "effective_from",
        "a rate for",
    )  # fmt: skip
    problems.raise_if_any(table.warnings)
    return rates


def _key(service: str | None) -> str:
    return (service or "").casefold()
