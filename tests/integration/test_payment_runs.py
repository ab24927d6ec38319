"""Payment runs on the database: made from kept visit records, approved for good, corrected
by adjustments in a later run; rule sets by name; queries resolved; invoices reconciled."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from caremarket.db import payments as payment_lines
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.calendar import LONDON
from caremarket.domain.contracts import Term
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Tier, Vehicle, VehicleKind
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.payment_runs import RunApproved, RunsOverlap
from caremarket.domain.reconciliation import Difference
from caremarket.domain.schedules import DateRange
from caremarket.domain.visit_queries import Resolution, VisitQuery
from caremarket.services import contracts, payments
from caremarket.services.contracts import ContractAward
from caremarket.services.ports import AuditFilter, KeptVisit
from tests.builders import (
    A_MOMENT,
    a_care_package,
    a_commissioner,
    a_lot,
    a_provider,
    a_rate_card,
    a_service,
)

FINANCE = Actor("finance@example.org", Role.FINANCE)
WEEK = (date(2018, 3, 26), date(2018, 4, 1))
NEXT_WEEK = (date(2018, 4, 2), date(2018, 4, 8))


@pytest.fixture
def kept(uow: SqlUnitOfWork) -> dict[str, int]:
    return add_a_daily_package(uow)


def add_a_daily_package(uow: SqlUnitOfWork) -> dict[str, int]:
    """PKG-0001, one 30-minute call a day from 1 March 2018 at Herefordshire's rate: the ids
    of its provider and of the package."""
    commissioner, service, provider = a_commissioner(), a_service(), a_provider()
    package = a_care_package(
        commissioner=commissioner,
        service=service,
        provider=provider,
        pattern=parse_pattern("1x30 daily"),
        start_on=date(2018, 3, 1),
    )
    with uow:
        uow.commissioners.add(commissioner)
        uow.services.add(service)
        uow.providers.add(provider)
        uow.rate_cards.add(a_rate_card(commissioner, service))
        uow.packages.add(package)
        uow.flush()
        ids = {"provider": provider.id, "package": package.id}
        uow.commit()
    return ids


def a_record(day: date, minutes: int = 30, **overrides: object) -> VisitRecord:
    start = datetime.combine(day, time(7, 30), tzinfo=LONDON)
    values: dict[str, object] = {
        "visit_id": f"V-{day:%m%d}",
        "planned_start_at": start,
        "planned_minutes": 30,
        "status": VisitStatus.COMPLETED,
        "package_reference": "PKG-0001",
        "actual_start_at": start,
        "actual_end_at": start + timedelta(minutes=minutes),
    }
    return VisitRecord(**(values | overrides))  # type: ignore[arg-type]


def keep(uow: SqlUnitOfWork, ids: dict[str, int], *records: VisitRecord, version: int = 1):
    with uow:
        found = uow.visits.add(
            [KeptVisit(ids["provider"], r, version, A_MOMENT, ids["package"]) for r in records]
        )
        uow.commit()
    return found


def a_contract(uow: SqlUnitOfWork, *, payment_rules: str):
    """Wyeside Home Care's contract for lot O-A, which PKG-0001 is now in, naming its rules."""
    with uow:
        package = uow.packages.get("PKG-0001")
        lot = a_lot(zones=[package.zone])
        lot.admit(package.provider, Tier.LEAD)
        commissioners = [package.commissioner]
        uow.vehicles.add(Vehicle("HFD-DPS", "Home care", VehicleKind.DPS, commissioners, [lot]))
        uow.flush()
        package.lot = lot
        uow.commit()
    award = ContractAward(
        vehicle="HFD-DPS",
        lot="O-A",
        provider="Wyeside Home Care",
        commissioner="HFD",
        term=Term.of_years(date(2017, 4, 1), 3),
        rate_card="2017/18",
        awarded_on=date(2017, 3, 1),
        payment_rules=payment_rules,
    )
    return contracts.award_contract(uow, award, by=FINANCE, now=A_MOMENT)


def lines_of(uow: SqlUnitOfWork, reference: str):
    with uow:
        return uow.payment_runs.lines(uow.payment_runs.get(reference))


def test_a_run_is_made_approved_and_then_final(uow: SqlUnitOfWork, kept) -> None:
    monday = WEEK[0]
    keep(uow, kept, *(a_record(monday + timedelta(days=n)) for n in range(7)))
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    lines = lines_of(uow, run.reference)
    # Good Friday (30 March 2018) is a bank holiday, but the default rules do not enhance it
    assert [x.amount for x in lines] == [Decimal("7.90")] * 7
    assert dict(lines[0].funders) == {"HFD": Decimal("7.90")}
    with pytest.raises(RunsOverlap):
        payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    again = payments.refresh_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    assert [replace(x, id=None) for x in lines_of(uow, again.reference)] == [
        replace(x, id=None) for x in lines
    ]
    payments.approve_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    with pytest.raises(RunApproved):
        payments.refresh_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    with pytest.raises(RunApproved):
        payments.approve_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    with uow:
        trail, _ = uow.audit.search(
            AuditFilter(object_type="payment run", object_ref=run.reference), limit=10, offset=0
        )
        assert sorted(e.action for e in trail) == [
            "payment run approved",
            "payment run made",
            "payment run made again",
        ]
        assert {e.actor for e in trail} == {FINANCE.name}


def test_a_changed_visit_is_adjusted_in_the_next_run_and_not_paid_twice(
    uow: SqlUnitOfWork, kept
) -> None:
    monday = WEEK[0]
    keep(uow, kept, a_record(monday, minutes=14))
    first = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    payments.approve_run(uow, first.reference, by=FINANCE, now=A_MOMENT)
    [paid] = lines_of(uow, first.reference)
    assert paid.amount == Decimal("3.95")
    keep(uow, kept, a_record(monday, minutes=30), version=2)
    keep(uow, kept, a_record(NEXT_WEEK[0]))
    later = payments.create_run(uow, "HFD", *NEXT_WEEK, by=FINANCE, now=A_MOMENT)
    lines = lines_of(uow, later.reference)
    assert [(x.visit_id, x.amount, x.adjusts_id) for x in lines] == [
        ("V-0326", Decimal("3.95"), paid.id),
        ("V-0402", Decimal("7.90"), None),
    ]
    payments.approve_run(uow, later.reference, by=FINANCE, now=A_MOMENT)
    third = payments.create_run(
        uow, "HFD", date(2018, 4, 9), date(2018, 4, 15), by=FINANCE, now=A_MOMENT
    )
    assert lines_of(uow, third.reference) == []


def test_a_held_visit_is_paid_once_its_query_is_resolved(uow: SqlUnitOfWork, kept) -> None:
    [record_id] = keep(uow, kept, a_record(WEEK[0]))
    with uow:
        [query_id] = uow.visits.add_queries(
            [VisitQuery(record_id, "manual", "confirmed by hand", True, A_MOMENT)]
        )
        uow.commit()
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    [held] = lines_of(uow, run.reference)
    assert held.held and held.queries == ("confirmed by hand",)
    payments.resolve_query(
        uow, query_id, Resolution.PAY, note="timesheet signed", by=FINANCE, now=A_MOMENT
    )
    payments.refresh_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    [line] = lines_of(uow, run.reference)
    assert (line.held, line.amount) == (False, Decimal("7.90"))
    assert "timesheet signed" in line.working


def test_payment_rules_are_kept_by_name_and_a_contract_names_them(uow: SqlUnitOfWork) -> None:
    rules = payments.set_payment_rules(
        uow, {"name": "HFD 2018", "tolerance_minutes": 10}, by=FINANCE, now=A_MOMENT
    )
    with uow:
        assert uow.payment_rules.find("HFD 2018") == rules
        assert [r.name for r, _, _ in uow.payment_rules.list()] == ["HFD 2018"]


def test_an_invoice_is_reconciled_with_the_run(uow: SqlUnitOfWork, kept) -> None:
    keep(uow, kept, a_record(WEEK[0]), a_record(WEEK[0] + timedelta(days=1)))
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    invoice = io.StringIO(
        "visit_id,package_reference,date,minutes,amount\n"
        "V-0326,PKG-0001,2018-03-26,30,7.90\n"
        "V-0328,PKG-0001,2018-03-28,45,11.85\n"
    )
    result = payments.reconcile_invoice(
        uow,
        invoice,
        provider="Wyeside Home Care",
        run=run.reference,
        reference="INV-1",
        by=FINANCE,
        now=A_MOMENT,
    )
    assert (result.matched, result.invoiced, result.paid) == (
        1,
        Decimal("19.75"),
        Decimal("15.80"),
    )
    assert [d.difference for d in result.differences] == [Difference.MISSING, Difference.EXTRA]


def test_a_contracts_named_rules_pay_easter_monday_enhanced_at_its_uplifted_rate(
    uow: SqlUnitOfWork, kept
) -> None:
    # The contract names "HFD 2018": time and a half on bank holidays (England and Wales's,
    # as none are listed). Its rates rise 2.5% from Easter Monday, 2 April 2018:
    # 15.80 × 1.025 = 16.195, 16.20 an hour; 30 minutes × 1.5 = 12.15. The day before: 7.90.
    payments.set_payment_rules(
        uow, {"name": "HFD 2018", "bank_holiday_multiplier": 1.5}, by=FINANCE, now=A_MOMENT
    )
    contract = a_contract(uow, payment_rules="HFD 2018")
    contracts.uplift_contract(
        uow,
        contract.reference,
        percent=Decimal("2.5"),
        effective_from=date(2018, 4, 2),
        agreed_on=date(2018, 3, 1),
        reason="National Living Wage",
        by=FINANCE,
        now=A_MOMENT,
    )
    keep(uow, kept, a_record(date(2018, 4, 1)), a_record(date(2018, 4, 2)))
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    later = payments.create_run(uow, "HFD", *NEXT_WEEK, by=FINANCE, now=A_MOMENT)
    [sunday] = lines_of(uow, run.reference)
    [easter_monday] = lines_of(uow, later.reference)
    assert (sunday.rate, sunday.enhancement, sunday.amount) == (
        Decimal("15.80"),
        1,
        Decimal("7.90"),
    )
    assert (easter_monday.rate, easter_monday.enhancement, easter_monday.amount) == (
        Decimal("16.20"),
        Decimal("1.5"),
        Decimal("12.15"),
    )
    assert "bank holiday, 2 April 2018" in easter_monday.working


def test_a_contract_naming_rules_never_kept_stops_the_run_saying_so(
    uow: SqlUnitOfWork, kept
) -> None:
    a_contract(uow, payment_rules="never set")
    keep(uow, kept, a_record(WEEK[0]))
    with pytest.raises(NotFound, match="there are no payment rules 'never set'"):
        payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)


def test_a_visit_named_by_its_person_is_paid_under_the_package_the_import_matched(
    uow: SqlUnitOfWork, kept
) -> None:
    record = a_record(WEEK[0], package_reference=None, person_reference="P-0001")
    keep(uow, kept, record)
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    [line] = lines_of(uow, run.reference)
    assert (line.package_reference, line.amount, line.held) == ("PKG-0001", Decimal("7.90"), False)


def test_a_visit_sent_after_its_weeks_run_is_paid_once_in_the_next_run(
    uow: SqlUnitOfWork, kept
) -> None:
    keep(uow, kept, a_record(date(2018, 3, 19)))  # before the first run: never paid by a run
    keep(uow, kept, a_record(WEEK[0]))
    first = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    assert [x.visit_id for x in lines_of(uow, first.reference)] == ["V-0326"]
    payments.approve_run(uow, first.reference, by=FINANCE, now=A_MOMENT)
    keep(uow, kept, a_record(WEEK[0] + timedelta(days=1)))  # Tuesday's, sent a week late
    later = payments.create_run(uow, "HFD", *NEXT_WEEK, by=FINANCE, now=A_MOMENT)
    [late] = lines_of(uow, later.reference)
    assert (late.visit_id, late.amount, late.adjusts_id) == ("V-0327", Decimal("7.90"), None)
    third_week = (date(2018, 4, 9), date(2018, 4, 15))
    third = payments.create_run(uow, "HFD", *third_week, by=FINANCE, now=A_MOMENT)
    assert lines_of(uow, third.reference) == []


def test_visits_kept_together_are_given_their_own_ids_in_order(uow: SqlUnitOfWork, kept) -> None:
    days = [date(2018, 3, 26) + timedelta(days=n) for n in range(5)]
    first = keep(uow, kept, *(a_record(day) for day in days))
    again = keep(uow, kept, a_record(days[3], minutes=20), a_record(days[1]), version=2)

    with uow:
        found = [uow.visits.get_by_id(i) for i in first + again]
        current = uow.visits.current(DateRange(days[0], days[-1]), provider_id=kept["provider"])

    assert [(k.record.visit_id, k.version) for k in found] == [
        *((f"V-{day:%m%d}", 1) for day in days),
        ("V-0329", 2),
        ("V-0327", 2),
    ]
    assert found[5].record.actual_end_at - found[5].record.actual_start_at == timedelta(minutes=20)
    assert [(k.record.visit_id, k.version) for k in current] == [
        ("V-0326", 1),
        ("V-0327", 2),
        ("V-0328", 1),
        ("V-0329", 2),
        ("V-0330", 1),
    ]


def test_lines_written_in_several_copies_keep_their_order_and_a_failed_one_stops_the_run(
    uow: SqlUnitOfWork, kept, monkeypatch: pytest.MonkeyPatch
) -> None:
    # on PostgreSQL a run's lines go into COPYs of COPY_LINES lines from a thread of their
    # own (db/payments.py); here two lines a COPY
    monkeypatch.setattr(payment_lines, "COPY_LINES", 2)
    monday = WEEK[0]
    keep(uow, kept, *(a_record(monday + timedelta(days=n)) for n in range(7)))
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    lines = lines_of(uow, run.reference)
    assert [x.day for x in lines] == [monday + timedelta(days=n) for n in range(7)]
    assert [x.id for x in lines] == sorted(x.id for x in lines)  # type: ignore[type-var]
    unknown = replace(lines[-1], id=None, record_id=10**9)  # no such visit record
    with uow, pytest.raises(Exception, match="foreign key|FOREIGN KEY"):
        uow.payment_runs.replace_lines(
            uow.payment_runs.get(run.reference), [replace(x, id=None) for x in lines] + [unknown]
        )
    with uow, pytest.raises(NotFound, match="no provider Nobody"):
        uow.payment_runs.replace_lines(
            uow.payment_runs.get(run.reference), [replace(lines[0], provider="Nobody")]
        )
    assert [x.id for x in lines_of(uow, run.reference)] == [x.id for x in lines]
