"""Paying a visit against actuals: worked examples computed by hand, and the rules' properties."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import Flag, FlagCode, VisitRecord, VisitStatus
from caremarket.domain.market import ServiceKind
from caremarket.domain.packages import FundingShare
from caremarket.domain.payments import (
    Decided,
    InvalidPaymentRules,
    PaymentRules,
    Rate,
    Rounding,
    pay_visit,
    payable_minutes,
    round_to_unit,
    rules_from_mapping,
    split_by_funding,
    split_week,
    totals,
    visit_rate,
)
from caremarket.domain.rates import RateBasis
from caremarket.domain.schedules import PlannedVisit
from tests.builders import a_commissioner, a_rate_card, a_service

HEREFORDSHIRE = Rate(Decimal("15.80"))
SLEEP_IN = Rate(Decimal("12.80"))
RULES = PaymentRules()
A_DAY = date(2017, 7, 3)


def planned(minutes: int = 30, carers: int = 1, day: date = A_DAY, at=time(7, 30)):
    return PlannedVisit("PKG-0001", "P-0001", day, at, minutes, carers, None, 0, 0)


def a_record(
    lasted: timedelta | None = None,
    *,
    minutes: int = 30,
    day: date = A_DAY,
    status: VisitStatus = VisitStatus.COMPLETED,
    carers_present: int = 1,
    cancelled_at: datetime | None = None,
) -> VisitRecord:
    start = datetime.combine(day, time(7, 30), tzinfo=LONDON)
    lasted = timedelta(minutes=minutes) if lasted is None else lasted
    completed = status is VisitStatus.COMPLETED
    return VisitRecord(
        visit_id="V-1",
        planned_start_at=start,
        planned_minutes=minutes,
        status=status,
        package_reference="PKG-0001",
        actual_start_at=start + timedelta(minutes=2) if completed else None,
        actual_end_at=start + timedelta(minutes=2) + lasted if completed else None,
        carers_present=carers_present if completed else 0,
        cancelled_at=cancelled_at,
    )


def pay(lasted_minutes: float, planned_minutes: int = 30, rules=RULES, rate=HEREFORDSHIRE, **kw):
    lasted = timedelta(minutes=lasted_minutes)
    carers = kw.pop("carers", 1)
    record = a_record(lasted, minutes=planned_minutes, carers_present=kw.pop("present", carers))
    return pay_visit(record, planned(planned_minutes, carers), rules=rules, rate=rate, **kw)


# Worked examples --------------------------------------------------------------------------------


def test_a_thirty_minute_visit_at_fifteen_eighty_an_hour_is_paid_seven_ninety():
    line = pay(30)
    assert (line.payable_minutes, line.amount) == (30, Decimal("7.90"))
    assert line.decided is Decided.PLANNED_WITHIN_TOLERANCE
    assert line.working.endswith("30 min × £15.80 an hour × 1 carer = £7.90")


def test_a_visit_within_five_minutes_of_planned_is_paid_its_planned_minutes():
    line = pay(25)  # 30 planned less the 5-minute tolerance
    assert (line.payable_minutes, line.amount) == (30, Decimal("7.90"))
    assert "lasted 25 min of 30 planned, within the 5-minute tolerance" in line.working


def test_a_short_visit_is_paid_its_actual_time_rounded_to_the_nearest_quarter_hour():
    # an hour planned, 38 minutes delivered: 38 / 15 = 2.53 units, nearest 3 = 45 minutes;
    # 45 / 60 x 15.80 = 11.85
    line = pay(38, planned_minutes=60)
    assert (line.decided, line.payable_minutes, line.amount) == (
        Decided.ACTUAL_ROUNDED,
        45,
        Decimal("11.85"),
    )
    assert "rounded nearest to 15 minutes is 45 minutes" in line.working


def test_rounding_up_or_down_follows_the_contract():
    up = PaymentRules(rounding=Rounding.UP)
    down = PaymentRules(rounding=Rounding.DOWN)
    assert pay(31, planned_minutes=60, rules=up).payable_minutes == 45
    assert pay(44, planned_minutes=60, rules=down).payable_minutes == 30


def test_a_half_unit_rounds_up_to_the_nearest():
    assert round_to_unit(timedelta(minutes=22, seconds=30), 15, Rounding.NEAREST) == 30
    assert round_to_unit(timedelta(minutes=22, seconds=29), 15, Rounding.NEAREST) == 15


def test_a_very_short_visit_is_paid_the_minimum_payable_time():
    line = pay(4)  # 4 minutes rounds to 0, below the 15-minute minimum
    assert (line.decided, line.payable_minutes, line.amount) == (
        Decided.MINIMUM,
        15,
        Decimal("3.95"),
    )


def test_the_minimum_never_pays_more_than_was_planned():
    line = pay(3, planned_minutes=10, rules=PaymentRules(minimum_minutes=15, tolerance_minutes=0))
    assert line.payable_minutes == 10


def test_a_visit_is_never_paid_above_planned_without_an_authorised_extension():
    line = pay(50)
    assert (line.payable_minutes, line.amount) == (30, Decimal("7.90"))
    assert "not paid without an authorised extension" in line.working


def test_an_authorised_extension_is_paid_up_to_the_minutes_authorised():
    # 50 minutes of 30 planned, 15 more authorised: 50 rounds to 45, within 30 + 15
    line = pay(50, authorised_extension_minutes=15)
    assert (line.decided, line.payable_minutes, line.amount) == (
        Decided.EXTENSION,
        45,
        Decimal("11.85"),
    )
    assert pay(80, authorised_extension_minutes=15).payable_minutes == 45


def test_a_contract_may_refuse_to_pay_extensions():
    rules = PaymentRules(pay_authorised_extensions=False)
    assert pay(50, rules=rules, authorised_extension_minutes=15).payable_minutes == 30


def test_each_line_is_rounded_half_up_to_the_penny_once():
    # 25 minutes at 15.80 is 6.58333...: 6.58; 30 minutes at 16.43 is 8.215: 8.22
    assert pay(25, planned_minutes=25).amount == Decimal("6.58")
    line = pay(30, rate=Rate(Decimal("16.43")))
    assert line.amount == Decimal("8.22")
    assert line.working.endswith("= £8.215, rounded half-up to £8.22")


def test_a_double_handed_visit_is_paid_for_each_carer_present():
    both = pay(45, planned_minutes=45, carers=2)
    assert (both.carers_paid, both.amount, both.flags) == (2, Decimal("23.70"), ())


def test_a_double_handed_visit_with_one_carer_is_paid_once_and_flagged():
    line = pay(45, planned_minutes=45, carers=2, present=1)
    assert (line.carers_paid, line.amount) == (1, Decimal("11.85"))
    assert [(f.code, f.message, f.holds) for f in line.flags] == [
        (FlagCode.CARERS_SHORT, "1 of 2 carers present: paid once", False)
    ]
    assert not line.held


def test_more_carers_than_planned_are_paid_only_as_planned():
    line = pay(30, present=2)
    assert (line.carers_paid, line.amount) == (1, Decimal("7.90"))
    assert line.flags[0].code is FlagCode.CARERS_OVER


def test_a_missed_visit_is_not_paid():
    line = pay_visit(
        a_record(status=VisitStatus.MISSED), planned(), rules=RULES, rate=HEREFORDSHIRE
    )
    assert (line.decided, line.amount) == (Decided.MISSED, Decimal("0.00"))
    assert line.working == "missed: nobody came, so nothing is paid: £0.00"


def test_a_short_notice_cancellation_is_paid_the_contracts_percentage_of_planned():
    start = datetime.combine(A_DAY, time(7, 30), tzinfo=LONDON)
    late = a_record(status=VisitStatus.CANCELLED, cancelled_at=start - timedelta(hours=2))
    line = pay_visit(late, planned(), rules=RULES, rate=HEREFORDSHIRE)
    assert (line.decided, line.payable_minutes, line.amount) == (
        Decided.SHORT_NOTICE_CANCELLATION,
        30,
        Decimal("7.90"),
    )
    assert "cancelled by the person 2 h ahead, under 24 hours' notice: paid 100%" in line.working
    half = PaymentRules(short_notice_percent=Decimal(50))
    assert pay_visit(late, planned(), rules=half, rate=HEREFORDSHIRE).amount == Decimal("3.95")


def test_a_double_handed_short_notice_cancellation_is_paid_for_the_carers_planned():
    start = datetime.combine(A_DAY, time(7, 30), tzinfo=LONDON)
    late = a_record(status=VisitStatus.CANCELLED, cancelled_at=start - timedelta(hours=3))
    line = pay_visit(late, planned(45, carers=2), rules=RULES, rate=HEREFORDSHIRE)
    assert line.amount == Decimal("23.70")


def test_a_cancellation_with_enough_notice_is_not_paid():
    start = datetime.combine(A_DAY, time(7, 30), tzinfo=LONDON)
    early = a_record(status=VisitStatus.CANCELLED, cancelled_at=start - timedelta(hours=24))
    line = pay_visit(early, planned(), rules=RULES, rate=HEREFORDSHIRE)
    assert (line.decided, line.amount) == (Decided.CANCELLED_WITH_NOTICE, Decimal("0.00"))


def test_a_sleep_in_night_is_paid_its_planned_hours_whatever_the_times_recorded():
    # ten hours at 12.80 an hour (Herefordshire's rate for sleep-in nights)
    night = a_record(timedelta(hours=9, minutes=12), minutes=600)
    line = pay_visit(night, planned(600), rules=RULES, rate=SLEEP_IN, paid_as_planned=True)
    assert (line.decided, line.payable_minutes, line.amount) == (
        Decided.FLAT_RATE_SERVICE,
        600,
        Decimal("128.00"),
    )


def test_a_day_of_24_hour_care_is_paid_24_hours_unless_missed():
    day = a_record(timedelta(hours=23), minutes=1440)
    paid = pay_visit(day, planned(1440), rules=RULES, rate=SLEEP_IN, paid_as_planned=True)
    assert paid.amount == Decimal("307.20")
    missed = a_record(minutes=1440, status=VisitStatus.MISSED)
    unpaid = pay_visit(missed, planned(1440), rules=RULES, rate=SLEEP_IN, paid_as_planned=True)
    assert unpaid.amount == Decimal("0.00")


def test_a_flat_rate_line_pays_one_sum_a_call_and_carer():
    per_night = Rate(Decimal("95.00"), RateBasis.FLAT)
    night = a_record(minutes=600)
    line = pay_visit(night, planned(600), rules=RULES, rate=per_night, paid_as_planned=True)
    assert line.amount == Decimal("95.00")


def test_which_services_are_paid_as_planned_is_a_contract_rule():
    sleep_in = a_service(code="SLEEP-IN", name="Sleep-in night", kind=ServiceKind.SLEEP_IN)
    assert RULES.pays_as_planned(sleep_in)
    assert not RULES.pays_as_planned(a_service())
    assert PaymentRules(paid_as_planned=frozenset({"PC"})).pays_as_planned(a_service())


def test_a_visit_on_a_bank_holiday_at_a_rate_uplift_date_is_paid_the_new_rate_enhanced():
    # Easter Monday 2 April 2018: rates rise 2.5% that day (15.80 -> 16.195 -> 16.20) and the
    # contract pays time and a half on bank holidays: 16.20 x 30 / 60 x 1.5 = 12.15
    service = a_service()
    card = a_rate_card(a_commissioner(), service)
    card.uplift(Decimal("2.5"), date(2018, 4, 2))
    easter_monday, the_day_before = date(2018, 4, 2), date(2018, 4, 1)
    rules = PaymentRules(
        bank_holiday_multiplier=Decimal("1.5"), bank_holidays=frozenset({easter_monday})
    )

    def paid_on(day: date):
        rate = visit_rate(card, service, None, day)
        record = a_record(day=day)
        return pay_visit(record, planned(day=day), rules=rules, rate=rate)

    holiday = paid_on(easter_monday)
    assert (holiday.rate.amount, holiday.enhancement, holiday.amount) == (
        Decimal("16.20"),
        Decimal("1.5"),
        Decimal("12.15"),
    )
    assert "× 1.5 (bank holiday, 2 April 2018)" in holiday.working
    assert "from 2 April 2018" in holiday.working
    sunday = paid_on(the_day_before)
    assert (sunday.rate.amount, sunday.enhancement, sunday.amount) == (
        Decimal("15.80"),
        Decimal(1),
        Decimal("7.90"),
    )


def test_a_record_checked_out_before_checking_in_is_not_paid_and_is_held():
    record = a_record(timedelta(minutes=-10))
    line = pay_visit(record, planned(), rules=RULES, rate=HEREFORDSHIRE)
    assert (line.decided, line.amount, line.held) == (
        Decided.NO_VALID_TIMES,
        Decimal("0.00"),
        True,
    )


def test_held_lines_are_added_up_apart_from_those_paid():
    paid = pay(30)
    held = pay_visit(a_record(timedelta(minutes=-5)), planned(), rules=RULES, rate=HEREFORDSHIRE)
    unplanned = pay_visit(
        a_record(),
        None,
        rules=RULES,
        rate=HEREFORDSHIRE,
        flags=[Flag(FlagCode.NOT_PLANNED, "no visit planned", holds=True)],
    )
    summed = totals([paid, held, unplanned])
    assert (summed.lines, summed.paid, summed.held_lines, summed.held) == (
        3,
        Decimal("7.90"),
        2,
        Decimal("7.90"),
    )
    assert summed.claimed == Decimal("15.80")


def test_a_visit_without_a_planned_counterpart_is_priced_on_its_own_record():
    line = pay_visit(a_record(minutes=45), None, rules=RULES, rate=HEREFORDSHIRE)
    assert (line.planned_minutes, line.amount) == (45, Decimal("11.85"))


def test_the_working_lets_a_finance_officer_redo_the_sum():
    line = pay(38, planned_minutes=60)
    assert line.working == (
        "lasted 38 min of 60 planned, short of the 5-minute tolerance: rounded nearest to"
        " 15 minutes is 45 minutes; 45 min × £15.80 an hour × 1 carer = £11.85"
    )


# Splits between funders -----------------------------------------------------------------------


def test_a_line_is_split_between_funders_by_their_shares():
    parts = split_by_funding(
        Decimal("7.90"), [FundingShare("HFD", Decimal(80)), FundingShare("PERSON", Decimal(20))]
    )
    assert [(p.funder, p.amount) for p in parts] == [
        ("HFD", Decimal("6.32")),
        ("PERSON", Decimal("1.58")),
    ]


def test_pennies_left_by_a_split_go_to_the_parts_that_lost_most():
    thirds = [FundingShare(f, Decimal("33.33")) for f in ("A", "B")] + [
        FundingShare("C", Decimal("33.34"))
    ]
    # exact: 3.333, 3.333, 3.334; each rounded down to 3.33 leaves a penny for C
    assert [p.amount for p in split_by_funding(Decimal("10.00"), thirds)] == [
        Decimal("3.33"),
        Decimal("3.33"),
        Decimal("3.34"),
    ]
    halves = [FundingShare("A", Decimal(50)), FundingShare("B", Decimal(50))]
    assert [p.amount for p in split_by_funding(Decimal("0.01"), halves)] == [
        Decimal("0.01"),
        Decimal("0.00"),
    ]


def test_a_negative_adjustment_splits_like_a_payment():
    halves = [FundingShare("A", Decimal(50)), FundingShare("B", Decimal(50))]
    assert [p.amount for p in split_by_funding(Decimal("-0.03"), halves)] == [
        Decimal("-0.02"),
        Decimal("-0.01"),
    ]


def test_a_split_of_an_unrounded_amount_is_refused():
    with pytest.raises(ValueError):
        split_by_funding(Decimal("6.5833"), [FundingShare("A", Decimal(100))])


def test_the_persons_weekly_contribution_is_met_first_and_the_rest_shared():
    # a week of 14 hours at 15.80 is 221.20; the person is assessed to pay 45.50 a week
    funding = [FundingShare("HFD", Decimal(80)), FundingShare("ELRCCG", Decimal(20))]
    parts = split_week(Decimal("221.20"), funding, contribution=Decimal("45.50"))
    assert [(p.funder, p.amount) for p in parts] == [
        ("PERSON", Decimal("45.50")),
        ("HFD", Decimal("140.56")),
        ("ELRCCG", Decimal("35.14")),
    ]


def test_a_contribution_above_the_weeks_cost_is_only_the_weeks_cost():
    funding = [FundingShare("HFD", Decimal(100))]
    parts = split_week(Decimal("30.00"), funding, contribution=Decimal("45.50"))
    assert [(p.funder, p.amount) for p in parts] == [
        ("PERSON", Decimal("30.00")),
        ("HFD", Decimal("0.00")),
    ]


def test_a_contribution_and_a_persons_share_make_one_part_for_the_person():
    funding = [FundingShare("HFD", Decimal(80)), FundingShare("PERSON", Decimal(20))]
    parts = split_week(Decimal("110.00"), funding, contribution=Decimal("10.00"))
    assert [(p.funder, p.amount) for p in parts] == [
        ("PERSON", Decimal("30.00")),
        ("HFD", Decimal("80.00")),
    ]


# Rules as data --------------------------------------------------------------------------------


def test_payment_rules_are_read_from_a_toml_table():
    table = tomllib.loads(
        """
        name = "Herefordshire 2017"
        tolerance_minutes = 5
        rounding_unit_minutes = 15
        rounding = "up"
        minimum_minutes = 30
        cancellation_notice_hours = 48
        short_notice_percent = 50
        bank_holiday_multiplier = 1.5
        bank_holidays = [2017-12-25, "2017-12-26"]
        paid_as_planned = ["sleep-in", "24-hour"]
        """
    )
    rules = rules_from_mapping(table)
    assert rules.rounding is Rounding.UP
    assert rules.short_notice_percent == Decimal(50)
    assert rules.bank_holiday_multiplier == Decimal("1.5")
    assert rules.bank_holidays == {date(2017, 12, 25), date(2017, 12, 26)}
    assert rules.minimum_minutes == 30


def test_defaults_stand_where_the_data_says_nothing():
    assert rules_from_mapping({}) == PaymentRules()


@pytest.mark.parametrize(
    "values",
    [
        {"tolerence_minutes": 5},
        {"rounding": "sideways"},
        {"tolerance_minutes": "five"},
        {"tolerance_minutes": -1},
        {"rounding_unit_minutes": 0},
        {"short_notice_percent": 150},
        {"bank_holiday_multiplier": 0.5},
        {"pay_authorised_extensions": "yes"},
    ],
)
def test_payment_rules_that_make_no_sense_are_refused(values):
    with pytest.raises(InvalidPaymentRules):
        rules_from_mapping(values)


# Properties -----------------------------------------------------------------------------------

rules_strategy = st.builds(
    PaymentRules,
    tolerance_minutes=st.integers(0, 15),
    rounding_unit_minutes=st.sampled_from([1, 5, 10, 15, 30]),
    rounding=st.sampled_from(list(Rounding)),
    minimum_minutes=st.integers(0, 30),
    pay_authorised_extensions=st.booleans(),
)
durations = st.integers(1, 10 * 3600).map(lambda s: timedelta(seconds=s))


@given(rules=rules_strategy, planned=st.integers(1, 240), lasted=durations)
def test_a_visit_is_never_paid_above_planned_without_authorisation(rules, planned, lasted):
    minutes, _, _ = payable_minutes(lasted, planned, rules)
    assert 0 <= minutes <= planned


@given(
    rules=rules_strategy,
    planned=st.integers(1, 240),
    extension=st.integers(0, 120),
    lasted=durations,
)
def test_an_extension_is_never_paid_beyond_its_authorised_minutes(
    rules, planned, extension, lasted
):
    minutes, _, _ = payable_minutes(lasted, planned, rules, extension)
    assert minutes <= planned + extension


@given(
    rules=rules_strategy,
    planned=st.integers(1, 240),
    extension=st.integers(0, 120),
    first=durations,
    second=durations,
)
def test_payment_never_falls_as_a_visit_lasts_longer(rules, planned, extension, first, second):
    shorter, longer = sorted((first, second))
    assert (
        payable_minutes(shorter, planned, rules, extension)[0]
        <= payable_minutes(longer, planned, rules, extension)[0]
    )


@given(
    pennies=st.integers(0, 1_000_000),
    contribution=st.integers(0, 100_000),
    council=st.integers(1, 100),
)
def test_a_weeks_parts_with_a_contribution_add_up_to_the_week(pennies, contribution, council):
    funding = [FundingShare("HFD", Decimal(council))]
    if council < 100:
        funding.append(FundingShare("PERSON", Decimal(100 - council)))
    amount = Decimal(pennies) / 100
    parts = split_week(amount, funding, contribution=Decimal(contribution) / 100)
    assert sum((p.amount for p in parts), Decimal(0)) == amount
    assert all(p.amount >= 0 for p in parts)


@given(
    pennies=st.integers(-1_000_000, 1_000_000),
    cuts=st.lists(st.integers(1, 9_999), max_size=4, unique=True),
)
def test_funders_parts_add_up_to_the_line_exactly(pennies, cuts):
    bounds = [0, *sorted(cuts), 10_000]
    shares = [
        FundingShare(f"F{i}", Decimal(b - a) / 100)
        for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False))
    ]
    amount = Decimal(pennies) / 100
    parts = split_by_funding(amount, shares)
    assert sum((p.amount for p in parts), Decimal(0)) == amount
    for part, share in zip(parts, shares, strict=True):
        assert abs(part.amount - amount * share.share / 100) < Decimal("0.01")


def test_times_are_compared_in_real_time_across_the_change_of_clocks():
    # 29 October 2017: clocks go back at 02:00; a visit 01:30 BST to 01:10 GMT lasted 40 minutes
    # (Python subtracts two times of the same zone by their clocks: -20 minutes)
    start = datetime(2017, 10, 29, 1, 30, tzinfo=LONDON)
    end = datetime(2017, 10, 29, 1, 10, fold=1, tzinfo=LONDON)  # the second 01:10
    record = VisitRecord(
        "V-9",
        start,
        45,
        VisitStatus.COMPLETED,
        package_reference="PKG-0001",
        actual_start_at=start,
        actual_end_at=end,
        cancelled_at=start.astimezone(UTC) - timedelta(hours=2),
    )
    assert record.duration == timedelta(minutes=40)
    assert record.notice == timedelta(hours=2)
