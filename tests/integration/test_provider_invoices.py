"""Providers' own invoices on the database: a provider sends its invoice for a run it is paid
in and sees it reconciled; never for another provider's run or lines; finance see every
invoice received with its reconciliation status."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.errors import Conflict, NotFound
from caremarket.domain.reconciliation import Difference
from caremarket.services import invoices, payments
from caremarket.services.ports import AuditFilter
from tests.builders import A_MOMENT, a_provider
from tests.integration.test_payment_runs import FINANCE, WEEK, a_record, keep, kept

__all__ = ["kept"]  # the fixture, from the payment runs' tests

INVOICE = (
    "visit_id,package_reference,date,minutes,amount\n"
    "V-0326,PKG-0001,2018-03-26,30,7.90\n"
    "V-0327,PKG-0001,2018-03-27,45,11.85\n"
    "V-0330,PKG-0001,2018-03-30,30,7.90\n"
)


@pytest.fixture
def run(uow: SqlUnitOfWork, kept) -> str:
    """Wyeside paid 7.90 for each of 26, 27 and 28 March 2018."""
    keep(uow, kept, *(a_record(WEEK[0] + timedelta(days=n)) for n in range(3)))
    return payments.create_run(uow, "HFD", *WEEK, by=FINANCE, now=A_MOMENT).reference


def wyeside(ids: dict[str, int]) -> Actor:
    return Actor("accounts@wyeside.example", Role.PROVIDER, provider_id=ids["provider"])


def test_a_provider_sends_its_invoice_and_sees_it_reconciled(
    uow: SqlUnitOfWork, kept, run: str
) -> None:
    result = invoices.submit_invoice(
        uow, io.StringIO(INVOICE), run=run, reference="W-101", by=wyeside(kept), now=A_MOMENT
    )
    assert [(d.difference, d.visit_id) for d in result.differences] == [
        (Difference.MINUTES_AND_AMOUNT, "V-0327"),
        (Difference.MISSING, "V-0328"),
        (Difference.EXTRA, "V-0330"),
    ]
    assert (result.matched, result.invoiced, result.paid) == (
        1,
        Decimal("27.65"),
        Decimal("23.70"),
    )
    with pytest.raises(Conflict):
        invoices.submit_invoice(
            uow, io.StringIO(INVOICE), run=run, reference="W-101", by=wyeside(kept), now=A_MOMENT
        )
    with uow:
        trail, _ = uow.audit.search(
            AuditFilter(object_type="invoice", object_ref="Wyeside Home Care W-101"),
            limit=5,
            offset=0,
        )
        assert [(e.action, e.actor) for e in trail] == [("invoice submitted", wyeside(kept).name)]


def test_finance_see_every_invoice_with_its_status_and_a_provider_its_own(
    uow: SqlUnitOfWork, kept, run: str
) -> None:
    invoices.submit_invoice(
        uow, io.StringIO(INVOICE), run=run, reference="W-101", by=wyeside(kept), now=A_MOMENT
    )
    agreeing = "visit_id,package_reference,date,minutes,amount\n" + "".join(
        f"V-03{d},PKG-0001,2018-03-{d},30,7.90\n" for d in (26, 27, 28)
    )
    invoices.submit_invoice(
        uow,
        io.StringIO(agreeing),
        run=run,
        reference="W-102",
        by=wyeside(kept),
        now=A_MOMENT + timedelta(hours=1),
    )
    other = a_provider(name="Other Care")
    with uow:
        uow.providers.add(other)
        uow.flush()
        theirs = Actor("accounts@other.example", Role.PROVIDER, provider_id=other.id)
        uow.commit()
    payments.reconcile_invoice(
        uow,
        io.StringIO("visit_id,package_reference,date,minutes,amount\n"),
        provider="Other Care",
        run=run,
        reference="OC-1",
        by=FINANCE,
        now=A_MOMENT + timedelta(hours=2),
    )
    seen = invoices.list_invoices(uow, viewer=FINANCE, run=run)
    assert [(i.reference, i.provider, i.agrees) for i in seen] == [
        ("OC-1", "Other Care", True),
        ("W-102", "Wyeside Home Care", True),
        ("W-101", "Wyeside Home Care", False),
    ]
    w101 = seen[2]
    assert (w101.matched, w101.missing, w101.extra, w101.different) == (1, 1, 1, 1)
    assert w101.difference == Decimal("3.95")
    mine = invoices.list_invoices(uow, viewer=wyeside(kept))
    assert [i.reference for i in mine] == ["W-102", "W-101"]
    assert invoices.list_invoices(uow, viewer=theirs) == [
        invoices.list_invoices(uow, viewer=FINANCE)[0]
    ]
    with pytest.raises(NotFound):
        invoices.invoice_reconciliation(uow, "Wyeside Home Care", "W-101", viewer=theirs)
    summary, result = invoices.invoice_reconciliation(
        uow, "Wyeside Home Care", "W-101", viewer=wyeside(kept)
    )
    assert summary.reference == result.invoice.reference == "W-101"


def test_a_provider_cannot_send_an_invoice_for_a_run_it_is_not_paid_in(
    uow: SqlUnitOfWork, kept, run: str
) -> None:
    other = a_provider(name="Other Care")
    with uow:
        uow.providers.add(other)
        uow.flush()
        theirs = Actor("accounts@other.example", Role.PROVIDER, provider_id=other.id)
        uow.commit()
    with pytest.raises(NotFound):
        invoices.submit_invoice(
            uow, io.StringIO(INVOICE), run=run, reference="OC-1", by=theirs, now=A_MOMENT
        )
    assert invoices.list_invoices(uow, viewer=FINANCE) == []
