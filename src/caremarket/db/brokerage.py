"""Keeping brokerage: sourcing rounds with their offers and bids, policies, notifications.

The sourcing engine's state is a frozen value; here it is written to rows and read back.
Saving is guarded twice so that a package is awarded once whatever the concurrency: the
round's row is locked while it is read for a change (`FOR UPDATE` on PostgreSQL), and every
save checks the version it read (SQLite, which has no row locks, fails the loser here).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload

from caremarket.db import tables as t
from caremarket.domain.errors import ConcurrentChange
from caremarket.domain.market import Commissioner, CqcRating, Lot, Tier
from caremarket.domain.notifications import Notification
from caremarket.domain.packages import CarePackage
from caremarket.domain.policies import Candidate, SourcingPolicy
from caremarket.domain.sourcing import Bid, Offer, Phase, Sourcing
from caremarket.services.ports import PolicySetting, SourcingRound

S = t.sourcings.c


class SqlSourcings:
    def __init__(self, session: Session) -> None:
        self.session = session

    def current(self, package: CarePackage, *, lock: bool = False) -> SourcingRound | None:
        query = _ROUNDS.where(S.package_id == package.id).order_by(S.round.desc())
        if lock:
            query = query.with_for_update(of=t.sourcings)
        rows = self.session.execute(query.limit(1)).all()
        return next(iter(self._rounds(rows, {package.id: package})), None)

    def rounds(self, package: CarePackage) -> list[SourcingRound]:
        rows = self.session.execute(_ROUNDS.where(S.package_id == package.id).order_by(S.round))
        return self._rounds(rows.all(), {package.id: package})

    def add(self, sourcing: SourcingRound) -> None:
        self.session.flush()  # the package's id
        values = self._values(sourcing.state) | {
            "package_id": sourcing.package.id,
            "round": sourcing.number,
            "cause": sourcing.cause,
            "policy": sourcing.state.policy,
            "candidates": [_candidate_data(c) for c in sourcing.state.candidates],
            "requested_at": sourcing.requested_at,
            "requested_by": sourcing.requested_by,
            "awarded_at": sourcing.awarded_at,
            "closed_at": sourcing.closed_at,
            "version": 1,
        }
        sourcing.id = self.session.execute(insert(t.sourcings).values(values)).inserted_primary_key[
            0
        ]
        sourcing.version = 1
        self._write_children(
            sourcing.id, Sourcing(sourcing.state.policy, (), Phase.OFFERING), sourcing.state
        )

    def save(self, sourcing: SourcingRound, state: Sourcing, **changes: Any) -> None:
        assert sourcing.id is not None
        values = self._values(state) | changes | {"version": sourcing.version + 1}
        if state.candidates != sourcing.state.candidates:  # a provider suspended meanwhile
            values["candidates"] = [_candidate_data(c) for c in state.candidates]
        statement = (
            update(t.sourcings)
            .where(S.id == sourcing.id, S.version == sourcing.version)
            .values(values)
        )
        try:
            changed = self.session.execute(statement).rowcount
        except OperationalError as error:  # SQLite: another writer got there first
            self._wait_for_the_other_writer()
            raise ConcurrentChange(
                "someone else changed this package at the same moment: try again"
            ) from error
        if changed != 1:
            raise ConcurrentChange(
                "someone else changed this package at the same moment: try again"
            )
        self._write_children(sourcing.id, sourcing.state, state)
        sourcing.state = state
        sourcing.version += 1
        for name, value in changes.items():
            setattr(sourcing, name, value)

    def _wait_for_the_other_writer(self) -> None:
        """Return once the writer that beat this transaction has committed (SQLite).

        SQLite refuses a write at once, busy timeout or not, to a transaction that began by
        reading while another connection writes. Retried straight away, the loser would read
        the old state again and lose again, until its retries ran out before the winner had
        even committed. So the lost transaction ends here, and taking (then dropping) the
        write lock waits, up to the busy timeout, for the winner: the retry reads its award.
        """
        engine = self.session.get_bind().engine
        if engine.dialect.name != "sqlite":
            return
        self.session.rollback()  # lost anyway; and it gives its connection back to the pool
        with engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            assert driver is not None
            try:
                driver.execute("BEGIN IMMEDIATE")
                driver.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass  # still busy after the timeout: the retry will find out

    def due(self, now: datetime, *, limit: int) -> list[SourcingRound]:
        query = (
            _ROUNDS.where(S.due_at <= now, S.phase == Phase.OFFERING)
            .order_by(S.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=t.sourcings)
        )
        return self._with_packages(self.session.execute(query))

    def open_offers(self, provider_id: int | None = None) -> list[SourcingRound]:
        offered = select(t.offers.c.sourcing_id).where(t.offers.c.outcome.is_(None))
        if provider_id is not None:
            offered = offered.where(t.offers.c.provider_id == provider_id)
        query = _ROUNDS.where(S.id.in_(offered)).order_by(S.due_at, S.id)
        return self._with_packages(self.session.execute(query))

    def waiting(self) -> list[SourcingRound]:
        query = _ROUNDS.where(S.phase == Phase.WAITING, S.closed_at.is_(None))
        return self._with_packages(self.session.execute(query.order_by(S.requested_at)))

    def under_way(self) -> list[SourcingRound]:
        query = _ROUNDS.where(S.phase.in_((Phase.OFFERING, Phase.WAITING)), S.closed_at.is_(None))
        return self._with_packages(self.session.execute(query.order_by(S.id)))

    def policy(self, commissioner: Commissioner, lot: Lot | None = None) -> SourcingPolicy | None:
        c = t.sourcing_policies.c
        query = select(c.policy).where(c.commissioner_id == commissioner.id)
        query = query.where(c.lot_id.is_(None) if lot is None else c.lot_id == lot.id)
        return self.session.scalar(query)

    def policies(self, commissioner: Commissioner) -> list[PolicySetting]:
        c = t.sourcing_policies.c
        rows = self.session.execute(
            select(c.lot_id, c.policy, c.set_at, c.set_by)
            .where(c.commissioner_id == commissioner.id)
            .order_by(c.lot_id.is_not(None), c.lot_id)
        )
        return [
            PolicySetting(
                None if row.lot_id is None else self.session.get_one(Lot, row.lot_id),
                row.policy,
                row.set_at,
                row.set_by,
            )
            for row in rows
        ]

    def next_due(self) -> datetime | None:
        return self.session.scalar(select(func.min(S.due_at)).where(S.phase == Phase.OFFERING))

    def set_policy(
        self,
        commissioner: Commissioner,
        lot: Lot | None,
        policy: SourcingPolicy,
        *,
        at: datetime,
        by: str,
    ) -> None:
        c = t.sourcing_policies.c
        values = {"policy": policy, "set_at": at, "set_by": by}
        where = [
            c.commissioner_id == commissioner.id,
            c.lot_id.is_(None) if lot is None else c.lot_id == lot.id,
        ]
        if self.session.execute(update(t.sourcing_policies).where(*where).values(values)).rowcount:
            return
        lot_id = None if lot is None else lot.id
        self.session.execute(
            insert(t.sourcing_policies).values(
                values | {"commissioner_id": commissioner.id, "lot_id": lot_id}
            )
        )

    def _with_packages(self, rows: Iterable[Row[Any]]) -> list[SourcingRound]:
        rows = list(rows)
        ids = {row.package_id for row in rows}
        packages = {}
        if ids:
            query = (
                select(CarePackage)
                .where(t.care_packages.c.id.in_(ids))
                .options(*(joinedload(getattr(CarePackage, name)) for name in _SHOWN))
            )
            packages = {p.id: p for p in self.session.scalars(query)}
        return self._rounds(rows, packages)

    def _rounds(
        self, rows: Sequence[Row[Any]], packages: dict[int | None, CarePackage]
    ) -> list[SourcingRound]:
        """Rounds from their rows, with the offers and bids of all of them read in one query
        each (not one per round: a provider's open offers can be hundreds of rounds)."""
        if not rows:
            return []
        ids = [row.id for row in rows]
        offers: dict[int, list[Offer]] = defaultdict(list)
        for o in self.session.execute(
            select(t.offers, t.providers.c.name)
            .join(t.providers, t.providers.c.id == t.offers.c.provider_id)
            .where(t.offers.c.sourcing_id.in_(ids))
            .order_by(t.offers.c.sourcing_id, t.offers.c.position)
        ):
            offers[o.sourcing_id].append(
                Offer(
                    o.name,
                    o.stage,
                    o.made_at,
                    o.ends_at,
                    o.outcome,
                    o.responded_at,
                    o.reason,
                    o.note,
                )
            )
        bids: dict[int, list[Bid]] = defaultdict(list)
        for b in self.session.execute(
            select(t.bids, t.providers.c.name)
            .join(t.providers, t.providers.c.id == t.bids.c.provider_id)
            .where(t.bids.c.sourcing_id.in_(ids))
            .order_by(t.bids.c.sourcing_id, t.bids.c.position)
        ):
            bids[b.sourcing_id].append(
                Bid(b.name, Decimal(b.hourly_rate), b.earliest_start, b.made_at, b.note, b.stage)
            )
        return [
            self._round(row, packages[row.package_id], offers[row.id], bids[row.id]) for row in rows
        ]

    def _round(
        self, row: Row[Any], package: CarePackage, offers: list[Offer], bids: list[Bid]
    ) -> SourcingRound:
        state = Sourcing(
            policy=row.policy,
            candidates=tuple(_candidate(c) for c in row.candidates),
            phase=row.phase,
            stage=row.stage,
            stage_ends_at=row.stage_ends_at,
            queue=tuple(row.queue),
            offers=tuple(offers),
            bids=tuple(bids),
            awarded_to=row.awarded_to,
            start_on=row.start_on,
            rate_cap=None if row.rate_cap is None else Decimal(row.rate_cap),
        )
        return SourcingRound(
            package=package,
            number=row.round,
            cause=row.cause,
            state=state,
            requested_at=row.requested_at,
            requested_by=row.requested_by,
            awarded_at=row.awarded_at,
            closed_at=row.closed_at,
            id=row.id,
            version=row.version,
        )

    def _values(self, state: Sourcing) -> dict[str, Any]:
        return {
            "phase": state.phase,
            "stage": state.stage,
            "stage_ends_at": state.stage_ends_at,
            "due_at": state.due_at,
            "queue": state.queue,
            "rate_cap": state.rate_cap,
            "awarded_to_id": self._provider_ids([state.awarded_to])[state.awarded_to]
            if state.awarded_to
            else None,
            "start_on": state.start_on,
            "first_offer_at": state.first_offer_at,
        }

    def _write_children(self, sourcing_id: int, before: Sourcing, after: Sourcing) -> None:
        """Offers and bids only grow; an offer's outcome is written once it has one. Each kind
        of change is one statement with many rows (an award closes every other offer)."""
        made = after.offers[len(before.offers) :]
        bid = after.bids[len(before.bids) :]
        ids = self._provider_ids([o.provider for o in made] + [b.provider for b in bid])
        closed = [
            {
                "at": position,
                "outcome": offer.outcome,
                "responded_at": offer.responded_at,
                "reason": offer.reason,
                "note": offer.note,
            }
            for position, (old, offer) in enumerate(zip(before.offers, after.offers, strict=False))
            if old != offer
        ]
        if closed:
            o = t.offers.c
            self.session.execute(
                update(t.offers).where(o.sourcing_id == sourcing_id, o.position == bindparam("at")),
                closed,
            )
        if made:
            self.session.execute(
                insert(t.offers),
                [
                    {
                        "sourcing_id": sourcing_id,
                        "position": position,
                        "provider_id": ids[offer.provider],
                        "stage": offer.stage,
                        "made_at": offer.made_at,
                        "ends_at": offer.ends_at,
                        "outcome": offer.outcome,
                        "responded_at": offer.responded_at,
                        "reason": offer.reason,
                        "note": offer.note,
                    }
                    for position, offer in enumerate(made, start=len(before.offers))
                ],
            )
        if bid:
            self.session.execute(
                insert(t.bids),
                [
                    {
                        "sourcing_id": sourcing_id,
                        "position": position,
                        "provider_id": ids[b.provider],
                        "stage": b.stage,
                        "hourly_rate": b.hourly_rate,
                        "earliest_start": b.earliest_start,
                        "made_at": b.made_at,
                        "note": b.note,
                    }
                    for position, b in enumerate(bid, start=len(before.bids))
                ],
            )

    def _provider_ids(self, names: Iterable[str | None]) -> dict[str | None, int]:
        wanted = {n for n in names if n}
        if not wanted:
            return {}
        rows = self.session.execute(
            select(t.providers.c.name, t.providers.c.id).where(t.providers.c.name.in_(wanted))
        )
        return {name: id_ for name, id_ in rows}


# A round's row with the name of the provider it was awarded to (a subquery, not a join, so
# that FOR UPDATE locks the round's row alone).
_ROUNDS = select(
    t.sourcings,
    select(t.providers.c.name)
    .where(t.providers.c.id == S.awarded_to_id)
    .scalar_subquery()
    .label("awarded_to"),
)
# What the lists of rounds show of each package, loaded with it.
_SHOWN = ("commissioner", "zone", "service")


def _candidate_data(candidate: Candidate) -> dict[str, str | None]:
    return {
        "provider": candidate.provider,
        "tier": candidate.tier.value,
        "rating": candidate.rating.value,
        "lot": candidate.lot,
    }


def _candidate(data: dict[str, str]) -> Candidate:
    return Candidate(
        data["provider"], Tier(data["tier"]), CqcRating(data["rating"]), data.get("lot")
    )


class SqlNotifications:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, *notifications: Notification) -> None:
        self.session.add_all(notifications)

    def for_provider(self, provider_id: int, *, limit: int) -> Sequence[Notification]:
        query = select(Notification).where(t.notifications.c.provider_id == provider_id)
        return self._newest(query, limit)

    def undelivered(self, *, limit: int) -> Sequence[Notification]:
        """Not yet sent by e-mail, oldest first."""
        c = t.notifications.c
        query = select(Notification).where(c.emailed_at.is_(None)).order_by(c.at, c.id)
        # Each server process sends a different batch (PostgreSQL); never one twice.
        query = query.limit(limit).with_for_update(skip_locked=True, of=t.notifications)
        return self.session.scalars(query).all()

    def for_role(self, role: str, *, limit: int) -> Sequence[Notification]:
        return self._newest(select(Notification).where(t.notifications.c.role == role), limit)

    def _newest(self, query: Any, limit: int) -> Sequence[Notification]:
        c = t.notifications.c
        return self.session.scalars(query.order_by(c.at.desc(), c.id.desc()).limit(limit)).all()
