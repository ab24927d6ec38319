"""A payment run, worked by hand: lines per visit, held queries apart, funders to the penny,
adjustments in a later run. Herefordshire's £15.80 an hour unless a test says otherwise."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.packages import CarePackage, FundingShare
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.payment_runs import (
    NOT_PAID_ON_QUERY,
    CurrentRecord,
    InvalidRun,
    PackageTerms,
    RunLine,
    expand_pools,
    funder_totals,
    period_of,
    run_lines,
    run_payments,
)
from caremarket.domain.payments import Decided, PaymentRules, split_by_funding
from caremarket.domain.rates import RateCard
from caremarket.domain.schedules import DateRange, schedule_of
from caremarket.domain.visit_queries import Resolution, VisitQuery
from tests.builders import A_MOMENT, a_care_package, a_commissioner, a_rate_card, a_service

WEEK = DateRange(date(2018, 3, 26), date(2018, 4, 1))  # Monday to Sunday; Good Friday the 30th
GOOD_FRIDAY = date(2018, 3, 30)
EASTER_MONDAY = date(2018, 4, 2)
PROVIDER = "Wyeside Home Care"
SERVICE = a_service()
HOLIDAYS = PaymentRules(
    bank_holiday_multiplier=Decimal("1.5"), bank_holidays=frozenset({GOOD_FRIDAY, EASTER_MONDAY})
)


def a_package(reference: str = "PKG-1", pattern: str = "1x30 daily", **kw) -> CarePackage:
    return a_care_package(
        reference=reference,
        pattern=parse_pattern(pattern),
        start_on=date(2018, 3, 1),
        service=SERVICE,
        **kw,
    )


def a_card() -> RateCard:
    return a_rate_card(a_commissioner(), SERVICE)


def terms(package: CarePackage, rules=HOLIDAYS, card=None, funding=None) -> PackageTerms:
    return PackageTerms(
        package_reference=package.reference,
        provider=PROVIDER,
        service=package.service,
        zone=None,
        rules=rules,
        card=card or a_card(),
        funding=funding or package.funding,
    )


def a_visit(
    package: CarePackage,
    day: date,
    minutes: int | None = None,
    *,
    visit_id: str | None = None,
    planned_minutes: int = 30,
    record_id: int | None = None,
    queries: tuple[VisitQuery, ...] = (),
    **kw,
) -> CurrentRecord:
    start = datetime.combine(day, time(7, 30), tzinfo=LONDON)
    lasted = planned_minutes if minutes is None else minutes
    values = {
        "visit_id": visit_id or f"{package.reference}-{day:%m%d}",
        "planned_start_at": start,
        "planned_minutes": planned_minutes,
        "status": VisitStatus.COMPLETED,
        "package_reference": package.reference,
        "actual_start_at": start + timedelta(minutes=2),
        "actual_end_at": start + timedelta(minutes=2 + lasted),
    } | kw
    return CurrentRecord(VisitRecord(**values), PROVIDER, record_id, queries)


def run(
    packages, records, period=WEEK, *, card=None, funding=None, paid=(), pools=None, planned=None
):
    """`planned`: the days visits are planned for, the period's unless given."""
    planned = [v for p in packages for v in schedule_of(p).visits(planned or period)]
    by_ref = {p.reference: terms(p, card=card, funding=funding) for p in packages}
    return run_payments(period, by_ref, planned, records, paid=paid, pools=pools or {})


def amounts(result) -> dict[str, Decimal]:
    return {line.visit_id: line.amount for line in result.lines}


def test_a_run_covers_a_week_or_four_weeks():
    assert period_of(date(2018, 3, 26), date(2018, 4, 1))[1] == "weekly"
    assert period_of(date(2018, 3, 26), date(2018, 4, 22))[1] == "four-weekly"
    with pytest.raises(InvalidRun, match="a week or four weeks, not 10 days"):
        period_of(date(2018, 3, 26), date(2018, 4, 4))


def test_each_visit_is_a_line_rounded_at_the_penny_and_a_good_friday_visit_enhanced():
    # 25 minutes at £15.80 an hour is £6.5833…, £6.58; on Good Friday, × 1.5, £9.875, £9.88
    package = a_package(pattern="1x25 daily")
    records = [a_visit(package, day, planned_minutes=25) for day in WEEK.days()]
    result = run([package], records)
    paid = amounts(result)
    assert paid["PKG-1-0326"] == Decimal("6.58")
    assert paid["PKG-1-0330"] == Decimal("9.88")
    [totals] = result.totals()
    assert (totals.provider, totals.lines, totals.paid) == (PROVIDER, 7, Decimal("49.36"))
    assert totals.by_funder == (("HFD", Decimal("49.36")),)


def test_a_bank_holiday_on_the_day_of_a_rate_uplift_is_paid_the_new_rate_enhanced():
    # Easter Monday 2 April 2018, rates up 2.5% that day: 16.20 × 30 / 60 × 1.5 = 12.15
    card = a_card()
    card.uplift(Decimal("2.5"), EASTER_MONDAY)
    package = a_package()
    week = DateRange(EASTER_MONDAY, date(2018, 4, 8))
    result = run([package], [a_visit(package, day) for day in week.days()], week, card=card)
    paid = amounts(result)
    assert paid["PKG-1-0402"] == Decimal("12.15")
    assert paid["PKG-1-0403"] == Decimal("8.10")
    assert result.totals()[0].paid == Decimal("12.15") + 6 * Decimal("8.10")


def test_a_double_handed_visit_with_one_carer_is_paid_once_and_flagged_not_held():
    package = a_package(pattern="1x30x2 daily")
    monday = WEEK.first
    result = run([package], [a_visit(package, monday, carers_planned=2, carers_present=1)])
    [line] = result.lines
    assert (line.amount, line.carers_paid, line.held) == (Decimal("7.90"), 1, False)


def test_a_short_notice_cancellation_is_paid_the_planned_visit():
    package = a_package()
    start = datetime.combine(WEEK.first, time(7, 30), tzinfo=LONDON)
    cancelled = a_visit(
        package,
        WEEK.first,
        status=VisitStatus.CANCELLED,
        actual_start_at=None,
        actual_end_at=None,
        cancelled_at=start - timedelta(hours=3),
    )
    [line] = run([package], [cancelled]).lines
    assert (line.decided, line.amount) == (Decided.SHORT_NOTICE_CANCELLATION, Decimal("7.90"))


def test_an_overlap_holds_both_visits_apart_from_what_is_paid():
    first, second = a_package("PKG-1"), a_package("PKG-2")
    monday = WEEK.first
    records = [
        a_visit(first, monday, carer_ids=("C7",)),
        a_visit(second, monday, carer_ids=("C7",)),
        a_visit(first, WEEK.last),
    ]
    result = run([first, second], records)
    held = {line.visit_id for line in result.lines if line.held}
    assert held == {"PKG-1-0326", "PKG-2-0326"}
    assert all("carer C7" in q for line in result.lines if line.held for q in line.queries)
    [totals] = result.totals()
    assert (totals.paid, totals.held_lines, totals.held) == (
        Decimal("7.90"),
        2,
        Decimal("15.80"),
    )


def test_a_query_raised_by_the_import_holds_until_resolved_pay_or_do_not_pay():
    package = a_package()
    query = VisitQuery(1, "manual", "confirmed by hand", True, A_MOMENT, id=1)
    monday, tuesday, wednesday = (WEEK.first + timedelta(days=n) for n in range(3))
    records = [
        a_visit(package, monday, queries=(query,)),
        a_visit(package, tuesday, queries=(replace(query, resolution=Resolution.PAY),)),
        a_visit(
            package,
            wednesday,
            queries=(replace(query, resolution=Resolution.DO_NOT_PAY, note="not at the home"),),
        ),
    ]
    lines = {line.day: line for line in run([package], records).lines}
    assert lines[monday].held
    assert (lines[tuesday].held, lines[tuesday].amount) == (False, Decimal("7.90"))
    assert (lines[wednesday].decided, lines[wednesday].amount) == (NOT_PAID_ON_QUERY, 0)
    assert "not at the home" in lines[wednesday].working


def test_a_pooled_budget_and_the_persons_contribution_add_up_to_the_penny():
    # 80% from the Wirral pooled budget (council 90%, CCG 10%), 20% the person's:
    # 7.90 × 72% = 5.688, × 8% = 0.632, × 20% = 1.58: 5.68 + 0.63 + 1.58 = 7.89,
    # and the penny left goes to the council, which lost most (0.008) in rounding down.
    funding = (FundingShare("WIRRAL-POOL", Decimal(80)), FundingShare("PERSON", Decimal(20)))
    pools = {"WIRRAL-POOL": (FundingShare("WBC", Decimal(90)), FundingShare("CCG", Decimal(10)))}
    package = a_package()
    result = run([package], [a_visit(package, WEEK.first)], funding=funding, pools=pools)
    [line] = result.lines
    assert dict(line.funders) == {
        "WBC": Decimal("5.69"),
        "CCG": Decimal("0.63"),
        "PERSON": Decimal("1.58"),
    }
    assert sum(dict(line.funders).values()) == line.amount
    assert expand_pools(funding, pools) == (
        FundingShare("WBC", Decimal(72)),
        FundingShare("CCG", Decimal(8)),
        FundingShare("PERSON", Decimal(20)),
    )


def test_lines_come_a_provider_at_a_time_unless_a_weekly_contribution_spans_two():
    # PKG-1's visits are one provider's; PKG-2's two providers', its person paying £10 a
    # week: that week's lines of both are final together, the £10 taken in order of day
    funding = (
        FundingShare("HFD", Decimal(100)),
        FundingShare("PERSON", Decimal(0), weekly=Decimal("10.00")),
    )
    alone, shared = a_package("PKG-1"), a_package("PKG-2", funding=funding)
    records = [
        replace(a_visit(alone, WEEK.first), provider="Alpha Care"),
        replace(a_visit(shared, WEEK.first), provider="Beta Care"),
        a_visit(shared, WEEK.first + timedelta(days=1)),  # Wyeside Home Care's
    ]
    planned = [v for p in (alone, shared) for v in schedule_of(p).visits(WEEK)]
    by_ref = {alone.reference: terms(alone), shared.reference: terms(shared, funding=funding)}
    batches = list(run_lines(WEEK, by_ref, planned, records))
    assert [[line.provider for line in batch] for batch in batches] == [
        ["Alpha Care"],
        ["Beta Care", PROVIDER],
    ]
    beta, wyeside = batches[1]
    assert (dict(beta.funders), dict(wyeside.funders)) == (
        {"PERSON": Decimal("7.90"), "HFD": Decimal("0.00")},
        {"PERSON": Decimal("2.10"), "HFD": Decimal("5.80")},
    )
    assert [line for batch in batches for line in batch] == list(
        run_payments(WEEK, by_ref, planned, records).lines
    )


def test_a_run_is_reproducible_from_its_inputs():
    package = a_package(pattern="1x25 daily")
    records = [a_visit(package, day, planned_minutes=25, minutes=14) for day in WEEK.days()]
    assert run([package], records) == run([package], list(reversed(records)))


def approved(result, first_id: int = 100) -> list[RunLine]:
    return [replace(line, id=first_id + n) for n, line in enumerate(result.lines)]


def test_a_changed_record_is_adjusted_in_a_later_run_by_the_difference():
    package = a_package()
    monday = WEEK.first
    first = run([package], [a_visit(package, monday, minutes=14, record_id=1)])
    assert amounts(first) == {"PKG-1-0326": Decimal("3.95")}  # 14 min: rounded to 15
    paid = approved(first)
    next_week = DateRange(date(2018, 4, 2), date(2018, 4, 8))
    corrected = a_visit(package, monday, minutes=30, record_id=2)  # a new version
    both_weeks = DateRange(monday, next_week.last)
    later = run([package], [corrected], next_week, paid=paid, planned=both_weeks)
    [adjustment] = later.lines
    assert (adjustment.adjusts_id, adjustment.amount) == (100, Decimal("3.95"))
    assert adjustment.funders == (("HFD", Decimal("3.95")),)
    assert "adjusts line 100" in adjustment.working


def test_nothing_is_paid_twice_when_a_paid_visit_has_not_changed():
    package = a_package()
    record = a_visit(package, WEEK.first, record_id=1)
    paid = approved(run([package], [record]))
    assert run([package], [record], paid=paid).lines == ()


def test_a_held_visit_resolved_after_approval_is_paid_in_full_by_a_later_run():
    package = a_package()
    query = VisitQuery(1, "overlap", "carer C7 is also at another visit", True, A_MOMENT, id=9)
    held = approved(run([package], [a_visit(package, WEEK.first, record_id=1, queries=(query,))]))
    assert held[0].held
    resolved = a_visit(
        package, WEEK.first, record_id=1, queries=(replace(query, resolution=Resolution.PAY),)
    )
    [line] = run([package], [resolved], paid=held).lines
    assert (line.adjusts_id, line.amount, line.held) == (100, Decimal("7.90"), False)
    assert funder_totals([line]) == (("HFD", Decimal("7.90")),)
    again = approved(run([package], [resolved], paid=held), first_id=200)
    assert run([package], [resolved], paid=held + again).lines == ()


def test_a_visit_not_planned_is_held():
    package = a_package(pattern="1x30 Mon")
    tuesday = WEEK.first + timedelta(days=1)
    [line] = run([package], [a_visit(package, tuesday)]).lines
    assert line.held
    assert any("planned" in q for q in line.queries)


@given(
    pence=st.integers(min_value=-100_000, max_value=100_000),
    pooled=st.integers(min_value=1, max_value=100),
    council=st.integers(min_value=1, max_value=99),
)
def test_a_pooled_split_always_adds_up_to_the_line(pence: int, pooled: int, council: int) -> None:
    amount = Decimal(pence) / 100
    funding = [FundingShare("POOL", Decimal(pooled))]
    if pooled < 100:
        funding.append(FundingShare("PERSON", Decimal(100 - pooled)))
    pools = {
        "POOL": (FundingShare("WBC", Decimal(council)), FundingShare("CCG", Decimal(100 - council)))
    }
    parts = split_by_funding(amount, expand_pools(funding, pools))
    assert sum((p.amount for p in parts), Decimal(0)) == amount
    assert all(p.amount == p.amount.quantize(Decimal("0.01")) for p in parts)
