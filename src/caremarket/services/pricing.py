"""Pricing an ECM file without a database (`caremarket payments price`): each visit paid under
a contract's payment rules (a TOML file) at the rates of a rates file, every line with its
payable minutes, rate, carers, enhancement, amount and the rule that decided it, and totals.

Finance officers use it to check a provider's invoice. With no packages at hand, each visit is
paid against its own planned minutes and carers (as `domain.payments.pay_visit` does for a visit
with no planned counterpart), and the checks that need no schedule run on the file alone:
overlaps of a carer, check-out before check-in, implausible durations, manual confirmation and
cancellations without a notice time. A flag that holds keeps the line out of the paid total
(shown apart as held). Bank holidays, unless the rules list their own, are England and Wales's.
"""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from caremarket.domain.ecm import FlagCode, Match, VisitRecord, check
from caremarket.domain.errors import DomainError, RowProblem
from caremarket.domain.payments import (
    PaymentLine,
    PaymentRules,
    Rate,
    Totals,
    pay_visit,
    rules_from_mapping,
    totals,
)
from caremarket.holidays import bank_holidays
from caremarket.imports.csvfile import Source
from caremarket.imports.ecm import read_ecm_file
from caremarket.imports.ecm_profiles import CAREMARKET, Profile
from caremarket.imports.price_rates import PriceRate, read_price_rates

LINE_COLUMNS = (
    "visit_id",
    "package_reference",
    "person_reference",
    "day",
    "decided",
    "planned_minutes",
    "actual_minutes",
    "payable_minutes",
    "carers_paid",
    "rate",
    "basis",
    "enhancement",
    "percent",
    "amount",
    "held",
    "flags",
    "working",
)


class NoRate(DomainError):
    pass


@dataclass(frozen=True)
class Pricing:
    rules: PaymentRules
    lines: tuple[PaymentLine, ...]
    totals: Totals
    problems: tuple[RowProblem, ...]  # the file's bad rows: not priced
    warnings: tuple[str, ...] = ()
    persons: tuple[str | None, ...] = ()  # each line's person, where the file names only them


def read_rules(text: str) -> PaymentRules:
    """Payment rules from a TOML file's text (docs/formats.md, Payment rules)."""
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DomainError(f"the payment rules are not valid TOML: {error}") from None
    rules = rules_from_mapping(values)
    if not rules.bank_holidays:
        rules = replace(rules, bank_holidays=bank_holidays())
    return rules


def price_ecm_file(
    rules: PaymentRules,
    rates: Sequence[PriceRate],
    visits: Source,
    profile: Profile = CAREMARKET,
) -> Pricing:
    read = read_ecm_file(visits, profile)
    records = read.records
    checked = check([Match(r, None) for r in records])
    lines = []
    for record, found in zip(records, checked, strict=True):
        flags = [f for f in found.flags if f.code is not FlagCode.NOT_PLANNED]
        lines.append(
            pay_visit(
                record,
                None,
                rules=rules,
                rate=rate_for(rates, record),
                paid_as_planned=_paid_as_planned(rules, record),
                flags=flags,
            )
        )
    persons = tuple(r.person_reference for r in records)
    return Pricing(rules, tuple(lines), totals(lines), read.problems, read.warnings, persons)


def price_files(
    rules_text: str, rates: Source, visits: Source, profile: Profile = CAREMARKET
) -> Pricing:
    return price_ecm_file(read_rules(rules_text), read_price_rates(rates), visits, profile)


def rate_for(rates: Sequence[PriceRate], record: VisitRecord) -> Rate:
    """The rate in force on the visit's day for its service, else for every service."""
    service = (record.service or "").casefold()
    for named in (True, False):
        found = [
            r
            for r in rates
            if r.effective_from <= record.day
            and ((r.service or "").casefold() == service if named else r.service is None)
        ]
        if found:
            best = max(found, key=lambda r: r.effective_from)
            whose = best.service or "every service"
            return Rate(best.amount, best.basis, f"{whose} from {best.effective_from:%d/%m/%Y}")
    raise NoRate(
        f"visit {record.visit_id}: no rate for {record.service or 'its service'}"
        f" on {record.day:%d/%m/%Y} in the rates file"
    )


def _paid_as_planned(rules: PaymentRules, record: VisitRecord) -> bool:
    return bool(record.service) and record.service.casefold() in {
        s.casefold() for s in rules.paid_as_planned
    }


def lines_csv(pricing: Pricing) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINE_COLUMNS)
    for line, person in zip(pricing.lines, pricing.persons, strict=True):
        writer.writerow(
            (
                line.visit_id,
                line.package_reference or "",
                person or "",
                line.day.isoformat(),
                line.decided.value,
                line.planned_minutes,
                _minutes(line),
                line.payable_minutes,
                line.carers_paid,
                f"{line.rate.amount:.2f}",
                line.rate.basis.value,
                _plain(line.enhancement),
                _plain(line.percent),
                f"{line.amount:.2f}",
                "yes" if line.held else "no",
                "; ".join(f"{f.code.value}{' (held)' if f.holds else ''}" for f in line.flags),
                line.working,
            )
        )
    return out.getvalue()


def describe_totals(pricing: Pricing) -> list[str]:
    summed = pricing.totals
    shown = [
        f"{summed.lines} visit{'s' if summed.lines != 1 else ''} priced under"
        f" {pricing.rules.describe()}",
        f"Paid: £{summed.paid:,.2f}",
    ]
    for rule, count, amount in summed.by_rule:
        shown.append(f"  {rule.value}: {count}, £{amount:,.2f}")
    shown.append(f"Held for queries: {summed.held_lines}, £{summed.held:,.2f}")
    shown.append(f"Claimed in all: £{summed.claimed:,.2f}")
    if pricing.problems:
        shown.append(f"Not priced: {len(pricing.problems)} problem(s) in the visits file")
    return shown


def _minutes(line: PaymentLine) -> str:
    if line.actual is None:
        return ""
    return _plain(Decimal(int(line.actual.total_seconds())) / 60)


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text
