"""Writing many rows at once: PostgreSQL's COPY where the session is on PostgreSQL (psycopg),
one executemany INSERT elsewhere.

COPY is the fastest way into PostgreSQL by an order of magnitude: a multi-row INSERT is a
long SQL text that psycopg and the server parse whole, and RETURNING makes it longer still.
Row ids are taken from the table's own sequence first, so that the caller knows each row's
id, in order, without asking the database to return them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.orm import Session


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str] = (),
) -> list[int]:
    """Insert rows (each naming the same columns, without `id`); their ids, in order, where
    `key` names columns that tell the rows apart (else none are returned off PostgreSQL)."""
    if not rows:
        return []
    session.flush()
    connection = session.connection()
    if connection.dialect.name != "postgresql" or connection.dialect.driver != "psycopg":
        if not key:
            session.execute(insert(table), list(rows))
            return []
        # ids matched back by key: asking the database to keep the order of the rows would
        # make SQLite insert them one statement at a time
        returned = session.execute(
            insert(table).returning(table.c.id, *(table.c[k] for k in key)), list(rows)
        )
        ids = {tuple(r[1:]): r[0] for r in returned}
        return [ids[tuple(row[k] for k in key)] for row in rows]
    ids = list(
        session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": len(rows)},
        )
    )
    names = list(rows[0])
    convert = [_converter(table, name, connection.dialect) for name in names]
    plain = all(c is None for c in convert)
    columns = ", ".join(['"id"', *(f'"{name}"' for name in names)])
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row_id, row in zip(ids, rows, strict=True):
            values = [row[name] for name in names]
            if not plain:
                values = [v if c is None else c(v) for c, v in zip(convert, values, strict=True)]
            copy.write_row([row_id, *values])
    return ids


def _converter(table: Table, name: str, dialect: Any) -> Callable[[Any], Any] | None:
    """The column type's own conversion (UTC moments, enums, JSON), as text COPY reads it;
    None where the value goes as it is."""
    column_type = table.c[name].type
    process = column_type.bind_processor(dialect)
    is_json = isinstance(getattr(column_type, "impl", column_type), JSON)
    if process is None and not is_json:
        return None

    def convert(value: Any) -> Any:
        if process is not None:
            value = process(value)
        if isinstance(value, dict | list):
            return json.dumps(value)
        return value

    return convert
