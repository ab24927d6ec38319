"""The audit trail is written with each change and can never be changed itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.services import accounts
from caremarket.services.audit import list_audit
from caremarket.services.ports import AuditFilter

ADMIN = Actor("ada@example.org", Role.ADMIN)
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_adding_a_user_leaves_an_entry_naming_who_and_what(uow: SqlUnitOfWork) -> None:
    accounts.add_user(
        uow,
        email="Jo@Example.org",
        name="Jo",
        role=Role.BROKER,
        password="a-long-enough-password",
        by=ADMIN,
        now=NOW,
    )
    [record], total = list_audit(uow, AuditFilter(object_type="user"))
    assert total == 1
    assert (record.actor, record.role, record.action) == ("ada@example.org", "admin", "user added")
    assert record.object_ref == "jo@example.org"
    assert record.changes["role"] == "broker"
    assert record.at == NOW


def test_times_come_back_aware_and_in_utc_whatever_zone_went_in(uow: SqlUnitOfWork) -> None:
    london_summer = datetime(2026, 7, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    accounts.add_user(
        uow,
        email="sam@example.org",
        name="Sam",
        role=Role.FINANCE,
        password="a-long-enough-password",
        by=ADMIN,
        now=london_summer,
    )
    [record], _ = list_audit(uow, AuditFilter(object_ref="sam@example.org"))
    assert record.at == london_summer
    assert record.at.tzinfo == UTC
    assert record.at.hour == 9


def test_the_database_refuses_to_change_or_delete_an_entry(uow: SqlUnitOfWork) -> None:
    accounts.add_user(
        uow,
        email="kim@example.org",
        name="Kim",
        role=Role.AUDITOR,
        password="a-long-enough-password",
        by=ADMIN,
        now=NOW,
    )
    for statement in (
        "UPDATE audit_entries SET actor = 'someone else'",
        "DELETE FROM audit_entries",
    ):
        with uow, pytest.raises(Exception, match="append-only"):
            assert uow.session is not None
            uow.session.execute(text(statement))


def test_an_import_leaves_an_entry_for_each_thing_it_added(uow: SqlUnitOfWork) -> None:
    from caremarket.services.imports import import_providers
    from tests.import_files import EXAMPLES

    import_providers(uow, EXAMPLES / "providers.csv", by=ADMIN, now=NOW)

    records, total = list_audit(uow, AuditFilter(object_type="provider"))
    assert total == 3
    assert {r.object_ref for r in records} == {
        "Wyeside Home Care",
        "Marches Community Care",
        "Golden Valley Carers",
    }
    assert {(r.actor, r.action) for r in records} == {("ada@example.org", "provider imported")}


def test_a_rejected_import_leaves_no_entry(uow: SqlUnitOfWork) -> None:
    from caremarket.domain.errors import ImportRejected
    from caremarket.services.imports import import_providers
    from tests.import_files import csv_file

    bad = csv_file("name,cqc_location_ids,cqc_rating,status", "Bad Care,2-123,Good,active")
    with pytest.raises(ImportRejected):
        import_providers(uow, bad, by=ADMIN, now=NOW)

    assert list_audit(uow)[1] == 0
