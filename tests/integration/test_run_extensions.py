"""Authorised extensions in payment runs: a visit that ran over its planned minutes is paid
beyond planned only once a finance officer has authorised it, never more than its actual time
rounded; after the run is approved, as an adjustment in the next."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.visit_queries import NothingToExtend, Resolution, VisitQuery
from caremarket.services import payments
from caremarket.services.ports import AuditFilter
from tests.builders import A_MOMENT
from tests.integration.test_payment_runs import (
    FINANCE,
    NEXT_WEEK,
    WEEK,
    a_record,
    keep,
    kept,
    lines_of,
)

__all__ = ["kept"]  # the fixture, shared
PROVIDER = "Wyeside Home Care"


def test_an_over_run_is_paid_up_to_the_minutes_authorised(uow: SqlUnitOfWork, kept) -> None:
    keep(uow, kept, a_record(WEEK[0], minutes=50))  # 30 planned, lasted 50
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    [line] = lines_of(uow, run.reference)
    assert (line.payable_minutes, line.amount) == (30, Decimal("7.90"))

    payments.authorise_extension(
        uow, 10, provider=PROVIDER, visit_id="V-0326", note="carer stayed", by=FINANCE,
        now=A_MOMENT,
    )  # fmt: skip
    payments.refresh_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    [line] = lines_of(uow, run.reference)
    # 50 minutes rounded to the nearest 15 is 45, above the 40 authorised: 40 minutes at
    # £15.80 an hour is £10.5333…, £10.53
    assert (line.decided, line.payable_minutes, line.amount, line.held) == (
        "authorised extension",
        40,
        Decimal("10.53"),
        False,
    )
    with uow:
        [authorised] = uow.audit.search(
            AuditFilter(object_type="visit", object_ref="V-0326"), limit=5, offset=0
        )[0]
        assert (authorised.action, authorised.changes["minutes"], authorised.reason) == (
            "visit extension authorised",
            10,
            "carer stayed",
        )


def test_an_extension_authorised_after_approval_is_an_adjustment_in_the_next_run(
    uow: SqlUnitOfWork, kept
) -> None:
    keep(uow, kept, a_record(WEEK[0], minutes=50))
    first = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    payments.approve_run(uow, first.reference, by=FINANCE, now=A_MOMENT)
    [paid] = lines_of(uow, first.reference)
    payments.authorise_extension(
        uow, 30, provider=PROVIDER, visit_id="V-0326", note=None, by=FINANCE, now=A_MOMENT
    )
    later = payments.create_run(uow, "HFD", *NEXT_WEEK, by=FINANCE, now=A_MOMENT)
    # 30 more authorised, but the visit's 50 minutes round to 45: never more than that;
    # £11.85 less the £7.90 paid
    [adjustment] = lines_of(uow, later.reference)
    assert (adjustment.adjusts_id, adjustment.payable_minutes, adjustment.amount) == (
        paid.id,
        45,
        Decimal("3.95"),
    )
    payments.approve_run(uow, later.reference, by=FINANCE, now=A_MOMENT)
    third = payments.create_run(
        uow, "HFD", NEXT_WEEK[1].replace(day=9), NEXT_WEEK[1].replace(day=15), by=FINANCE,
        now=A_MOMENT,
    )  # fmt: skip
    assert lines_of(uow, third.reference) == []  # paid once


def test_an_extension_on_a_held_query_is_paid_once_the_query_is_resolved(
    uow: SqlUnitOfWork, kept
) -> None:
    [record_id] = keep(uow, kept, a_record(WEEK[0], minutes=50))
    with uow:
        [query_id] = uow.visits.add_queries(
            [VisitQuery(record_id, "manual", "confirmed by hand", True, A_MOMENT)]
        )
        uow.commit()
    payments.authorise_extension(
        uow, 15, query_id=query_id, note="agreed with the family", by=FINANCE, now=A_MOMENT
    )
    run = payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT)
    [held] = lines_of(uow, run.reference)
    assert held.held and held.queries == ("confirmed by hand",)  # the extension holds nothing
    payments.resolve_query(uow, query_id, Resolution.PAY, note=None, by=FINANCE, now=A_MOMENT)
    payments.refresh_run(uow, run.reference, by=FINANCE, now=A_MOMENT)
    [line] = lines_of(uow, run.reference)
    assert (line.held, line.payable_minutes, line.amount) == (False, 45, Decimal("11.85"))


def test_a_visit_that_did_not_run_over_has_nothing_to_extend(uow: SqlUnitOfWork, kept) -> None:
    keep(uow, kept, a_record(WEEK[0], minutes=28))
    with pytest.raises(NothingToExtend):
        payments.authorise_extension(
            uow, 10, provider=PROVIDER, visit_id="V-0326", note=None, by=FINANCE, now=A_MOMENT
        )
