"""What a package's schedule follows beyond the package itself: its changes of pattern and its
suspensions, read for many packages at once (a payment run plans a county's packages)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.db.repositories import SqlRepository
from caremarket.domain.changes import ChangeProposal, ChangeStatus
from caremarket.domain.package_suspensions import PackageSuspension
from caremarket.services.ports import ScheduleHistory

BATCH = 1000  # package ids a query, well inside every database's limit on parameters
IN_FORCE = (ChangeStatus.APPLIED, ChangeStatus.APPROVED)


class SqlPackageSuspensions(SqlRepository[PackageSuspension]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, PackageSuspension, "id", label="suspension")

    def histories(self, package_ids: Iterable[int]) -> dict[int, ScheduleHistory]:
        """Each package's changes in force and suspensions, in two queries a thousand
        packages; a package with neither is left out."""
        changes: dict[int, list[ChangeProposal]] = defaultdict(list)
        suspensions: dict[int, list[PackageSuspension]] = defaultdict(list)
        c, s = t.change_proposals.c, t.package_suspensions.c
        wanted = sorted(set(package_ids))
        for ids in (wanted[i : i + BATCH] for i in range(0, len(wanted), BATCH)):
            query = select(c.package_id, ChangeProposal).where(
                c.package_id.in_(ids), c.status.in_(IN_FORCE)
            )
            for package_id, change in self.session.execute(query):
                changes[package_id].append(change)
            query = select(s.package_id, PackageSuspension).where(s.package_id.in_(ids))
            for package_id, suspension in self.session.execute(query):
                suspensions[package_id].append(suspension)
        return {
            k: ScheduleHistory(tuple(changes.get(k, ())), tuple(suspensions.get(k, ())))
            for k in changes.keys() | suspensions.keys()
        }
