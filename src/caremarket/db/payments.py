"""Payment rule sets by name, payment runs and their lines, and providers' invoices.
Core-level, like db/contracts.py: a run's lines are frozen values, written and read in bulk."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.db.bulk import insert_rows
from caremarket.db.delivery import london_bounds
from caremarket.domain.errors import NotFound
from caremarket.domain.payment_runs import PaymentRun, RunLine, RunStatus
from caremarket.domain.payments import PaymentRules, rules_from_mapping, rules_to_mapping
from caremarket.domain.rates import RateBasis
from caremarket.domain.reconciliation import Invoice, InvoiceLine
from caremarket.domain.schedules import DateRange
from caremarket.services.ports import ReceivedInvoice

RS = t.payment_rule_sets.c
R = t.payment_runs.c
L = t.payment_lines.c
V = t.visit_records.c
Q = t.visit_queries.c
I = t.invoices.c  # noqa: E741
IL = t.invoice_lines.c
PR = t.providers.c
P = t.care_packages.c
CM = t.commissioners.c


class SqlPaymentRules:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, name: str) -> PaymentRules | None:
        self.session.flush()
        row = self.session.execute(select(RS.rules).where(RS.name == name)).one_or_none()
        return rules_from_mapping(row.rules) if row else None

    def set(self, rules: PaymentRules, *, at: datetime, by: str) -> None:
        self.session.flush()
        values = {"rules": rules_to_mapping(rules), "set_at": at, "set_by": by}
        done = self.session.execute(
            update(t.payment_rule_sets).where(RS.name == rules.name).values(**values)
        )
        if not done.rowcount:
            self.session.execute(insert(t.payment_rule_sets).values(name=rules.name, **values))

    def list(self) -> list[tuple[PaymentRules, datetime, str]]:
        self.session.flush()
        query = select(RS.rules, RS.set_at, RS.set_by).order_by(RS.name)
        return [
            (rules_from_mapping(r.rules), r.set_at, r.set_by) for r in self.session.execute(query)
        ]


class SqlPaymentRuns:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, run: PaymentRun) -> None:
        self.session.flush()
        run.id = self.session.scalar(
            insert(t.payment_runs)
            .values(
                reference=run.reference,
                commissioner_id=self._commissioner_id(run.commissioner),
                period_start=run.period.first,
                period_end=run.period.last,
                status=run.status.value,
                created_at=run.created_at,
                created_by=run.created_by,
            )
            .returning(R.id)
        )

    def save(self, run: PaymentRun) -> None:
        """Keep a run's status and who made it (its lines are `replace_lines`')."""
        self.session.execute(
            update(t.payment_runs)
            .where(R.id == run.id)
            .values(
                status=run.status.value,
                created_at=run.created_at,
                created_by=run.created_by,
                approved_at=run.approved_at,
                approved_by=run.approved_by,
            )
        )

    def find(self, reference: str) -> PaymentRun | None:
        found = self._runs(select(t.payment_runs).where(R.reference == reference))
        return found[0] if found else None

    def get(self, reference: str) -> PaymentRun:
        run = self.find(reference)
        if run is None:
            raise NotFound(f"there is no payment run {reference}")
        return run

    def list(
        self, *, commissioner: str | None = None, provider_id: int | None = None
    ) -> list[PaymentRun]:
        """The latest period first; for a provider, the runs with a line of theirs."""
        query = select(t.payment_runs)
        if commissioner is not None:
            query = query.where(R.commissioner_id == self._commissioner_id(commissioner))
        if provider_id is not None:
            query = query.where(exists().where(L.run_id == R.id, L.provider_id == provider_id))
        return self._runs(query.order_by(R.period_start.desc(), R.id.desc()))

    def overlapping(self, commissioner: str, period: DateRange) -> list[PaymentRun]:
        query = select(t.payment_runs).where(
            R.commissioner_id == self._commissioner_id(commissioner),
            R.period_start <= period.last,
            R.period_end >= period.first,
        )
        return self._runs(query)

    def replace_lines(self, run: PaymentRun, lines: Iterable[RunLine]) -> None:
        """A draft's lines, all new (a draft re-made starts again).

        `lines` may be worked out as they are written (an iterator). On PostgreSQL they go
        into COPYs of `COPY_LINES` lines, written by a thread of their own (`_copy_rows`):
        the server checks a COPY's foreign keys when it ends, and meanwhile the next lines
        are worked out. Nothing else may use the session until the last line is given."""
        self.session.flush()
        self.session.execute(delete(t.payment_lines).where(L.run_id == run.id))
        providers = {r.name: r.id for r in self.session.execute(select(PR.name, PR.id))}
        connection = self.session.connection()
        if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
            lines = list(lines)
            if lines:
                packages = self._package_ids(lines)
                rows = [_row(run.id, line, providers, packages) for line in lines]
                insert_rows(self.session, t.payment_lines, rows)
            return
        # the commissioner's packages, which a run's lines name; any other afterwards
        mine = select(P.reference, P.id).where(
            P.commissioner_id == self._commissioner_id(run.commissioner)
        )
        packages = {r.reference: r.id for r in self.session.execute(mine)}
        others: list[RunLine] = []
        funders: dict[tuple[tuple[str, Decimal], ...], str] = {}  # JSON, once for each split

        def rows() -> Iterator[tuple[Any, ...]]:
            for line in lines:
                if line.provider not in providers:
                    raise NotFound(f"there is no provider {line.provider}")
                reference = line.package_reference
                if reference and reference not in packages:
                    others.append(line)
                shares = funders.get(line.funders)
                if shares is None:
                    shares = funders[line.funders] = json.dumps(
                        {funder: str(amount) for funder, amount in line.funders}
                    )
                yield (
                    run.id,
                    providers[line.provider],
                    packages.get(reference or ""),
                    line.record_id,
                    line.visit_id,
                    line.day,
                    line.decided,
                    line.planned_minutes,
                    line.actual_seconds,
                    line.payable_minutes,
                    line.carers_paid,
                    line.rate,
                    line.basis.value,
                    line.enhancement,
                    line.percent,
                    line.amount,
                    shares,
                    line.held,
                    _with_queries(line),
                    line.adjusts_id,
                )

        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        _copy_rows(cursor, f"COPY payment_lines ({', '.join(_COPIED)}) FROM STDIN", rows())
        for line in others:
            package_id = self._package_ids([line]).get(line.package_reference or "")
            if package_id is not None:
                self.session.execute(
                    update(t.payment_lines)
                    .where(
                        L.run_id == run.id,
                        L.provider_id == providers[line.provider],
                        L.visit_id == line.visit_id,
                    )
                    .values(package_id=package_id)
                )

    def _package_ids(self, lines: Sequence[RunLine]) -> dict[str, int]:
        references = {line.package_reference for line in lines if line.package_reference}
        found = select(P.reference, P.id).where(P.reference.in_(sorted(references)))
        return {r.reference: r.id for r in self.session.execute(found)}

    def lines(self, run: PaymentRun, *, provider_id: int | None = None) -> list[RunLine]:
        query = self._line_query().where(L.run_id == run.id)
        if provider_id is not None:
            query = query.where(L.provider_id == provider_id)
        return self._lines(query)

    def approved_lines_to_review(self, commissioner: str) -> list[RunLine]:
        """Every approved line of the visits whose payment may have changed since: the
        visit's current version is not the one last paid, a line was held, or a query on
        the current version has been resolved. The domain decides what is due."""
        self.session.flush()
        approved = and_(
            R.commissioner_id == self._commissioner_id(commissioner),
            R.status == RunStatus.APPROVED.value,
        )
        changed = (
            select(L.provider_id, L.visit_id)
            .join(t.payment_runs, R.id == L.run_id)
            .join(
                t.visit_records,
                and_(V.provider_id == L.provider_id, V.visit_id == L.visit_id, V.current),
            )
            .where(
                approved,
                or_(
                    L.record_id.is_(None),
                    L.record_id != V.id,
                    L.held,
                    exists().where(Q.record_id == V.id, Q.resolution.is_not(None)),
                ),
            )
            .distinct()
        )
        keys = [(r.provider_id, r.visit_id) for r in self.session.execute(changed)]
        if not keys:
            return []
        lines = []
        by_provider: dict[int, list[str]] = {}
        for provider_id, visit_id in keys:
            by_provider.setdefault(provider_id, []).append(visit_id)
        for provider_id, visit_ids in by_provider.items():
            for start in range(0, len(visit_ids), 500):
                query = (
                    self._line_query()
                    .join(t.payment_runs, R.id == L.run_id)
                    .where(
                        approved,
                        L.provider_id == provider_id,
                        L.visit_id.in_(visit_ids[start : start + 500]),
                    )
                )
                lines.extend(self._lines(query))
        return lines

    def sent_late(self, commissioner: str, before: date) -> list[tuple[int, str]]:
        """The current visits (provider id, visit ID) of the commissioner's packages planned
        before `before`, from the first day its first run covers, that no run has a line for:
        they came after their period's run was made."""
        self.session.flush()
        commissioner_id = self._commissioner_id(commissioner)
        first = self.session.scalar(
            select(func.min(R.period_start)).where(R.commissioner_id == commissioner_id)
        )
        if first is None or first >= before:
            return []
        starts, ends = london_bounds(DateRange(first, before - timedelta(days=1)))
        query = (
            select(V.provider_id, V.visit_id)
            .join(t.care_packages, P.id == V.package_id)
            .where(
                V.current,
                P.commissioner_id == commissioner_id,
                V.planned_start_at >= starts,
                V.planned_start_at < ends,
                ~exists().where(L.provider_id == V.provider_id, L.visit_id == V.visit_id),
            )
            .order_by(V.provider_id, V.visit_id)
        )
        return [(r.provider_id, r.visit_id) for r in self.session.execute(query)]

    def _line_query(self) -> Any:
        return (
            select(t.payment_lines, PR.name.label("provider_name"), P.reference.label("pkg"))
            .join(t.providers, PR.id == L.provider_id)
            .outerjoin(t.care_packages, P.id == L.package_id)
            .order_by(PR.name, L.day, P.reference, L.visit_id, L.id)
        )

    def _lines(self, query: Any) -> list[RunLine]:
        self.session.flush()
        return [_line(row) for row in self.session.execute(query)]

    def _runs(self, query: Any) -> list[PaymentRun]:
        self.session.flush()
        query = query.add_columns(CM.code.label("commissioner_code")).join(
            t.commissioners, CM.id == R.commissioner_id
        )
        return [
            PaymentRun(
                reference=row.reference,
                commissioner=row.commissioner_code,
                period=DateRange(row.period_start, row.period_end),
                created_at=row.created_at,
                created_by=row.created_by,
                status=RunStatus(row.status),
                approved_at=row.approved_at,
                approved_by=row.approved_by,
                id=row.id,
            )
            for row in self.session.execute(query)
        ]

    def _commissioner_id(self, code: str) -> int:
        found = self.session.scalar(select(CM.id).where(CM.code == code))
        if found is None:
            raise NotFound(f"there is no commissioner {code}")
        return found


class SqlInvoices:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, provider_id: int, reference: str) -> Invoice | None:
        self.session.flush()
        row = self.session.execute(
            select(t.invoices).where(I.provider_id == provider_id, I.reference == reference)
        ).one_or_none()
        if row is None:
            return None
        lines = self.session.execute(
            select(t.invoice_lines).where(IL.invoice_id == row.id).order_by(IL.line)
        )
        return Invoice(
            reference=row.reference,
            period=DateRange(row.period_start, row.period_end),
            lines=tuple(
                InvoiceLine(r.line, r.visit_id, r.package_reference, r.day, r.minutes, r.amount)
                for r in lines
            ),
        )

    def add(
        self, invoice: Invoice, *, provider_id: int, run_id: int | None, at: datetime, by: str
    ) -> int:
        self.session.flush()
        invoice_id = self.session.scalar(
            insert(t.invoices)
            .values(
                provider_id=provider_id,
                reference=invoice.reference,
                period_start=invoice.period.first,
                period_end=invoice.period.last,
                run_id=run_id,
                received_at=at,
                received_by=by,
            )
            .returning(I.id)
        )
        if invoice.lines:
            self.session.execute(
                insert(t.invoice_lines),
                [
                    {
                        "invoice_id": invoice_id,
                        "line": x.line,
                        "visit_id": x.visit_id,
                        "package_reference": x.package_reference,
                        "day": x.day,
                        "minutes": x.minutes,
                        "amount": x.amount,
                    }
                    for x in invoice.lines
                ],
            )
        return invoice_id

    def received(
        self, *, provider_id: int | None = None, run_id: int | None = None
    ) -> list[ReceivedInvoice]:
        """Invoices kept, newest first, with their lines (two queries); a provider's only,
        or those matched against one run, if asked."""
        self.session.flush()
        query = (
            select(t.invoices, PR.name.label("provider"), R.reference.label("run"))
            .join(t.providers, PR.id == I.provider_id)
            .outerjoin(t.payment_runs, R.id == I.run_id)
            .order_by(I.received_at.desc(), I.id.desc())
        )
        if provider_id is not None:
            query = query.where(I.provider_id == provider_id)
        if run_id is not None:
            query = query.where(I.run_id == run_id)
        rows = self.session.execute(query).all()
        lines: dict[int, list[InvoiceLine]] = {r.id: [] for r in rows}
        if rows:
            found = self.session.execute(
                select(t.invoice_lines)
                .where(IL.invoice_id.in_(list(lines)))
                .order_by(IL.invoice_id, IL.line)
            )
            for x in found:
                lines[x.invoice_id].append(
                    InvoiceLine(x.line, x.visit_id, x.package_reference, x.day, x.minutes, x.amount)
                )
        return [
            ReceivedInvoice(
                invoice=Invoice(
                    r.reference, DateRange(r.period_start, r.period_end), tuple(lines[r.id])
                ),
                provider=r.provider,
                provider_id=r.provider_id,
                run=r.run,
                received_at=r.received_at,
                received_by=r.received_by,
            )
            for r in rows
        ]


def _row(
    run_id: int | None, line: RunLine, providers: dict[str, int], packages: dict[str, int]
) -> dict[str, Any]:
    if line.provider not in providers:
        raise NotFound(f"there is no provider {line.provider}")
    return {
        "run_id": run_id,
        "provider_id": providers[line.provider],
        "package_id": packages.get(line.package_reference or ""),
        "record_id": line.record_id,
        "visit_id": line.visit_id,
        "day": line.day,
        "decided": line.decided,
        "planned_minutes": line.planned_minutes,
        "actual_seconds": line.actual_seconds,
        "payable_minutes": line.payable_minutes,
        "carers_paid": line.carers_paid,
        "rate": line.rate,
        "basis": line.basis,
        "enhancement": line.enhancement,
        "percent": line.percent,
        "amount": line.amount,
        "funders": {funder: str(amount) for funder, amount in line.funders},
        "held": line.held,
        "working": _with_queries(line),
        "adjusts_id": line.adjusts_id,
    }


COPY_LINES = 10_000  # a run's lines a COPY


def _copy_rows(cursor: Any, statement: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY the rows, `COPY_LINES` at a time, from a thread of its own while this one makes
    the next (the rows may be worked out as they are asked for). PostgreSQL checks a
    statement's foreign keys at its end: for a run's lines (five keys a line) that is most
    of the server's work, done here while Python works out the next lines rather than
    after the last. The connection is the writer's alone until it is joined; the first
    error of either thread is raised, the other stopping first."""
    chunks: queue.Queue[list[tuple[Any, ...]] | None] = queue.Queue(maxsize=2)
    failed: list[BaseException] = []

    def write() -> None:
        try:
            while (chunk := chunks.get()) is not None:
                with cursor.copy(statement) as copy:
                    for row in chunk:
                        copy.write_row(row)
        except BaseException as error:  # raised by the caller's thread, after the join
            failed.append(error)
            while chunks.get() is not None:
                pass  # let the caller's thread put its last and stop

    writer = threading.Thread(target=write, name="copy rows", daemon=True)
    writer.start()
    try:
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == COPY_LINES:
                if failed:
                    break
                chunks.put(chunk)
                chunk = []
        if chunk and not failed:
            chunks.put(chunk)
    finally:
        chunks.put(None)
        writer.join()
    if failed:
        raise failed[0]


# the columns the COPY of a run's lines writes, in order (`id` from its sequence)
_COPIED = (
    "run_id",
    "provider_id",
    "package_id",
    "record_id",
    "visit_id",
    "day",
    "decided",
    "planned_minutes",
    "actual_seconds",
    "payable_minutes",
    "carers_paid",
    "rate",
    "basis",
    "enhancement",
    "percent",
    "amount",
    "funders",
    "held",
    "working",
    "adjusts_id",
)

_HELD_BECAUSE = "\nheld: "


def _with_queries(line: RunLine) -> str:
    """The queries that hold a line are kept with its working, to show why."""
    return line.working + (_HELD_BECAUSE + "; ".join(line.queries) if line.queries else "")


def _line(row: Any) -> RunLine:
    working, _, held_because = row.working.partition(_HELD_BECAUSE)
    return RunLine(
        provider=row.provider_name,
        visit_id=row.visit_id,
        package_reference=row.pkg,
        day=row.day,
        decided=row.decided,
        planned_minutes=row.planned_minutes,
        actual_seconds=row.actual_seconds,
        payable_minutes=row.payable_minutes,
        carers_paid=row.carers_paid,
        rate=row.rate,
        basis=RateBasis(row.basis),
        enhancement=Decimal(row.enhancement),
        percent=Decimal(row.percent),
        amount=row.amount,
        funders=tuple((funder, Decimal(amount)) for funder, amount in row.funders.items()),
        held=row.held,
        working=working,
        record_id=row.record_id,
        adjusts_id=row.adjusts_id,
        id=row.id,
        queries=tuple(held_because.split("; ")) if held_because else (),
    )
