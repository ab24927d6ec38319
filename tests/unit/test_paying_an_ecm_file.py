"""The example ECM file paid end to end, without a database: the package's schedule, the file
read, matched, checked and priced at Herefordshire's £15.80 an hour, and split by funder.
Every figure here was worked by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from caremarket.domain.ecm import FlagCode, check, match
from caremarket.domain.packages import FundingShare, Person
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.payments import (
    Decided,
    PaymentRules,
    Rate,
    pay_visit,
    split_by_funding,
    totals,
)
from caremarket.domain.schedules import DateRange, schedule_of
from caremarket.imports.ecm import read_ecm_file
from caremarket.imports.ecm_profiles import ABACUS
from tests.builders import a_care_package, a_commissioner

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
FUNDING = (FundingShare("HFD", Decimal(80)), FundingShare("PERSON", Decimal(20)))


def test_the_example_ecm_file_is_paid_visit_by_visit_with_its_working():
    package = a_care_package(
        reference="PKG-1002",
        pattern=parse_pattern("3x45 daily; 1x30x2 Mon-Fri"),
        start_on=date(2017, 7, 3),
        funding=FUNDING,
    )
    monday = date(2017, 7, 3)
    planned = schedule_of(package).visits(DateRange(monday, monday + timedelta(days=6)))
    records = read_ecm_file(EXAMPLES / "ecm" / "visits.csv").records
    checked = check(match(records, planned))
    lines = {
        c.match.record.visit_id: pay_visit(
            c.match.record,
            c.match.planned,
            rules=PaymentRules(),
            rate=Rate(Decimal("15.80")),
            flags=c.flags,
        )
        for c in checked
    }
    assert {visit: (line.decided, line.amount) for visit, line in lines.items()} == {
        # 08:02 to 08:44 is 42 minutes, within 5 of the 45 planned: 45 min = 11.85
        "MC-50001": (Decided.PLANNED_WITHIN_TOLERANCE, Decimal("11.85")),
        # double-handed, one carer came: 30 minutes once = 7.90
        "MC-50002": (Decided.PLANNED_WITHIN_TOLERANCE, Decimal("7.90")),
        # 12:35 to 13:02 is 27 minutes of 45: nearest quarter hour, 30 min = 7.90
        "MC-50003": (Decided.ACTUAL_ROUNDED, Decimal("7.90")),
        # cancelled at 15:10 for 17:00, under 24 hours' notice: the 45 planned = 11.85
        "MC-50004": (Decided.SHORT_NOTICE_CANCELLATION, Decimal("11.85")),
        "MC-50005": (Decided.MISSED, Decimal("0.00")),
        # confirmed by hand: paid, and flagged
        "MC-50006": (Decided.PLANNED_WITHIN_TOLERANCE, Decimal("11.85")),
    }
    assert [f.code for f in lines["MC-50002"].flags] == [FlagCode.CARERS_SHORT]
    assert [f.code for f in lines["MC-50006"].flags] == [FlagCode.MANUAL]
    assert not any(line.held for line in lines.values())
    assert sum(line.amount for line in lines.values()) == Decimal("51.35")
    summed = totals(lines.values())
    assert (summed.lines, summed.paid, summed.held_lines, summed.held) == (
        6,
        Decimal("51.35"),
        0,
        Decimal("0.00"),
    )
    assert summed.by_rule == (
        (Decided.PLANNED_WITHIN_TOLERANCE, 3, Decimal("31.60")),
        (Decided.ACTUAL_ROUNDED, 1, Decimal("7.90")),
        (Decided.MISSED, 1, Decimal("0.00")),
        (Decided.SHORT_NOTICE_CANCELLATION, 1, Decimal("11.85")),
    )

    by_funder: dict[str, Decimal] = {}
    for line in lines.values():
        for part in split_by_funding(line.amount, package.funding):
            by_funder[part.funder] = by_funder.get(part.funder, Decimal(0)) + part.amount
    # 11.85 is 9.48 + 2.37 and 7.90 is 6.32 + 1.58: three of one, two of the other
    assert by_funder == {"HFD": Decimal("41.08"), "PERSON": Decimal("10.27")}


def test_the_abacus_example_is_matched_through_the_person_and_paid():
    commissioner = a_commissioner()
    package = a_care_package(
        reference="PKG-1002",
        commissioner=commissioner,
        person=Person(commissioner, "P-0002", "HR4 0LE"),
        pattern=parse_pattern("3x45 daily; 1x30x2 Mon-Fri"),
        start_on=date(2017, 7, 3),
    )
    planned = schedule_of(package).visits(DateRange(date(2017, 7, 3), date(2017, 7, 9)))
    records = read_ecm_file(EXAMPLES / "ecm" / "abacus.csv", ABACUS).records
    checked = check(match(records, planned))
    assert all(c.match.planned is not None and not c.flags for c in checked)
    amounts = [
        pay_visit(
            c.match.record, c.match.planned, rules=PaymentRules(), rate=Rate(Decimal("15.80"))
        ).amount
        for c in checked
    ]
    # 43 of 45 minutes: 45 (11.85); 30 minutes with both carers (15.80); 31 of 45: 30 (7.90)
    assert amounts == [Decimal("11.85"), Decimal("15.80"), Decimal("7.90")]
