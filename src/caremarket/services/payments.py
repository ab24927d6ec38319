"""Paying for delivered care: payment rule sets by name, payment runs (made as drafts,
re-made, approved for good), queries resolved by finance, and providers' invoices reconciled
with a run. The domain decides (`domain/payment_runs.py`, `domain/payments.py`,
`domain/reconciliation.py`); each use case here reads its inputs, records an audit entry and
commits once.

Where a contract's payment rules name no stored rule set, the defaults apply
(`PaymentRules()`, under `DEFAULT_PAYMENT_RULES`). Bank holidays are England and Wales'
(`caremarket.holidays`) unless the rule set lists its own days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from caremarket.collector import collection_paused
from caremarket.domain import visit_queries
from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.contracts import DEFAULT_PAYMENT_RULES, Contract
from caremarket.domain.errors import Conflict, NotFound
from caremarket.domain.market import Commissioner
from caremarket.domain.packages import (
    CarePackage,
    FundingShare,
    weekly_contribution,
    with_weekly_contribution,
)
from caremarket.domain.payment_runs import (
    CurrentRecord,
    PackageTerms,
    PaymentRun,
    RunLine,
    RunsOverlap,
    period_of,
    run_lines,
    run_reference,
)
from caremarket.domain.payments import PaymentRules, rules_from_mapping
from caremarket.domain.rates import RateCard
from caremarket.domain.reconciliation import Reconciliation, reconcile
from caremarket.domain.schedules import DateRange
from caremarket.domain.visit_queries import Resolution, VisitQuery, resolve
from caremarket.holidays import bank_holidays
from caremarket.imports.csvfile import Source
from caremarket.imports.invoices import read_invoice
from caremarket.services.ports import KeptVisit, UnitOfWork
from caremarket.services.schedules import planned_visits

RUN = "payment run"
RULES = "payment rules"


class NoRateCard(NotFound):
    pass


def set_payment_rules(
    uow: UnitOfWork, values: Mapping[str, Any], *, by: Actor, now: datetime
) -> PaymentRules:
    """Keep a rule set under its name (`name` in `values`), replacing one of the same name."""
    rules = rules_from_mapping(values)
    with uow:
        before = uow.payment_rules.find(rules.name)
        uow.payment_rules.set(rules, at=now, by=by.name)
        action = "payment rules changed" if before else "payment rules set"
        uow.audit.record(entry(by, now, action, (RULES, rules.name), {"rules": rules.describe()}))
        uow.commit()
    return rules


def set_assessed_contribution(
    uow: UnitOfWork, package: str, weekly: Decimal | None, *, by: Actor, now: datetime
) -> CarePackage:
    """The person's assessed contribution to a package as pounds a week (from the financial
    assessment), replacing any weekly amount before; None takes it away. Runs made from now
    take it first from each week's cost (`domain.payment_runs`); approved runs keep theirs."""
    with uow:
        found = uow.packages.get(package)
        before = weekly_contribution(found.funding)
        found.funding = with_weekly_contribution(found.funding, weekly)
        uow.audit.record(
            entry(
                by,
                now,
                "assessed contribution set",
                ("care package", found.reference),
                {"weekly": str(weekly or Decimal("0.00")), "before": str(before)},
            )
        )
        uow.commit()
    return found


def assessed_contribution(uow: UnitOfWork, package: str) -> Decimal:
    """The person's weekly assessed contribution to a package (0: none set)."""
    with uow:
        return weekly_contribution(uow.packages.get(package).funding)


def create_run(
    uow: UnitOfWork, commissioner: str, first: date, last: date, *, by: Actor, now: datetime
) -> PaymentRun:
    """A draft run for the commissioner's week or four weeks; refused where another run
    covers any of its days."""
    period, frequency = period_of(first, last)
    with uow, collection_paused():
        owner = uow.commissioners.get(commissioner)
        clash = uow.payment_runs.overlapping(owner.code, period)
        if clash:
            raise RunsOverlap(
                f"payment run {clash[0].reference} already covers"
                f" {clash[0].period.first:%d/%m/%Y} to {clash[0].period.last:%d/%m/%Y}"
            )
        run = PaymentRun(run_reference(owner.code, period), owner.code, period, now, by.name)
        uow.payment_runs.add(run)
        lines: list[RunLine] = []
        uow.payment_runs.replace_lines(run, _kept(_lines(uow, owner, period), lines))
        summary = {**_summary(run, lines), "frequency": frequency.value}
        uow.audit.record(entry(by, now, "payment run made", (RUN, run.reference), summary))
        uow.commit()
    return run


def refresh_run(uow: UnitOfWork, reference: str, *, by: Actor, now: datetime) -> PaymentRun:
    """A draft made again from what is known now (new versions, queries resolved)."""
    with uow, collection_paused():
        run = uow.payment_runs.get(reference)
        run.check_draft()
        owner = uow.commissioners.get(run.commissioner)
        batches = _lines(uow, owner, run.period)
        run.created_at, run.created_by = now, by.name
        uow.payment_runs.save(run)
        lines: list[RunLine] = []
        uow.payment_runs.replace_lines(run, _kept(batches, lines))
        uow.audit.record(
            entry(by, now, "payment run made again", (RUN, run.reference), _summary(run, lines))
        )
        uow.commit()
    return run


def approve_run(uow: UnitOfWork, reference: str, *, by: Actor, now: datetime) -> PaymentRun:
    with uow:
        run = uow.payment_runs.get(reference)
        run.approve(by=by.name, at=now)
        uow.payment_runs.save(run)
        lines = uow.payment_runs.lines(run)
        uow.audit.record(
            entry(by, now, "payment run approved", (RUN, run.reference), _summary(run, lines))
        )
        uow.commit()
    return run


def resolve_query(
    uow: UnitOfWork,
    query_id: int,
    resolution: Resolution,
    *,
    note: str | None,
    by: Actor,
    now: datetime,
) -> None:
    """A finance officer's decision on a held visit: pay it, or not, with a note. The next
    run (or a draft made again) pays it accordingly."""
    with uow:
        query = uow.visits.get_query(query_id)
        resolved = resolve(query, resolution, by=by.name, at=now, note=(note or "").strip() or None)
        uow.visits.save_resolution(resolved)
        record = uow.visits.get_by_id(query.record_id)
        uow.audit.record(
            entry(
                by,
                now,
                "visit query resolved",
                ("visit query", str(query_id)),
                {
                    "visit": record.record.visit_id,
                    "code": query.code,
                    "resolution": resolution.value,
                },
                reason=resolved.note,
            )
        )
        uow.commit()


def authorise_extension(
    uow: UnitOfWork,
    minutes: int,
    *,
    provider: str | None = None,
    visit_id: str | None = None,
    query_id: int | None = None,
    note: str | None,
    by: Actor,
    now: datetime,
) -> VisitQuery:
    """A finance officer's (or broker's) authorisation of a visit's over-run, by the visit
    (its provider and visit ID: the current version) or by a query raised on it: up to
    `minutes` beyond planned may be paid. A draft made again, or the next run, pays it (as an
    adjustment where the visit's run was approved)."""
    with uow:
        if query_id is not None:
            kept = uow.visits.get_by_id(uow.visits.get_query(query_id).record_id)
        elif provider is not None and visit_id is not None:
            kept = uow.visits.get(uow.providers.get(provider).id, visit_id)
        else:
            raise visit_queries.NothingToExtend("name the visit (provider and visit ID) or a query")
        assert kept.id is not None
        authorised = visit_queries.authorise_extension(
            kept.id, kept.record, minutes, by=by.name, at=now, note=(note or "").strip() or None
        )
        [authorised_id] = uow.visits.add_queries([authorised])
        uow.audit.record(
            entry(
                by,
                now,
                "visit extension authorised",
                ("visit", kept.record.visit_id),
                {"minutes": minutes, "planned": kept.record.planned_minutes},
                reason=authorised.note,
            )
        )
        uow.commit()
    return replace(authorised, id=authorised_id)


def reconcile_invoice(
    uow: UnitOfWork,
    source: Source,
    *,
    provider: str,
    run: str,
    reference: str,
    by: Actor,
    now: datetime,
) -> Reconciliation:
    """A provider's invoice for a run's period, kept and matched line by line to the run."""
    with uow:
        payment_run = uow.payment_runs.get(run)
        found = uow.providers.get(provider)
        invoice = read_invoice(source, reference=reference, period=payment_run.period)
        if uow.invoices.find(found.id, reference) is not None:
            raise Conflict(f"invoice {reference} of {found.name} was already received")
        uow.invoices.add(invoice, provider_id=found.id, run_id=payment_run.id, at=now, by=by.name)
        result = reconcile(invoice, uow.payment_runs.lines(payment_run, provider_id=found.id))
        uow.audit.record(
            entry(
                by,
                now,
                "invoice reconciled",
                ("invoice", f"{found.name} {reference}"),
                {
                    "run": payment_run.reference,
                    "invoiced": str(result.invoiced),
                    "paid": str(result.paid),
                    "differences": len(result.differences),
                },
            )
        )
        uow.commit()
    return result


# Reading a run's inputs -----------------------------------------------------------------------


def _lines(uow: UnitOfWork, owner: Commissioner, period: DateRange) -> Iterator[list[RunLine]]:
    """The run's lines, a few providers' at a time (`domain.payment_runs.run_lines`): read
    first, then worked out as they are written, the server taking in one batch while the
    next is worked out."""
    paid = uow.payment_runs.approved_lines_to_review(owner.code)
    kept = uow.visits.current(period, commissioner_id=owner.id)
    late = uow.payment_runs.sent_late(owner.code, period.first)
    earlier = _earlier_visits(uow, paid, late, {(k.provider_id, k.record.visit_id) for k in kept})
    providers = {p.id: p.name for p in uow.providers.list()}
    # the period's by the same filter rather than by 178,000 ids, the earlier by id
    queries = uow.visits.queries_in(period, commissioner_id=owner.id)
    queries |= uow.visits.queries_of(k.id for k in earlier if k.id is not None)
    kept += earlier
    owned = list(uow.packages.list(commissioner=owner))
    by_id = {p.id: p for p in owned}
    by_reference = {p.reference: p for p in owned}
    records: list[CurrentRecord] = []
    packages: dict[str, CarePackage] = {}
    for k in kept:
        package = by_id.get(k.package_id) or by_reference.get(k.record.package_reference or "")
        if package is None:
            continue  # not this commissioner's to pay
        packages[package.reference] = package
        # The package the import matched, where the provider's system named only the person.
        record = k.record
        if record.package_reference != package.reference:
            record = replace(record, package_reference=package.reference)
        records.append(
            CurrentRecord(record, providers[k.provider_id], k.id, tuple(queries.get(k.id, ())))
        )
    days = [k.record.day for k in kept] + [period.first]
    planned_for = DateRange(min(days), max(period.last, *days))
    planned = planned_visits(uow, packages.values(), planned_for)
    terms = _terms(uow, owner, packages.values())
    pools = {
        p.code: tuple(FundingShare(s.commissioner.code, s.share) for s in p.shares)
        for p in uow.partnerships.list()
    }
    return run_lines(period, terms, planned, records, paid=paid, pools=pools)


def _kept(batches: Iterable[list[RunLine]], lines: list[RunLine]) -> Iterator[RunLine]:
    """Each line of the batches, kept in `lines` too as it goes by (for the run's summary)."""
    for batch in batches:
        lines.extend(batch)
        yield from batch


def _earlier_visits(
    uow: UnitOfWork,
    paid: Sequence[RunLine],
    late: Sequence[tuple[int, str]],
    have: set[tuple[int, str]],
) -> list[KeptVisit]:
    """The current versions of earlier periods' visits: those approved lines may need adjusting
    for, and those sent late."""
    providers = {p.name: p.id for p in uow.providers.list()}
    keys = [(providers[line.provider], line.visit_id) for line in paid] + list(late)
    wanted: dict[int, set[str]] = {}
    for provider_id, visit_id in keys:
        if (provider_id, visit_id) not in have:
            wanted.setdefault(provider_id, set()).add(visit_id)
    found: list[KeptVisit] = []
    for provider_id, visit_ids in sorted(wanted.items()):
        found.extend(uow.visits.held(provider_id, visit_ids).values())
    return found


def _terms(
    uow: UnitOfWork, owner: Commissioner, packages: Iterable[CarePackage]
) -> dict[str, PackageTerms]:
    contracts = uow.contracts.search(commissioner=owner.code)
    rule_sets: dict[str, PaymentRules] = {}
    cards: dict[str | None, RateCard] = {}
    terms = {}
    for package in packages:
        if package.provider is None:
            continue
        contract = _contract_of(package, contracts)
        name = contract.payment_rules if contract else DEFAULT_PAYMENT_RULES
        if name not in rule_sets:
            rule_sets[name] = _rules(uow, name)
        card_name = contract.rate_card if contract else None
        if card_name not in cards:
            cards[card_name] = _card(uow, owner, card_name)
        terms[package.reference] = PackageTerms(
            package_reference=package.reference,
            provider=package.provider.name,
            service=package.service,
            zone=package.zone,
            rules=rule_sets[name],
            card=cards[card_name],
            funding=package.funding,
            contract=contract,
            start_on=package.start_on,
            end_on=package.end_on,
        )
    return terms


def _contract_of(package: CarePackage, contracts: Sequence[Contract]) -> Contract | None:
    """The provider's contract for the package's lot (the latest awarded), if any."""
    mine = [
        c
        for c in contracts
        if c.provider is package.provider and (package.lot is None or c.lot is package.lot)
    ]
    return max(mine, key=lambda c: c.awarded_on) if mine else None


def _rules(uow: UnitOfWork, name: str) -> PaymentRules:
    stored = uow.payment_rules.find(name)
    if stored is None:
        if name != DEFAULT_PAYMENT_RULES:
            raise NotFound(f"there are no payment rules {name!r}: set them first")
        stored = PaymentRules(name=DEFAULT_PAYMENT_RULES)
    if not stored.bank_holidays:
        stored = replace(stored, bank_holidays=bank_holidays())
    return stored


def _card(uow: UnitOfWork, owner: Commissioner, name: str | None) -> RateCard:
    if name is not None:
        return uow.rate_cards.get(owner, name)
    cards = sorted(uow.rate_cards.list(commissioner=owner), key=lambda c: c.name)
    if not cards:
        raise NoRateCard(f"{owner.name} has no rate card to pay visits by")
    return cards[-1]


def _summary(run: PaymentRun, lines: Sequence[RunLine]) -> dict[str, Any]:
    paid = sum((x.amount for x in lines if not x.held), start=0)
    return {
        "period": f"{run.period.first.isoformat()} to {run.period.last.isoformat()}",
        "lines": len(lines),
        "held": sum(1 for x in lines if x.held),
        "paid": str(paid),
    }
