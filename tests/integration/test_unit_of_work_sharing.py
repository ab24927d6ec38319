"""A `with uow:` inside another shares its session, and the packages active on a day are read
once in a session until it changes something (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.packages import PackageStatus
from tests.builders import a_care_package

DAY = date(2017, 8, 1)


def test_an_inner_with_joins_the_outer_session_and_leaves_it_open(uow: SqlUnitOfWork) -> None:
    with uow:
        outer = uow.session
        with uow:
            assert uow.session is outer
        assert uow.session is outer  # still open for the outer use case
    assert uow.session is None


def test_active_packages_are_read_once_until_the_session_changes_something(
    uow: SqlUnitOfWork,
) -> None:
    with uow:
        uow.packages.add(a_care_package(start_on=date(2017, 7, 1)))
        uow.commit()
    with uow:
        first = uow.packages.active_on(DAY, commissioner_code="HFD")
        assert uow.packages.active_on(DAY, commissioner_code="HFD") is first
        assert [p.reference for p in first] == ["PKG-0001"]
        first[0].status = PackageStatus.ENDED  # a change not yet flushed: read again
        assert uow.packages.active_on(DAY, commissioner_code="HFD") == []
        uow.flush()  # and once flushed, nothing kept from before
        assert uow.packages.active_on(DAY, commissioner_code="HFD") == []
