"""Paying a visit against actuals: a contract's payment rules, as data, applied to one visit
planned and its electronic call monitoring (ECM) record, giving a payment line that carries
its working so a finance officer can reproduce the amount by hand.

The rules and their defaults (`PaymentRules()`):

- **Tolerance, 5 minutes.** A completed visit that lasted at least its planned minutes less
  the tolerance is paid its planned minutes.
- **Rounding, to 15 minutes, nearest.** A shorter visit is paid its actual time rounded to the
  unit, ``up``, ``down`` or to the ``nearest`` (a half unit rounds up). Actual time is exact,
  to the second.
- **Minimum payable time, 15 minutes** (but never more than planned).
- **Never above planned** unless an extension was authorised for the visit: then its actual
  time rounded, up to the planned minutes plus those authorised. A contract may refuse to pay
  extensions at all (`pay_authorised_extensions = false`).
- **Flat-rate services**, by default the kinds ``24-hour`` and ``sleep-in`` (codes may be
  listed too), are paid their planned hours unless missed, whatever the times recorded.
- **Carers.** A visit is paid once for each carer present, up to the carers planned; one of two
  present is paid once and flagged.
- **Missed visits** are not paid.
- **Cancellations by the person** with less than **24 hours'** notice are paid **100%** of the
  planned visit (minutes and carers planned); with more notice, nothing. Both are contract
  terms (`cancellation_notice_hours`, `short_notice_percent`).
- **Bank holidays**: the amount is multiplied by `bank_holiday_multiplier` (default 1: no
  enhancement) on the days listed in `bank_holidays`; a service passes England and Wales bank
  holidays (`caremarket.holidays.bank_holidays()`) unless the contract lists its own days.
- **Rates** are the rate card's rate in force on the visit's day, after the contract's uplifts
  (`visit_rate`): per hour, pro rata by the minute (£15.80 an hour is £7.90 for 30 minutes), or
  flat, one amount a call and carer.

A line's amount is worked exactly and rounded half-up to the penny once (`to_pennies`). Its
split between funders (`split_by_funding`) then shares out those pennies exactly: each
funder's part is rounded down to the penny and the pennies left go one by one to the parts that
lost most (the first listed on a tie), so the parts always add up to the line. A person's
assessed weekly contribution is met first from the week's payable (`split_week`).
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from caremarket.domain.contracts import Contract, long_date
from caremarket.domain.ecm import (
    Flag,
    FlagCode,
    VisitRecord,
    VisitStatus,
    format_duration,
)
from caremarket.domain.errors import DomainError
from caremarket.domain.market import ServiceType, Zone
from caremarket.domain.money import PENNY, to_pennies
from caremarket.domain.packages import PERSONAL_CONTRIBUTION, FundingShare
from caremarket.domain.rates import RateBasis, RateCard
from caremarket.domain.schedules import PlannedVisit

HUNDRED = Decimal(100)


class InvalidPaymentRules(DomainError):
    pass


class Rounding(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    NEAREST = "nearest"  # a half unit rounds up


@dataclass(frozen=True)
class PaymentRules:
    name: str = "default"
    tolerance_minutes: int = 5
    rounding_unit_minutes: int = 15
    rounding: Rounding = Rounding.NEAREST
    minimum_minutes: int = 15
    pay_authorised_extensions: bool = True
    cancellation_notice_hours: int = 24
    short_notice_percent: Decimal = HUNDRED
    paid_as_planned: frozenset[str] = frozenset({"24-hour", "sleep-in"})  # kinds or codes
    bank_holiday_multiplier: Decimal = Decimal(1)
    bank_holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for name in ("tolerance_minutes", "minimum_minutes", "cancellation_notice_hours"):
            if getattr(self, name) < 0:
                raise InvalidPaymentRules(f"{name} cannot be negative")
        if self.rounding_unit_minutes < 1:
            raise InvalidPaymentRules("the rounding unit is at least 1 minute")
        if not 0 <= self.short_notice_percent <= HUNDRED:
            raise InvalidPaymentRules("a short-notice cancellation is paid 0% to 100%")
        if self.bank_holiday_multiplier < 1:
            raise InvalidPaymentRules("a bank-holiday enhancement is a multiplier of 1 or more")

    def pays_as_planned(self, service: ServiceType) -> bool:
        return bool({service.code, service.kind.value} & self.paid_as_planned)

    def describe(self) -> str:
        return (
            f"{self.name}: planned minutes paid within {self.tolerance_minutes} minutes;"
            f" otherwise actual time rounded {self.rounding} to {self.rounding_unit_minutes}"
            f" minutes, at least {self.minimum_minutes}; cancellations with under"
            f" {self.cancellation_notice_hours} hours' notice paid"
            f" {self.short_notice_percent.normalize():f}%"
        )


def rules_from_mapping(values: Mapping[str, Any]) -> PaymentRules:
    """Payment rules from data (a TOML table): unknown keys and wrong types are refused."""
    known = {f.name for f in fields(PaymentRules)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidPaymentRules(
            f"unknown payment rule {', '.join(unknown)}; the rules are {', '.join(sorted(known))}"
        )
    converted: dict[str, Any] = {}
    for key, value in values.items():
        try:
            converted[key] = _convert(key, value)
        except (ValueError, ArithmeticError, TypeError):
            raise InvalidPaymentRules(f"{key}: {value!r} is not a valid value") from None
    return PaymentRules(**converted)


def _convert(key: str, value: Any) -> Any:
    if key == "name":
        return str(value)
    if key == "rounding":
        return Rounding(str(value).lower())
    if key in ("short_notice_percent", "bank_holiday_multiplier"):
        return Decimal(str(value))
    if key == "pay_authorised_extensions":
        if not isinstance(value, bool):
            raise TypeError(key)
        return value
    if key == "paid_as_planned":
        return frozenset(str(v) for v in value)
    if key == "bank_holidays":
        return frozenset(v if isinstance(v, date) else date.fromisoformat(str(v)) for v in value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(key)
    return value


@dataclass(frozen=True)
class Rate:
    amount: Decimal
    basis: RateBasis = RateBasis.PER_HOUR
    source: str = ""  # which rate card line, from when

    def describe(self) -> str:
        unit = "an hour" if self.basis is RateBasis.PER_HOUR else "a call"
        return f"£{self.amount:,.2f} {unit}" + (f" ({self.source})" if self.source else "")


def visit_rate(
    card: RateCard,
    service: ServiceType,
    zone: Zone | None,
    day: date,
    *,
    contract: Contract | None = None,
) -> Rate:
    """The rate card's rate in force on the visit's day, raised by the contract's uplifts."""
    line = card.rate_for(service, zone, day)
    amount = contract.rate_on(line.amount, day) if contract else line.amount
    source = f"{card.name}, {service.name} from {long_date(line.effective_from)}"
    if amount != line.amount:
        source += f", £{line.amount:,.2f} uplifted on {long_date(day)}"
    return Rate(amount, line.basis, source)


class Decided(enum.StrEnum):
    """The rule that decided a line."""

    PLANNED_WITHIN_TOLERANCE = "planned minutes: within tolerance"
    ACTUAL_ROUNDED = "actual minutes rounded"
    MINIMUM = "minimum payable time"
    EXTENSION = "authorised extension"
    FLAT_RATE_SERVICE = "flat-rate service: planned hours"
    MISSED = "missed: not paid"
    SHORT_NOTICE_CANCELLATION = "short-notice cancellation"
    CANCELLED_WITH_NOTICE = "cancelled with notice: not paid"
    NO_VALID_TIMES = "no valid times: not paid"


@dataclass(frozen=True)
class PaymentLine:
    visit_id: str
    package_reference: str | None
    day: date
    decided: Decided
    planned_minutes: int
    actual: timedelta | None
    payable_minutes: int
    carers_paid: int
    rate: Rate
    enhancement: Decimal  # the bank-holiday multiplier applied (1: none)
    percent: Decimal  # of the payable time paid (a short-notice cancellation's share)
    amount: Decimal  # rounded half-up to the penny, once
    working: str
    flags: tuple[Flag, ...] = field(default=())

    @property
    def held(self) -> bool:
        """Kept out of payment until a query on it is resolved."""
        return any(f.holds for f in self.flags)


def pay_visit(
    record: VisitRecord,
    planned: PlannedVisit | None,
    *,
    rules: PaymentRules,
    rate: Rate,
    paid_as_planned: bool = False,
    authorised_extension_minutes: int = 0,
    flags: Sequence[Flag] = (),
    memo: dict[Hashable, Priced] | None = None,
) -> PaymentLine:
    """The payment of one visit. `planned` is its planned visit (None: none matched, and the
    record's own planned minutes and carers are used, the line held by the caller's flag);
    `paid_as_planned` for a flat-rate service (`PaymentRules.pays_as_planned`); `flags` are
    the ECM checks' (`domain.ecm.check`), kept on the line.

    `memo`, a dict the caller keeps for many visits (a payment run), remembers each pricing
    worked out, working included: visits alike in everything that prices them (status,
    times, planned minutes and carers, rules, rate, enhancement) share it, so that a run of
    thousands of visits works out each distinct pricing, and writes its working, once."""
    planned_minutes = planned.minutes if planned else record.planned_minutes
    carers_planned = planned.carers if planned else (record.carers_planned or 1)
    day = planned.day if planned else record.day
    enhancement = rules.bank_holiday_multiplier if day in rules.bank_holidays else Decimal(1)
    status = record.status
    completed = status is VisitStatus.COMPLETED
    key = (
        status,
        record.duration if completed else None,
        record.notice if status is VisitStatus.CANCELLED else None,
        record.carers_present if completed else None,
        planned_minutes,
        carers_planned,
        paid_as_planned,
        authorised_extension_minutes,
        rules,
        rate,
        enhancement,
        day if enhancement != 1 else None,  # the working names a bank holiday's day
    )
    priced = memo.get(key) if memo is not None else None
    if priced is None:
        priced = _price(
            record,
            planned_minutes,
            carers_planned,
            day,
            enhancement,
            rules=rules,
            rate=rate,
            paid_as_planned=paid_as_planned,
            authorised_extension_minutes=authorised_extension_minutes,
        )
        if memo is not None:
            memo[key] = priced
    line_flags = [*flags, *priced.flags]
    if priced.decided is Decided.NO_VALID_TIMES and not any(f.holds for f in line_flags):
        line_flags.append(
            Flag(FlagCode.CHECK_OUT_BEFORE_CHECK_IN, "no valid actual times", holds=True)
        )
    return PaymentLine(
        visit_id=record.visit_id,
        package_reference=planned.package_reference if planned else record.package_reference,
        day=day,
        decided=priced.decided,
        planned_minutes=planned_minutes,
        actual=record.duration,
        payable_minutes=priced.payable_minutes,
        carers_paid=priced.carers_paid,
        rate=rate,
        enhancement=enhancement,
        percent=priced.percent,
        amount=priced.amount,
        working=priced.working,
        flags=tuple(line_flags),
    )


@dataclass(frozen=True)
class Priced:
    """What prices a visit, apart from which visit it is: shared by visits alike."""

    decided: Decided
    payable_minutes: int
    carers_paid: int
    percent: Decimal
    amount: Decimal
    working: str
    flags: tuple[Flag, ...]  # the carers' flags


def _price(
    record: VisitRecord,
    planned_minutes: int,
    carers_planned: int,
    day: date,
    enhancement: Decimal,
    *,
    rules: PaymentRules,
    rate: Rate,
    paid_as_planned: bool,
    authorised_extension_minutes: int,
) -> Priced:
    carer_flags: list[Flag] = []
    if record.status is VisitStatus.MISSED:
        payable, carers, percent, decided = 0, 0, HUNDRED, Decided.MISSED
        why = "missed: nobody came, so nothing is paid"
    elif record.status is VisitStatus.CANCELLED:
        payable, carers = planned_minutes, carers_planned
        percent, decided, why = _cancellation(record, rules)
    else:
        duration = record.duration
        carers = min(record.carers_present, carers_planned)
        carer_flags = _carer_flags(record.carers_present, carers_planned)
        percent = HUNDRED
        if paid_as_planned:
            payable, decided = planned_minutes, Decided.FLAT_RATE_SERVICE
            why = f"a flat-rate service, paid its {planned_minutes} planned minutes"
        elif duration is None or duration <= timedelta(0):
            payable, carers, decided = 0, 0, Decided.NO_VALID_TIMES
            why = "no valid check-in and check-out times, so nothing is paid until resolved"
        else:
            payable, decided, why = payable_minutes(
                duration, planned_minutes, rules, authorised_extension_minutes
            )

    exact = _exact_amount(rate, payable, carers, enhancement, percent)
    amount = to_pennies(exact)
    working = _working(why, payable, carers, rate, enhancement, percent, day, exact, amount)
    return Priced(decided, payable, carers, percent, amount, working, tuple(carer_flags))


@dataclass(frozen=True)
class Totals:
    """Lines added up: what is paid, and what is held for queries, apart."""

    lines: int
    paid: Decimal
    held_lines: int
    held: Decimal
    by_rule: tuple[tuple[Decided, int, Decimal], ...]  # each rule: lines and amount paid

    @property
    def claimed(self) -> Decimal:
        return self.paid + self.held


def totals(lines: Iterable[PaymentLine]) -> Totals:
    """The sums of lines already in pennies: exact, with no further rounding."""
    paid = held = Decimal("0.00")
    count = held_count = 0
    by_rule: dict[Decided, tuple[int, Decimal]] = {}
    for line in lines:
        count += 1
        if line.held:
            held_count += 1
            held += line.amount
            continue
        paid += line.amount
        n, amount = by_rule.get(line.decided, (0, Decimal("0.00")))
        by_rule[line.decided] = (n + 1, amount + line.amount)
    ordered = tuple((rule, *by_rule[rule]) for rule in Decided if rule in by_rule)
    return Totals(count, paid, held_count, held, ordered)


def payable_minutes(
    duration: timedelta,
    planned: int,
    rules: PaymentRules,
    authorised_extension_minutes: int = 0,
) -> tuple[int, Decided, str]:
    """Minutes paid for each carer of a completed visit, the rule, and why."""
    lasted = format_duration(duration)
    rounded = round_to_unit(duration, rules.rounding_unit_minutes, rules.rounding)
    rounding = f"rounded {rules.rounding} to {rules.rounding_unit_minutes} minutes"
    extension = authorised_extension_minutes if rules.pay_authorised_extensions else 0
    if extension and duration > timedelta(minutes=planned) and rounded > planned:
        payable = min(rounded, planned + extension)
        return (
            payable,
            Decided.EXTENSION,
            f"lasted {lasted} of {planned} planned, with {extension} more minutes authorised:"
            f" {rounding}, up to {planned + extension}, is {payable} minutes",
        )
    if duration >= timedelta(minutes=planned - rules.tolerance_minutes):
        beyond = (
            " (time beyond planned is not paid without an authorised extension)"
            if duration > timedelta(minutes=planned)
            else ""
        )
        return (
            planned,
            Decided.PLANNED_WITHIN_TOLERANCE,
            f"lasted {lasted} of {planned} planned, within the {rules.tolerance_minutes}-minute"
            f" tolerance: paid the planned {planned} minutes{beyond}",
        )
    minimum = min(rules.minimum_minutes, planned)
    if rounded < minimum:
        return (
            minimum,
            Decided.MINIMUM,
            f"lasted {lasted} of {planned} planned: {rounding} is {rounded} minutes,"
            f" below the minimum, so paid the minimum of {minimum} minutes",
        )
    payable = min(rounded, planned)
    capped = f", capped at the {planned} planned" if rounded > planned else ""
    return (
        payable,
        Decided.ACTUAL_ROUNDED,
        f"lasted {lasted} of {planned} planned, short of the {rules.tolerance_minutes}-minute"
        f" tolerance: {rounding} is {rounded} minutes{capped}",
    )


def round_to_unit(duration: timedelta, unit_minutes: int, rounding: Rounding) -> int:
    """Whole minutes, a multiple of the unit, exactly from the duration (to the microsecond)."""
    unit = timedelta(minutes=unit_minutes)
    units, left = divmod(max(duration, timedelta(0)), unit)
    if left and (rounding is Rounding.UP or (rounding is Rounding.NEAREST and left * 2 >= unit)):
        units += 1
    return units * unit_minutes


def _cancellation(record: VisitRecord, rules: PaymentRules) -> tuple[Decimal, Decided, str]:
    notice = record.notice
    limit = timedelta(hours=rules.cancellation_notice_hours)
    if notice is not None and notice >= limit:
        return (
            Decimal(0),
            Decided.CANCELLED_WITH_NOTICE,
            f"cancelled by the person {format_duration(notice)} ahead, with at least the"
            f" {rules.cancellation_notice_hours} hours' notice the contract asks: not paid",
        )
    given = f"{format_duration(notice)} ahead" if notice is not None else "without a notice time"
    return (
        rules.short_notice_percent,
        Decided.SHORT_NOTICE_CANCELLATION,
        f"cancelled by the person {given}, under {rules.cancellation_notice_hours} hours'"
        f" notice: paid {rules.short_notice_percent.normalize():f}% of the planned visit",
    )


def _carer_flags(present: int, planned: int) -> list[Flag]:
    if present < planned:
        return [
            Flag(
                FlagCode.CARERS_SHORT,
                f"{present} of {planned} carers present: paid {_times(present)}",
                holds=False,
            )
        ]
    if present > planned:
        return [
            Flag(
                FlagCode.CARERS_OVER,
                f"{present} carers present, {planned} planned: paid {_times(planned)}",
                holds=False,
            )
        ]
    return []


def _exact_amount(
    rate: Rate, minutes: int, carers: int, enhancement: Decimal, percent: Decimal
) -> Decimal:
    if minutes == 0 or carers == 0 or percent == 0:
        return Decimal(0)
    per_hour = rate.basis is RateBasis.PER_HOUR
    base = rate.amount * minutes / 60 if per_hour else rate.amount  # flat: one sum a call
    return base * carers * enhancement * percent / HUNDRED


def _working(
    why: str,
    minutes: int,
    carers: int,
    rate: Rate,
    enhancement: Decimal,
    percent: Decimal,
    day: date,
    exact: Decimal,
    amount: Decimal,
) -> str:
    if amount == 0 and exact == 0:
        return f"{why}: £0.00"
    parts = [
        f"{minutes} min × {rate.describe()}"
        if rate.basis is RateBasis.PER_HOUR
        else rate.describe(),
        f"× {carers} carer{'s' if carers != 1 else ''}",
    ]
    if enhancement != 1:
        parts.append(f"× {enhancement.normalize():f} (bank holiday, {long_date(day)})")
    if percent != HUNDRED:
        parts.append(f"× {percent.normalize():f}%")
    sum_ = " ".join(parts)
    shown = _exact_pounds(exact) if exact != amount else ""
    rounded = f" = {shown}, rounded half-up to £{amount:,.2f}" if shown else f" = £{amount:,.2f}"
    return f"{why}; {sum_}{rounded}"


def _exact_pounds(exact: Decimal) -> str:
    """'£6.5833…': enough places to see why the penny went the way it did."""
    shown = exact.quantize(Decimal("0.0001"))
    return f"£{shown.normalize():f}" + ("…" if shown != exact else "")


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


# Funders --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunderPart:
    funder: str
    share: Decimal | None  # percent; None for the person's part with a weekly contribution
    amount: Decimal


def split_by_funding(amount: Decimal, funding: Iterable[FundingShare]) -> tuple[FunderPart, ...]:
    """A line's amount (in pennies) shared by the funders' percentages, adding up exactly."""
    shares = list(funding)
    if amount != amount.quantize(PENNY):
        raise ValueError(f"{amount} is not rounded to the penny: round the line first")
    sign = -1 if amount < 0 else 1
    whole = abs(amount)
    exact = [whole * s.share / HUNDRED for s in shares]
    floored = [e.quantize(PENNY, rounding=ROUND_DOWN) for e in exact]
    pennies_left = int((whole - sum(floored, Decimal(0))) / PENNY)
    by_loss = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floored[i]), i))
    for index in by_loss[:pennies_left]:
        floored[index] += PENNY
    return tuple(
        FunderPart(s.funder, s.share, sign * part) for s, part in zip(shares, floored, strict=True)
    )


def split_week(
    amount: Decimal, funding: Sequence[FundingShare], *, contribution: Decimal = Decimal(0)
) -> tuple[FunderPart, ...]:
    """A package's payable for one week split between its funders, with the person's
    assessed weekly contribution: the person pays that first (never more than the week
    costs), and the rest is shared by the funding's percentages (`split_by_funding`). Where
    the funding also gives the person a share, the person's part is both together."""
    if contribution < 0 or contribution != contribution.quantize(PENNY):
        raise ValueError(f"an assessed contribution is pounds and pence, not {contribution}")
    if amount <= 0 or contribution == 0:
        return split_by_funding(amount, funding)
    paid_by_person = min(contribution, amount)
    parts = list(split_by_funding(amount - paid_by_person, funding))
    theirs = next((p for p in parts if p.funder == PERSONAL_CONTRIBUTION), None)
    person = FunderPart(
        PERSONAL_CONTRIBUTION, None, paid_by_person + (theirs.amount if theirs else 0)
    )
    return (person, *(p for p in parts if p.funder != PERSONAL_CONTRIBUTION))


def contribution_due(
    weekly: Decimal, week_first: date, *, start_on: date | None, end_on: date | None
) -> Decimal:
    """The person's assessed contribution for the week from `week_first`: the weekly amount,
    pro rata by the days of the week the package runs (its start and end), rounded half-up
    to the penny."""
    days = sum(
        1
        for n in range(7)
        if (start_on is None or week_first + timedelta(days=n) >= start_on)
        and (end_on is None or week_first + timedelta(days=n) <= end_on)
    )
    return weekly if days == 7 else to_pennies(weekly * days / 7)


def rules_to_mapping(rules: PaymentRules) -> dict[str, Any]:
    """Payment rules as data (JSON or TOML): what `rules_from_mapping` reads back."""
    values: dict[str, Any] = {}
    for f in fields(PaymentRules):
        value = getattr(rules, f.name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, Rounding):
            value = value.value
        elif f.name == "paid_as_planned":
            value = sorted(value)
        elif f.name == "bank_holidays":
            value = [d.isoformat() for d in sorted(value)]
        values[f.name] = value
    return values
