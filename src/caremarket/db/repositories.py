"""Repositories: how the domain's objects are found and kept."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import String, event, func, insert, or_, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from caremarket.db import tables as t
from caremarket.domain.audit import AuditEntry
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Commissioner, Lot, Membership, Vehicle, Zone
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.services.ports import AuditFilter, PackageFilter, PackageListing

T = TypeVar("T")


class SqlRepository(Generic[T]):
    """Find and keep one kind of object by its natural key (a code, a name, a reference)."""

    def __init__(self, session: Session, cls: type[T], *key: str, label: str) -> None:
        self.session = session
        self.cls = cls
        self.key = key
        self.label = label

    def add(self, item: T) -> None:
        self.session.add(item)

    def add_all(self, items: Iterable[T]) -> None:
        self.session.add_all(list(items))

    def find(self, *key: Any) -> T | None:
        query = select(self.cls).filter_by(**self._where(key))
        return self.session.scalars(query).one_or_none()

    def get(self, *key: Any) -> T:
        item = self.find(*key)
        if item is None:
            raise NotFound(f"there is no {self.label} {' '.join(_show(k) for k in key)}")
        return item

    def list(self, **where: Any) -> Sequence[T]:
        return self.session.scalars(select(self.cls).filter_by(**where)).all()

    def find_each(self, keys: Iterable[Any]) -> dict[Any, T]:
        """Those of `keys` that exist, in one query, by key (a repository of one-column keys)."""
        [name] = self.key
        wanted = set(keys)
        if not wanted:
            return {}
        column = getattr(self.cls, name)
        found = self.session.scalars(select(self.cls).where(column.in_(wanted)))
        return {getattr(item, name): item for item in found}

    def _where(self, key: tuple[Any, ...]) -> dict[str, Any]:
        if len(key) != len(self.key):
            raise TypeError(f"{self.label} is found by {', '.join(self.key)}")
        return dict(zip(self.key, key, strict=True))


class SqlVehicleRepository(SqlRepository[Vehicle]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, Vehicle, "code", label="vehicle")

    def lots_for(
        self,
        commissioner: Commissioner,
        *,
        zone: Zone | None = None,
        code: str | None = None,
        members: bool = True,
    ) -> list[Lot]:
        """The lots of the vehicles `commissioner` commissions through, vehicle by vehicle,
        with their zones and services (and members, unless not wanted) loaded: a handful of
        queries however many lots there are. Only those that include `zone`, and only those
        coded `code`, if given."""
        v = t.vehicle_commissioners.c
        loads = [selectinload(Lot.zones), selectinload(Lot.services)]  # type: ignore[arg-type]
        if members:
            loads.append(selectinload(Lot.members).selectinload(Membership.provider))  # type: ignore[arg-type]
        query = (
            select(Lot)
            .join(t.vehicle_commissioners, v.vehicle_id == t.lots.c.vehicle_id)
            .where(v.commissioner_id == commissioner.id)
            .options(*loads)
            .order_by(t.lots.c.vehicle_id, t.lots.c.id)
        )
        if zone is not None:
            lz = t.lot_zones.c
            query = query.where(t.lots.c.id.in_(select(lz.lot_id).where(lz.zone_id == zone.id)))
        if code is not None:
            query = query.where(t.lots.c.code == code)
        return list(self.session.scalars(query))


class SqlPackageRepository(SqlRepository[CarePackage]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, CarePackage, "reference", label="care package")
        # active_on's answers, kept while the session writes nothing: several reports in one
        # session (the committee pack's) load a council's active packages once
        self.active: dict[tuple[date, str | None], Sequence[CarePackage]] = {}
        event.listen(session, "after_flush", lambda *_: self.active.clear())

    def active_on(
        self, day: date, *, commissioner_code: str | None = None
    ) -> Sequence[CarePackage]:
        """The packages active on the day (of one commissioner), with what reports read of
        them loaded. Asked again in the same session with nothing changed, the same list."""
        key = (day, commissioner_code)
        unchanged = not (self.session.new or self.session.dirty or self.session.deleted)
        if key in self.active and unchanged:
            return self.active[key]
        found = self._active_on(day, commissioner_code)
        self.active[key] = found
        return found

    def _active_on(self, day: date, commissioner_code: str | None) -> Sequence[CarePackage]:
        query = (
            select(CarePackage)
            .where(
                t.care_packages.c.status == PackageStatus.ACTIVE,
                t.care_packages.c.start_on <= day,
                or_(t.care_packages.c.end_on.is_(None), t.care_packages.c.end_on >= day),
            )
            .options(
                selectinload(CarePackage.commissioner),  # type: ignore[arg-type]
                selectinload(CarePackage.person),  # type: ignore[arg-type]
                selectinload(CarePackage.zone),  # type: ignore[arg-type]
                selectinload(CarePackage.service),  # type: ignore[arg-type]
                selectinload(CarePackage.provider),  # type: ignore[arg-type]
                selectinload(CarePackage.lot).selectinload(Lot.members),  # type: ignore[arg-type]
            )
            .order_by(t.care_packages.c.id)
        )
        if commissioner_code is not None:
            query = query.join(
                t.commissioners, t.commissioners.c.id == t.care_packages.c.commissioner_id
            ).where(t.commissioners.c.code == commissioner_code)
        return self.session.scalars(query).all()

    def search(
        self, where: PackageFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[PackageListing], int]:
        """A page of packages as plain rows (no mapped objects: the busiest list in caremarket)."""
        c = t.care_packages.c
        query = (
            select(
                c.reference,
                t.people.c.reference.label("person"),
                t.commissioners.c.code.label("commissioner"),
                t.zones.c.code.label("zone"),
                t.service_types.c.code.label("service"),
                type_coerce(c.pattern, String).label("pattern"),
                c.pathway,
                c.status,
                c.start_on,
                c.end_on,
                t.providers.c.name.label("provider"),
            )
            .join(t.people, t.people.c.id == c.person_id)
            .join(t.commissioners, t.commissioners.c.id == c.commissioner_id)
            .join(t.zones, t.zones.c.id == c.zone_id)
            .join(t.service_types, t.service_types.c.id == c.service_type_id)
            .outerjoin(t.providers, t.providers.c.id == c.provider_id)
        )
        for value, column in (
            (where.commissioner, t.commissioners.c.code),
            (where.zone, t.zones.c.code),
            (where.service, t.service_types.c.code),
            (where.provider, t.providers.c.name),
            (where.status, c.status),
            (where.provider_id, c.provider_id),
        ):
            if value is not None:
                query = query.where(column == value)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = self.session.execute(query.order_by(c.reference).limit(limit).offset(offset))
        return [PackageListing(**row._mapping) for row in rows], total

    def references(self) -> set[str]:
        return set(self.session.scalars(select(t.care_packages.c.reference)))


class SqlGazetteer:
    def __init__(self, session: Session) -> None:
        self.session = session

    def known(self, postcodes: Iterable[str]) -> set[str]:
        wanted = sorted(set(postcodes))
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            found.update(
                self.session.scalars(
                    select(t.gazetteer.c.postcode).where(t.gazetteer.c.postcode.in_(chunk))
                )
            )
        return found

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(t.gazetteer)) or 0

    def districts_held(self, districts: Iterable[str]) -> set[str]:
        """Which of these postcode districts ('HR4') the gazetteer holds any postcode of."""
        held = set()
        for district in sorted(set(districts)):
            query = (
                select(t.gazetteer.c.postcode)
                .where(t.gazetteer.c.postcode.like(f"{district} %"))
                .limit(1)
            )
            if self.session.scalar(query) is not None:
                held.add(district)
        return held

    def load(self, rows: Iterable[dict[str, Any]]) -> int:
        """Add postcodes not yet known; returns how many were added."""
        rows = list(rows)
        known = self.known(r["postcode"] for r in rows)
        fresh = [r for r in rows if r["postcode"] not in known]
        if fresh:
            self.session.execute(insert(t.gazetteer), fresh)
        return len(fresh)


def _show(key: Any) -> str:
    return getattr(key, "code", None) or getattr(key, "name", None) or str(key)


class SqlAuditTrail:
    """Append-only: entries are recorded and read, never changed (the database refuses too)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, *entries: AuditEntry) -> None:
        self.session.add_all(entries)

    def search(
        self, where: AuditFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[AuditEntry], int]:
        c = t.audit_entries.c
        query = select(AuditEntry)
        for column, value in (
            (c.object_type, where.object_type),
            (c.object_ref, where.object_ref),
            (c.actor, where.actor),
        ):
            if value is not None:
                query = query.where(column == value)
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self.session.scalars(
            query.order_by(c.at.desc(), c.id.desc()).limit(limit).offset(offset)
        ).all()
        return page, total
