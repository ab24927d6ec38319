"""Keeping what was delivered: every version of every visit record a provider's electronic call
monitoring (ECM) sent (the newest of a visit marked `current`), the files they came in, and the
queries the checks raised on them. Core-level: a visit record is a frozen domain value, and
a payment run reads tens of thousands at once."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, String, Text, any_, bindparam, cast, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.db.bulk import insert_rows
from caremarket.db.ecm_staging import EcmStaging, try_import_lock
from caremarket.db.visit_rows import RECORD_FIELDS, STATUSES, VERIFICATIONS, record_of
from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import VisitRecord
from caremarket.domain.errors import NotFound
from caremarket.domain.schedules import DateRange
from caremarket.domain.visit_queries import Resolution, VisitQuery
from caremarket.services.ports import EcmFileEntry, KeptVisit, QueryListing

F = t.ecm_files.c
V = t.visit_records.c
Q = t.visit_queries.c
P = t.care_packages.c
CHUNK = 500  # keys in one IN list: well under every database's limit on parameters


class SqlVisits:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Visit records ----------------------------------------------------------------------------

    def add(self, visits: Sequence[KeptVisit]) -> list[int]:
        """Keep new versions, in order; each makes the version before it of the same visit
        no longer current. Returns their ids, in the same order."""
        if not visits:
            return []
        self.session.flush()
        for provider_id, chunk in _by_provider_chunks(visits):
            self.session.execute(
                update(t.visit_records)
                .where(
                    V.provider_id == provider_id,
                    V.current.is_(True),
                    V.visit_id.in_([v.record.visit_id for v in chunk]),
                )
                .values(current=False)
            )
        last = {(v.provider_id, v.record.visit_id): i for i, v in enumerate(visits)}
        rows = [
            _row(v, current=last[v.provider_id, v.record.visit_id] == i)
            for i, v in enumerate(visits)
        ]
        return insert_rows(
            self.session, t.visit_records, rows, key=("provider_id", "visit_id", "version")
        )

    def held(self, provider_id: int, visit_ids: Iterable[str]) -> dict[str, KeptVisit]:
        """The current version of each of the provider's visits named, by visit ID."""
        self.session.flush()
        found: dict[str, KeptVisit] = {}
        for chunk in self._chunks(sorted(set(visit_ids))):
            query = select(*KEPT_COLUMNS).where(
                V.provider_id == provider_id,
                V.current.is_(True),
                self._among(V.visit_id, chunk, String),
            )
            for row in self.session.execute(query):
                found[row.visit_id] = _kept(row)
        return found

    def lock_imports(self, provider_id: int) -> bool:
        """Lock the provider's imports for this transaction, without waiting: False while
        another holds them."""
        return try_import_lock(self.session, provider_id)

    def staging(self) -> EcmStaging | None:
        """Where a file is staged for the set-based import: None off PostgreSQL."""
        return EcmStaging(self.session) if EcmStaging.available(self.session) else None

    def find(self, provider_id: int, visit_id: str) -> KeptVisit | None:
        return self.held(provider_id, [visit_id]).get(visit_id)

    def get(self, provider_id: int, visit_id: str) -> KeptVisit:
        found = self.find(provider_id, visit_id)
        if found is None:
            raise NotFound(f"there is no visit {visit_id}")
        return found

    def versions(self, provider_id: int, visit_id: str) -> list[KeptVisit]:
        """Every version of one visit, the first first."""
        self.session.flush()
        query = (
            select(*KEPT_COLUMNS)
            .where(V.provider_id == provider_id, V.visit_id == visit_id)
            .order_by(V.version)
        )
        return [_kept(row) for row in self.session.execute(query)]

    def current(
        self,
        period: DateRange,
        *,
        commissioner_id: int | None = None,
        provider_id: int | None = None,
        package_ids: Iterable[int] | None = None,
    ) -> list[KeptVisit]:
        """The current versions of visits planned to start in the period (London days),
        for a commissioner's packages, a provider's, or given packages: by provider, then
        planned start, then visit ID."""
        self.session.flush()
        starts, ends = london_bounds(period)
        query = select(*KEPT_COLUMNS).where(
            V.current.is_(True), V.planned_start_at >= starts, V.planned_start_at < ends
        )
        if commissioner_id is not None:
            query = query.join(t.care_packages, P.id == V.package_id).where(
                P.commissioner_id == commissioner_id
            )
        if provider_id is not None:
            query = query.where(V.provider_id == provider_id)
        if package_ids is not None:
            query = query.where(V.package_id.in_(list(package_ids)))
        query = query.order_by(V.provider_id, V.planned_start_at, V.visit_id)
        if _psycopg(self.session):
            return _kept_lean(self.session, query)
        return [_kept(row) for row in self.session.execute(query)]

    def get_by_id(self, record_id: int) -> KeptVisit:
        self.session.flush()
        row = self.session.execute(select(*KEPT_COLUMNS).where(V.id == record_id)).one_or_none()
        if row is None:
            raise NotFound(f"there is no visit record {record_id}")
        return _kept(row)

    def _chunks(self, keys: Sequence[Any]) -> Iterable[Sequence[Any]]:
        # on PostgreSQL, all at once in one array parameter: a run asks about every visit of
        # its period, a file's import about each of its visits
        if _postgres(self.session):
            return [keys] if keys else []
        return _chunks(keys)

    def _among(self, column: Any, keys: Sequence[Any], kind: Any) -> Any:
        if _postgres(self.session):
            return column == any_(bindparam(None, list(keys), type_=ARRAY(kind)))
        return column.in_(keys)

    # Queries ----------------------------------------------------------------------------------

    def add_queries(self, queries: Sequence[VisitQuery]) -> list[int]:
        if not queries:
            return []
        self.session.flush()
        rows = [
            {
                "record_id": q.record_id,
                "code": q.code,
                "message": q.message,
                "holds": q.holds,
                "raised_at": q.raised_at,
                "resolution": q.resolution.value if q.resolution else None,
                "resolved_at": q.resolved_at,
                "resolved_by": q.resolved_by,
                "note": q.note,
            }
            for q in queries
        ]
        ids = self.session.scalars(
            insert(t.visit_queries).returning(Q.id, sort_by_parameter_order=True), rows
        ).all()
        return list(ids)

    def queries_of(self, record_ids: Iterable[int]) -> dict[int, list[VisitQuery]]:
        """The queries raised on each version named (open or resolved), oldest first."""
        self.session.flush()
        found: dict[int, list[VisitQuery]] = {}
        for chunk in self._chunks(sorted(set(record_ids))):
            named = self._among(Q.record_id, chunk, Integer)
            query = select(t.visit_queries).where(named).order_by(Q.id)
            for row in self.session.execute(query):
                found.setdefault(row.record_id, []).append(_query(row))
        return found

    def queries_in(self, period: DateRange, *, commissioner_id: int) -> dict[int, list[VisitQuery]]:
        """`queries_of` the versions `current(period, commissioner_id=...)` gives, found by
        the same conditions (a run's period holds hundreds of thousands)."""
        self.session.flush()
        starts, ends = london_bounds(period)
        query = (
            select(t.visit_queries)
            .join(t.visit_records, V.id == Q.record_id)
            .join(t.care_packages, P.id == V.package_id)
            .where(
                V.current.is_(True),
                V.planned_start_at >= starts,
                V.planned_start_at < ends,
                P.commissioner_id == commissioner_id,
            )
            .order_by(Q.id)
        )
        found: dict[int, list[VisitQuery]] = {}
        for row in self.session.execute(query):
            found.setdefault(row.record_id, []).append(_query(row))
        return found

    def open_queries(
        self,
        *,
        provider_id: int | None = None,
        commissioner_id: int | None = None,
        held_only: bool = False,
    ) -> list[QueryListing]:
        """Queries not yet resolved on current versions, the oldest raised first."""
        query = self._listing().where(Q.resolution.is_(None), V.current.is_(True))
        if provider_id is not None:
            query = query.where(V.provider_id == provider_id)
        if commissioner_id is not None:
            query = query.where(P.commissioner_id == commissioner_id)
        if held_only:
            query = query.where(Q.holds.is_(True))
        return self._listed(query)

    def file_queries(self, file_id: int) -> list[QueryListing]:
        """The queries raised on the versions a file brought (open or resolved)."""
        return self._listed(self._listing().where(V.file_id == file_id))

    def _listing(self) -> Any:
        return (
            select(
                t.visit_queries,
                V.provider_id,
                V.visit_id,
                V.version,
                V.planned_start_at,
                V.package_reference,
                V.person_reference,
                t.providers.c.name.label("provider_name"),
                P.reference.label("package"),
            )
            .join(t.visit_records, V.id == Q.record_id)
            .join(t.providers, t.providers.c.id == V.provider_id)
            .outerjoin(t.care_packages, P.id == V.package_id)
            .order_by(Q.raised_at, Q.id)
        )

    def _listed(self, query: Any) -> list[QueryListing]:
        self.session.flush()
        return [
            QueryListing(
                query=_query(row),
                provider_id=row.provider_id,
                provider=row.provider_name,
                visit_id=row.visit_id,
                version=row.version,
                planned_start_at=row.planned_start_at,
                package_reference=row.package or row.package_reference,
                person_reference=row.person_reference,
            )
            for row in self.session.execute(query)
        ]

    def get_query(self, query_id: int) -> VisitQuery:
        self.session.flush()
        row = self.session.execute(select(t.visit_queries).where(Q.id == query_id)).one_or_none()
        if row is None:
            raise NotFound(f"there is no visit query {query_id}")
        return _query(row)

    def save_resolution(self, query: VisitQuery) -> None:
        """Keep a query's resolution (domain.visit_queries.resolve decides it)."""
        self.session.execute(
            update(t.visit_queries)
            .where(Q.id == query.id)
            .values(
                resolution=query.resolution.value if query.resolution else None,
                resolved_at=query.resolved_at,
                resolved_by=query.resolved_by,
                note=query.note,
            )
        )

    # Files ------------------------------------------------------------------------------------

    def add_file(self, entry: EcmFileEntry) -> int:
        self.session.flush()
        return self.session.scalar(
            insert(t.ecm_files)
            .values(
                provider_id=entry.provider_id,
                reference=entry.reference,
                profile=entry.profile,
                filename=entry.filename,
                rows=entry.rows,
                visits_new=entry.visits_new,
                visits_changed=entry.visits_changed,
                visits_unchanged=entry.visits_unchanged,
                problems=[dict(p) for p in entry.problems],
                received_at=entry.received_at,
                received_by=entry.received_by,
            )
            .returning(F.id)
        )

    def find_file(self, provider_id: int, reference: str) -> EcmFileEntry | None:
        found = self._files(
            select(t.ecm_files).where(F.provider_id == provider_id, F.reference == reference)
        )
        return found[0] if found else None

    def get_file(self, file_id: int) -> EcmFileEntry:
        found = self._files(select(t.ecm_files).where(F.id == file_id))
        if not found:
            raise NotFound(f"there is no ECM file {file_id}")
        return found[0]

    def list_files(
        self, *, provider_id: int | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[EcmFileEntry], int]:
        """The newest received first, and how many there are in all."""
        query = select(t.ecm_files)
        if provider_id is not None:
            query = query.where(F.provider_id == provider_id)
        self.session.flush()
        total = self.session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = self._files(
            query.order_by(F.received_at.desc(), F.id.desc()).limit(limit).offset(offset)
        )
        return page, total

    def _files(self, query: Any) -> list[EcmFileEntry]:
        self.session.flush()
        query = query.add_columns(t.providers.c.name.label("provider_name")).join(
            t.providers, t.providers.c.id == F.provider_id
        )
        return [
            EcmFileEntry(
                provider_id=row.provider_id,
                reference=row.reference,
                profile=row.profile,
                filename=row.filename,
                rows=row.rows,
                visits_new=row.visits_new,
                visits_changed=row.visits_changed,
                visits_unchanged=row.visits_unchanged,
                problems=tuple(row.problems),
                received_at=row.received_at,
                received_by=row.received_by,
                id=row.id,
                provider=row.provider_name,
            )
            for row in self.session.execute(query)
        ]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _psycopg(session: Session) -> bool:
    dialect = session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def london_bounds(period: DateRange) -> tuple[datetime, datetime]:
    """The moments the period's first London day starts and the day after its last starts."""
    starts = datetime.combine(period.first, time(0), tzinfo=LONDON)
    ends = datetime.combine(period.last + timedelta(days=1), time(0), tzinfo=LONDON)
    return starts, ends


def _row(visit: KeptVisit, *, current: bool) -> dict[str, Any]:
    record = visit.record
    row: dict[str, Any] = {name: getattr(record, name) for name in RECORD_FIELDS}
    row["status"] = record.status
    row["verification"] = record.verification
    row |= {
        "provider_id": visit.provider_id,
        "version": visit.version,
        "current": current,
        "file_id": visit.file_id,
        "package_id": visit.package_id,
        "received_at": visit.received_at,
    }
    return row


# The columns `_kept` reads, in the order it unpacks them.
KEPT_COLUMNS = tuple(
    V[name]
    for name in (
        *RECORD_FIELDS,
        "provider_id",
        "version",
        "received_at",
        "package_id",
        "file_id",
        "current",
        "id",
    )
)


def _kept(row: Any) -> KeptVisit:
    # by position, without a dict between: a payment run makes hundreds of thousands
    fields = len(RECORD_FIELDS)
    return KeptVisit(row[fields], record_of(row[:fields]), *row[fields + 1 :])


def _kept_lean(session: Session, query: Any) -> list[KeptVisit]:
    """`_kept` of every row, read through psycopg's binary cursor as plain tuples: a payment
    run reads a period's visits, hundreds of thousands, and SQLAlchemy's result rows and type
    processors, and decoding each row's carer IDs as JSON, cost three times the fetch. The
    carer IDs come as their JSON text, decoded once for each distinct text (a carer's visits
    repeat it); moments are made UTC as `UtcDateTime` makes them."""
    query = query.with_only_columns(
        *(cast(c, Text) if c.name == "carer_ids" else c for c in KEPT_COLUMNS)
    )
    compiled = query.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    connection = session.connection().connection.driver_connection
    with connection.cursor(binary=True) as cursor:  # type: ignore[union-attr]
        # moments given in UTC for this query alone (psycopg gives them in the session's
        # zone, which each would be converted from): the zone as it was is set back after
        zone = connection.info.parameter_status("TimeZone")  # type: ignore[union-attr]
        cursor.execute("SELECT set_config('TimeZone', 'UTC', true)")
        cursor.execute(str(compiled), compiled.params)
        rows = cursor.fetchall()
        if zone is not None:
            cursor.execute("SELECT set_config('TimeZone', %s, true)", (zone,))
    carers: dict[str | None, tuple[str, ...]] = {}
    statuses, verifications, new = STATUSES, VERIFICATIONS, object.__new__
    kept = []
    for (
        visit_id,
        planned_start_at,
        planned_minutes,
        status,
        package_reference,
        person_reference,
        actual_start_at,
        actual_end_at,
        carers_planned,
        carers_present,
        cancelled_at,
        verification,
        notes,
        carer_ids,
        service,
        contract,
        claimed,
        provider_id,
        version,
        received_at,
        package_id,
        file_id,
        current,
        record_id,
    ) in rows:
        ids = carers.get(carer_ids)
        if ids is None:
            ids = carers[carer_ids] = tuple(json.loads(carer_ids) or ()) if carer_ids else ()
        # made as SQLAlchemy's mapper loads an object, its fields set without __init__,
        # which for a frozen dataclass sets each through object.__setattr__ (a third of
        # making them); every field is set (tests/integration/test_visit_records.py)
        record = new(VisitRecord)
        record.__dict__.update(
            visit_id=visit_id,
            planned_start_at=_utc(planned_start_at),
            planned_minutes=planned_minutes,
            status=statuses[status],
            package_reference=package_reference,
            person_reference=person_reference,
            actual_start_at=_utc(actual_start_at),
            actual_end_at=_utc(actual_end_at),
            carers_planned=carers_planned,
            carers_present=carers_present,
            cancelled_at=_utc(cancelled_at),
            verification=verifications[verification],
            notes=notes,
            carer_ids=ids,
            service=service,
            contract=contract,
            claimed=claimed,
        )
        visit = new(KeptVisit)
        visit.__dict__.update(
            provider_id=provider_id,
            record=record,
            version=version,
            received_at=_utc(received_at),
            package_id=package_id,
            file_id=file_id,
            current=current,
            id=record_id,
        )
        kept.append(visit)
    return kept


def _utc(moment: datetime | None) -> datetime | None:
    """As `UtcDateTime` gives a moment back: aware, in UTC."""
    if moment is None or moment.tzinfo is UTC:
        return moment
    return moment.astimezone(UTC)


def _query(row: Any) -> VisitQuery:
    return VisitQuery(
        record_id=row.record_id,
        code=row.code,
        message=row.message,
        holds=row.holds,
        raised_at=row.raised_at,
        resolution=Resolution(row.resolution) if row.resolution else None,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        note=row.note,
        id=row.id,
    )


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _by_provider_chunks(visits: Sequence[KeptVisit]) -> Iterator[tuple[int, Sequence[KeptVisit]]]:
    by_provider: dict[int, list[KeptVisit]] = {}
    for visit in visits:
        if visit.version > 1:  # a first version has nothing before it to supersede
            by_provider.setdefault(visit.provider_id, []).append(visit)
    for provider_id, mine in by_provider.items():
        for chunk in _chunks(mine):
            yield provider_id, chunk
