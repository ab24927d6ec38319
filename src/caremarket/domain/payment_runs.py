"""A payment run: a commissioner's visits of a period paid against actuals, one line a visit,
each provider's totals, every amount split between the funders to the penny.

`run_payments` is pure: the same inputs give the same run, line for line, so a run can be
re-created from what it was made of.

- **Lines.** Each current version of a visit record in the period is matched to the visits
  planned (`domain.ecm.match`), checked (`domain.ecm.check`) and priced under its contract's
  payment rules and rate card (`domain.payments.pay_visit`).
- **Held.** A visit is held, listed apart and not paid, while a query on it is open: one raised
  by the ECM import, or a check at the run that holds. A query resolved "pay" releases the
  visit; one resolved "do not pay" makes its line £0.00, with the note.
- **Funders.** A line's amount is split by its package's funding (`split_by_funding`); a funder
  that is a partnership stands for its pooled budget, shared by the partners' pool shares.
  The person's part (the ``PERSON`` funder) is their assessed contribution: a percentage
  share, or pounds a week. A weekly contribution is met first, week by week (seven days
  from the period's first), from the week's lines paid in the run, in order of day and
  visit ID, up to what the week costs; pro rata where the package starts or ends inside the
  week (`contribution_due`); the rest of each line is shared by the percentages
  (`split_week`). Lines held, sent late, and adjustments are shared by the percentages only:
  a week's contribution is settled by the run that paid the week.
- **Authorised extensions.** A visit's over-run is paid when a finance officer (or broker)
  has authorised it (`domain.visit_queries.authorise_extension`, kept with the version's
  queries): its actual time rounded, up to planned plus the minutes authorised. An
  authorisation after the visit's run was approved is paid as an adjustment in a later run.
- **Sent late.** A visit of an earlier period that came after its period's run was made, so no
  run has a line for it, is paid in the next run as a line of its own.
- **Adjustments.** An approved run is never changed. Where a visit was in an approved run and
  what it should be paid has changed since (a new version of its record, a query resolved), a
  later run carries an adjustment line: what it should be paid now less what was paid (held
  lines paid nothing), referring to the visit's first approved line. Nothing is paid twice:
  when nothing has changed, there is no line.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from caremarket.domain.contracts import Contract
from caremarket.domain.ecm import (
    CheckLimits,
    Flag,
    Matching,
    VisitRecord,
    overlap_flags,
    own_flags,
)
from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.market import ServiceType, Zone
from caremarket.domain.money import format_pounds
from caremarket.domain.packages import FundingShare, percentage_shares, weekly_contribution
from caremarket.domain.payments import (
    HUNDRED,
    PaymentLine,
    PaymentRules,
    Rate,
    contribution_due,
    pay_visit,
    split_by_funding,
    split_week,
    visit_rate,
)
from caremarket.domain.rates import RateBasis, RateCard
from caremarket.domain.schedules import DateRange, PlannedVisit
from caremarket.domain.visit_queries import (
    Resolution,
    VisitQuery,
    authorised_minutes,
    is_extension,
)

ZERO = Decimal("0.00")
NOT_PAID_ON_QUERY = "query resolved: not paid"


class RunStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class RunApproved(Conflict):
    """An approved run is final: a correction is an adjustment in a later run."""


class RunsOverlap(Conflict):
    pass


class InvalidRun(DomainError):
    pass


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    FOUR_WEEKLY = "four-weekly"


def period_of(first: date, last: date) -> tuple[DateRange, Frequency]:
    """A run's period: a week or four weeks, both days included."""
    days = (last - first).days + 1
    if days == 7:
        return DateRange(first, last), Frequency.WEEKLY
    if days == 28:
        return DateRange(first, last), Frequency.FOUR_WEEKLY
    raise InvalidRun(
        f"a payment run covers a week or four weeks, not {days} days"
        f" ({first:%d/%m/%Y} to {last:%d/%m/%Y})"
    )


@dataclass(frozen=True)
class CurrentRecord:
    """The current version of a visit record, as stored, with its provider and queries."""

    record: VisitRecord
    provider: str
    record_id: int | None = None
    queries: tuple[VisitQuery, ...] = ()


@dataclass(frozen=True)
class PackageTerms:
    """What pays a package's visits: its provider's contract, rules and rate card, and who
    funds it."""

    package_reference: str
    provider: str
    service: ServiceType
    zone: Zone | None
    rules: PaymentRules
    card: RateCard
    funding: tuple[FundingShare, ...]
    contract: Contract | None = None
    start_on: date | None = None  # the package's days, for a weekly contribution pro rata
    end_on: date | None = None


@dataclass(frozen=True)
class RunLine:
    """A line of a run, as computed and as stored (`id` once stored)."""

    provider: str
    visit_id: str
    package_reference: str | None
    day: date
    decided: str
    planned_minutes: int
    actual_seconds: int | None
    payable_minutes: int
    carers_paid: int
    rate: Decimal
    basis: RateBasis
    enhancement: Decimal
    percent: Decimal
    amount: Decimal
    funders: tuple[tuple[str, Decimal], ...]  # each funder's part, adding up to `amount`
    held: bool
    working: str
    record_id: int | None = None
    adjusts_id: int | None = None
    id: int | None = None
    queries: tuple[str, ...] = field(default=(), compare=False)  # why held, for reading

    @property
    def adjustment(self) -> bool:
        return self.adjusts_id is not None

    @property
    def paid(self) -> Decimal:
        return ZERO if self.held else self.amount


@dataclass(frozen=True)
class ProviderTotals:
    provider: str
    lines: int
    paid: Decimal
    held_lines: int
    held: Decimal
    adjustments: Decimal  # of `paid`, what adjustments add (or take back)
    by_funder: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class RunResult:
    period: DateRange
    lines: tuple[RunLine, ...]

    def providers(self) -> list[str]:
        return sorted({line.provider for line in self.lines})

    def totals(self) -> list[ProviderTotals]:
        return provider_totals(self.lines)


def run_payments(
    period: DateRange,
    terms: Mapping[str, PackageTerms],
    planned: Iterable[PlannedVisit],
    records: Iterable[CurrentRecord],
    *,
    paid: Iterable[RunLine] = (),
    pools: Mapping[str, Sequence[FundingShare]] = {},  # noqa: B006 - read only
) -> RunResult:
    """Lines for the visits of `period`, for visits of earlier days that no run has paid (sent
    late: the caller gives only those), and adjustments of what `paid` holds (the approved
    lines of earlier runs). `planned` covers the days of every record given; `terms` are by
    package reference; `pools` are the partnerships' pooled budgets by partnership code."""
    batches = run_lines(period, terms, planned, records, paid=paid, pools=pools)
    return RunResult(period, tuple(line for batch in batches for line in batch))


def run_lines(
    period: DateRange,
    terms: Mapping[str, PackageTerms],
    planned: Iterable[PlannedVisit],
    records: Iterable[CurrentRecord],
    *,
    paid: Iterable[RunLine] = (),
    pools: Mapping[str, Sequence[FundingShare]] = {},  # noqa: B006 - read only
) -> Iterator[list[RunLine]]:
    """`run_payments`' lines, in its order, a few providers' at a time, each batch as soon
    as it is final: a caller can write one while the next is worked out. Records are
    matched a provider at a time (`domain.ecm.Matching`: each day of a package whole, as
    `match` would), checked (a carer's overlaps looked for across all providers first) and
    priced; a provider's lines are final once every package they name has all its lines
    worked out (a weekly contribution is taken from a package's week as a whole)."""
    current = sorted(records, key=lambda c: (c.provider, c.record.visit_id))
    before = _paid_by_visit(paid)
    records_ = [c.record for c in current]
    matching = Matching(records_, planned)
    overlaps: dict[int, list[Flag]] = defaultdict(list)
    for index, flag in overlap_flags(records_, flagged=len(records_)):
        overlaps[index].append(flag)
    limits = CheckLimits()
    # where each provider's records end, and the last provider each package has a line of
    # (a line names its record's package: one matched by the package's day plans it)
    ends: list[int] = []
    last: dict[str | None, int] = {}
    for index, item in enumerate(current):
        if index and item.provider != current[index - 1].provider:
            ends.append(index)
        last[item.record.package_reference] = len(ends)
    ends.append(len(current))
    memo = _Memo()
    lines: list[RunLine] = []
    waits_for = -1  # the last provider the lines so far wait for
    position = 0
    for index, item in enumerate(current):
        if index == 0 or index == ends[position]:
            if index:
                position += 1
                if lines and waits_for < position:
                    yield _final(lines, period, terms, memo)
                    lines = []
            matching.match_before(ends[position])
        key = (item.provider, item.record.visit_id)
        if item.record.day > period.last and key not in before:
            continue  # a later run's
        package = terms.get(item.record.package_reference or "")
        if package is None:
            continue  # not this commissioner's to pay
        found = matching.match_of(index)
        flags = own_flags(found, limits)
        flags += overlaps.get(index, ())
        line = _line(item, found.planned, flags, package, pools, memo)
        waits_for = max(waits_for, last.get(line.package_reference, len(ends)))
        if key in before:
            weekly = weekly_contribution(package.funding)
            shared = memo.funding[package.package_reference] if weekly else None
            adjustment = _adjustment(line, before[key], shared)
            if adjustment is not None:
                lines.append(adjustment)
        else:
            lines.append(line)
    if lines:
        yield _final(lines, period, terms, memo)


def _final(
    lines: list[RunLine], period: DateRange, terms: Mapping[str, PackageTerms], memo: _Memo
) -> list[RunLine]:
    return sorted(_with_contributions(lines, period, terms, memo), key=_order)


def provider_totals(lines: Iterable[RunLine]) -> list[ProviderTotals]:
    by_provider: dict[str, list[RunLine]] = defaultdict(list)
    for line in lines:
        by_provider[line.provider].append(line)
    return [_totals(name, by_provider[name]) for name in sorted(by_provider)]


def funder_totals(lines: Iterable[RunLine]) -> tuple[tuple[str, Decimal], ...]:
    """What each funder pays of the lines not held, largest first."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if not line.held:
            for funder, amount in line.funders:
                sums[funder] += amount
    return tuple(sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))


def expand_pools(
    funding: Sequence[FundingShare], pools: Mapping[str, Sequence[FundingShare]]
) -> tuple[FundingShare, ...]:
    """A package's funding with each partnership's share given to its partners by their pool
    shares (a partner funding the package directly too gets both together). Shares stay
    exact; the split of pennies is `split_by_funding`'s."""
    parts: dict[str, Decimal] = {}
    for share in funding:
        for funder, part in _pooled(share, pools):
            parts[funder] = parts.get(funder, Decimal(0)) + part
    return tuple(FundingShare(funder, share) for funder, share in parts.items())


def _pooled(
    share: FundingShare, pools: Mapping[str, Sequence[FundingShare]]
) -> list[tuple[str, Decimal]]:
    pool = pools.get(share.funder)
    if not pool:
        return [(share.funder, share.share)]
    return [(p.funder, share.share * p.share / HUNDRED) for p in pool]


@dataclass
class _Memo:
    """What a run works out once and uses for many lines: the rate of a rate card, service,
    zone and contract on a day (the same all day; the terms' own objects, by identity, which
    live as long as the run), whether rules pay a service as planned, a package's funding
    with pools expanded, each distinct pricing (`pay_visit`'s memo) and each split of an
    amount by a funding. Pure functions' results, so a line is the same whether worked out
    or remembered."""

    rates: dict[tuple[int, int, int, int, date], Rate] = field(default_factory=dict)
    funding: dict[str, tuple[FundingShare, ...]] = field(default_factory=dict)
    as_planned: dict[tuple[int, int], bool] = field(default_factory=dict)
    priced: dict = field(default_factory=dict)
    splits: dict[tuple[tuple[FundingShare, ...], Decimal], tuple[tuple[str, Decimal], ...]] = field(
        default_factory=dict
    )

    def split(self, amount: Decimal, funding: tuple[FundingShare, ...]) -> tuple:
        key = (funding, amount)
        found = self.splits.get(key)
        if found is None:
            found = self.splits[key] = _split(amount, funding)
        return found


def _line(
    item: CurrentRecord,
    planned: PlannedVisit | None,
    flags: Sequence[Flag],
    terms: PackageTerms,
    pools: Mapping[str, Sequence[FundingShare]],
    memo: _Memo,
) -> RunLine:
    record = item.record
    day = planned.day if planned else record.day
    service = terms.service
    # what a rate depends on, by identity: many packages share a card, service and contract
    rate_key = (id(terms.card), id(service), id(terms.zone), id(terms.contract), day)
    rate = memo.rates.get(rate_key)
    if rate is None:
        rate = visit_rate(terms.card, service, terms.zone, day, contract=terms.contract)
        memo.rates[rate_key] = rate
    funding = memo.funding.get(terms.package_reference)
    if funding is None:
        shares = percentage_shares(terms.funding)
        funding = memo.funding[terms.package_reference] = expand_pools(shares, pools)
    priced = pay_visit(
        record,
        planned,
        rules=terms.rules,
        rate=rate,
        paid_as_planned=_pays_as_planned(terms, memo),
        authorised_extension_minutes=authorised_minutes(item.queries) if item.queries else 0,
        flags=flags,
        memo=memo.priced,
    )
    decided, amount, working = priced.decided.value, priced.amount, priced.working
    if not item.queries:  # most visits: nothing raised, nothing resolved
        held_by_check = [f for f in priced.flags if f.holds] if priced.flags else []
        return _run_line(item, priced, rate, amount, memo.split(amount, funding), held_by_check)
    queries = [q for q in item.queries if not is_extension(q)]
    resolved = [q for q in queries if q.resolution is not None]
    open_ = [q for q in queries if q.open and q.holds]
    refused = [q for q in resolved if q.resolution is Resolution.DO_NOT_PAY]
    released = bool(resolved) and not refused
    held_by_check = [f for f in priced.flags if f.holds] if not released else []
    # A check's flag that the import already raised as a query is that query.
    raised = {q.code for q in queries}
    held_by_check = [f for f in held_by_check if f.code.value not in raised]
    if refused:
        decided, amount = NOT_PAID_ON_QUERY, ZERO
        working = f"query resolved, not to be paid: {refused[0].note or refused[0].message}"
    elif released:
        working += "; query resolved, to be paid" + (
            f": {resolved[0].note}" if resolved[0].note else ""
        )
    held = bool(open_ or held_by_check) and not refused
    why = [q.message for q in open_] + [f.message for f in held_by_check]
    return RunLine(
        provider=item.provider,
        visit_id=record.visit_id,
        package_reference=priced.package_reference,
        day=priced.day,
        decided=decided,
        planned_minutes=priced.planned_minutes,
        actual_seconds=_seconds(priced),
        payable_minutes=priced.payable_minutes if not refused else 0,
        carers_paid=priced.carers_paid if not refused else 0,
        rate=rate.amount,
        basis=rate.basis,
        enhancement=priced.enhancement,
        percent=priced.percent,
        amount=amount,
        funders=memo.split(amount, funding),
        held=held,
        working=working,
        record_id=item.record_id,
        queries=tuple(why),
    )


def _run_line(
    item: CurrentRecord,
    priced: PaymentLine,
    rate: Rate,
    amount: Decimal,
    funders: tuple[tuple[str, Decimal], ...],
    held_by_check: list[Flag],
) -> RunLine:
    """A line of a visit without queries: `_line`'s, positionally (RunLine's field order)."""
    return RunLine(
        item.provider,
        item.record.visit_id,
        priced.package_reference,
        priced.day,
        priced.decided.value,
        priced.planned_minutes,
        None if priced.actual is None else int(priced.actual.total_seconds()),
        priced.payable_minutes,
        priced.carers_paid,
        rate.amount,
        rate.basis,
        priced.enhancement,
        priced.percent,
        amount,
        funders,
        bool(held_by_check),
        priced.working,
        item.record_id,
        None,
        None,
        tuple(f.message for f in held_by_check),
    )


def _pays_as_planned(terms: PackageTerms, memo: _Memo) -> bool:
    key = (id(terms.rules), id(terms.service))
    found = memo.as_planned.get(key)
    if found is None:
        found = memo.as_planned[key] = terms.rules.pays_as_planned(terms.service)
    return found


def _with_contributions(
    lines: list[RunLine], period: DateRange, terms: Mapping[str, PackageTerms], memo: _Memo
) -> list[RunLine]:
    """The lines with each person's weekly contribution taken first (see the module's
    docstring)."""
    weeks: dict[tuple[str, int], list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        package = terms.get(line.package_reference or "")
        if (
            package is None
            or line.adjustment
            or line.held
            or line.amount <= 0
            or not period.first <= line.day <= period.last
            or not weekly_contribution(package.funding)
        ):
            continue
        weeks[package.package_reference, (line.day - period.first).days // 7].append(index)
    lines = list(lines)
    for (reference, week), indexes in sorted(weeks.items()):
        package = terms[reference]
        weekly = weekly_contribution(package.funding)
        first = period.first + timedelta(weeks=week)
        due = contribution_due(weekly, first, start_on=package.start_on, end_on=package.end_on)
        left = due
        for index in sorted(indexes, key=lambda i: (lines[i].day, lines[i].visit_id)):
            if left <= 0:
                break
            line = lines[index]
            parts = split_week(line.amount, memo.funding[reference], contribution=left)
            taken = min(left, line.amount)
            left -= taken
            lines[index] = replace(
                line,
                funders=tuple((p.funder, p.amount) for p in parts),
                working=f"{line.working}; the person's assessed contribution"
                f" ({_pounds(weekly)} a week, {_pounds(due)} for the week from"
                f" {first:%d/%m/%Y}) pays {_pounds(taken)} of it",
            )
    return lines


def _seconds(line: PaymentLine) -> int | None:
    return None if line.actual is None else int(line.actual.total_seconds())


def _split(amount: Decimal, funding: Sequence[FundingShare]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((p.funder, p.amount) for p in split_by_funding(amount, funding))


@dataclass(frozen=True)
class _Paid:
    first: RunLine  # the first approved line, which adjustments refer to
    amount: Decimal  # paid so far: lines not held
    funders: dict[str, Decimal]
    record_id: int | None  # the version last priced
    held: bool  # the last line was held: nothing of it paid yet


def _paid_by_visit(lines: Iterable[RunLine]) -> dict[tuple[str, str], _Paid]:
    grouped: dict[tuple[str, str], list[RunLine]] = defaultdict(list)
    for line in lines:
        grouped[(line.provider, line.visit_id)].append(line)
    paid = {}
    for key, visit_lines in grouped.items():
        ordered = sorted(visit_lines, key=lambda x: x.id or 0)
        funders: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in ordered:
            if not line.held:
                for funder, part in line.funders:
                    funders[funder] += part
        paid[key] = _Paid(
            first=ordered[0],
            amount=sum((x.paid for x in ordered), ZERO),
            funders=dict(funders),
            record_id=ordered[-1].record_id,
            held=ordered[-1].held,
        )
    return paid


def _adjustment(
    now: RunLine, before: _Paid, shared: tuple[FundingShare, ...] | None = None
) -> RunLine | None:
    """`shared`: the percentage funding, for a package with a weekly contribution, whose
    week was settled when it was paid: the difference is shared by the percentages."""
    difference = now.amount - before.amount
    if now.held and before.held and now.record_id == before.record_id:
        return None  # still held on the same record: the earlier line shows it
    if not now.held and not before.held and difference == 0:
        return None  # paid right: nothing to correct
    if shared is not None:
        parts = tuple((f, a) for f, a in _split(difference, shared) if a)
    else:
        funders = dict.fromkeys(before.funders, ZERO) | dict(now.funders)
        parts = tuple(
            (funder, funders[funder] - before.funders.get(funder, ZERO))
            for funder in funders
            if funders[funder] != before.funders.get(funder, ZERO)
        )
    first = before.first
    working = (
        f"adjusts line {first.id} ({first.day:%d/%m/%Y}): now {_pounds(now.amount)},"
        f" paid {_pounds(before.amount)} before, so {_pounds(difference)}; {now.working}"
    )
    return RunLine(
        **{
            **{f: getattr(now, f) for f in _COPIED},
            "amount": difference,
            "funders": parts,
            "working": working,
            "adjusts_id": first.id,
        }
    )


_COPIED = (
    "provider",
    "visit_id",
    "package_reference",
    "day",
    "decided",
    "planned_minutes",
    "actual_seconds",
    "payable_minutes",
    "carers_paid",
    "rate",
    "basis",
    "enhancement",
    "percent",
    "held",
    "record_id",
    "queries",
)


def _order(line: RunLine) -> tuple:
    return (line.provider, line.day, line.package_reference or "", line.visit_id)


def _totals(provider: str, lines: list[RunLine]) -> ProviderTotals:
    held = [x for x in lines if x.held]
    paid = [x for x in lines if not x.held]
    return ProviderTotals(
        provider=provider,
        lines=len(lines),
        paid=sum((x.amount for x in paid), ZERO),
        held_lines=len(held),
        held=sum((x.amount for x in held), ZERO),
        adjustments=sum((x.amount for x in paid if x.adjustment), ZERO),
        by_funder=funder_totals(paid),
    )


def _pounds(amount: Decimal) -> str:
    return format_pounds(amount, pence=True)


@dataclass
class PaymentRun:
    """A commissioner's run for a period: a draft, re-made as often as needed, until approved,
    then final."""

    reference: str
    commissioner: str  # its code
    period: DateRange
    created_at: datetime
    created_by: str
    status: RunStatus = RunStatus.DRAFT
    approved_at: datetime | None = None
    approved_by: str | None = None
    id: int | None = None

    @property
    def frequency(self) -> Frequency:
        return period_of(self.period.first, self.period.last)[1]

    def check_draft(self) -> None:
        if self.status is RunStatus.APPROVED:
            raise RunApproved(
                f"payment run {self.reference} was approved by {self.approved_by}:"
                " it cannot change; a correction is an adjustment in a later run"
            )

    def approve(self, *, by: str, at: datetime) -> None:
        self.check_draft()
        self.status, self.approved_by, self.approved_at = RunStatus.APPROVED, by, at

    def overlaps(self, period: DateRange) -> bool:
        return self.period.first <= period.last and period.first <= self.period.last


def run_reference(commissioner: str, period: DateRange) -> str:
    return f"{commissioner}-{period.first:%Y-%m-%d}"
