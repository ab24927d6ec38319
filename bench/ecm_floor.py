"""How fast can visit records be written at all? The floor under any ECM import on PostgreSQL.

    .venv/bin/python bench/payments.py --run-only --keep      # prints the kept database's URL
    .venv/bin/python bench/ecm_floor.py URL [--rows 178000] [--batch 5933] [--repeat 5]

On a database kept by `bench/payments.py --keep`, the visit records it imported are copied out
(as CSV, in batches the size of one provider's 4-week file) and each batch is written back, one
transaction a batch, in two ways on the same connection, one after the other:

1. bare COPY: the rows as they are, as text, into a plain table of text columns (no index,
   no key) — how `bench/payments.py` measures the rate the import is held to;
2. the same rows `COPY`ed straight into tables shaped as `visit_records` (typed columns), with
   no index or key, then adding in turn the primary key, the unique (provider, visit ID,
   version) key that finds a visit's versions, the three indexes on current visits (by
   start, by package, by provider), and the three foreign keys (provider, file, package).

Nothing is checked, versioned or matched in (2): it is only the write an import cannot avoid,
at its cheapest (one COPY of typed rows). Each way is measured --repeat times, each on a new
table, and the median shown (a single pass is under a second: noisy). Each table is dropped
afterwards; the kept database's own rows are not touched.
"""

from __future__ import annotations

import argparse
import io
import time
from statistics import median

import psycopg

COLUMNS = (
    "provider_id, visit_id, version, current, file_id, package_id, package_reference,"
    " person_reference, planned_start_at, planned_minutes, status, actual_start_at,"
    " actual_end_at, carers_planned, carers_present, cancelled_at, verification, notes,"
    " carer_ids, service, contract, claimed, received_at"
)
WIDTH = len(COLUMNS.split(","))
KEYS = (
    "ALTER TABLE floor_records ADD FOREIGN KEY (provider_id) REFERENCES providers (id),"
    " ADD FOREIGN KEY (file_id) REFERENCES ecm_files (id),"
    " ADD FOREIGN KEY (package_id) REFERENCES care_packages (id)"
)
SHAPED = "CREATE TABLE floor_records (LIKE visit_records INCLUDING DEFAULTS)"
# each step: what the table has, and the statements that make it
STEPS = (
    ("typed columns, no index, no key", [SHAPED]),
    ("+ the primary key", [SHAPED, "ALTER TABLE floor_records ADD PRIMARY KEY (id)"]),
    (
        "+ the unique (provider, visit ID, version) key",
        [
            SHAPED,
            "ALTER TABLE floor_records ADD PRIMARY KEY (id)",
            "ALTER TABLE floor_records ADD UNIQUE (provider_id, visit_id, version)",
        ],
    ),
    (
        "+ the three indexes on current visits (all five, as visit_records)",
        ["CREATE TABLE floor_records (LIKE visit_records INCLUDING ALL)"],
    ),
    (
        "+ the three foreign keys (as visit_records)",
        ["CREATE TABLE floor_records (LIKE visit_records INCLUDING ALL)", KEYS],
    ),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", help="a database kept by bench/payments.py --keep")
    parser.add_argument("--rows", type=int, default=178_000)
    parser.add_argument("--batch", type=int, default=5_933, help="rows a transaction")
    parser.add_argument("--repeat", type=int, default=5, help="passes; the median is shown")
    options = parser.parse_args()
    url = options.url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        batches = export(connection, options.rows, options.batch)
        rows = sum(count for _, count in batches)
        connection.execute("DROP TABLE IF EXISTS floor_bare, floor_records")
        texts = ", ".join(f"c{i} text" for i in range(WIDTH))
        bare = median(
            timed(connection, [f"CREATE TABLE floor_bare ({texts})"], "floor_bare", batches)
            for _ in range(options.repeat)
        )
        print(f"{rows:,} visit records in {len(batches)} batches of up to {options.batch:,}\n")
        print("| written into | seconds | rows a second | of the bare COPY's rate |")
        print("| --- | ---: | ---: | ---: |")
        plain = "a plain table of text columns (the bare COPY)"
        print(f"| {plain} | {bare:.2f} | {rows / bare:,.0f} | 100 % |")
        for name, statements in STEPS:
            seconds = median(
                timed(connection, statements, "floor_records", batches)
                for _ in range(options.repeat)
            )
            print(f"| {name} | {seconds:.2f} | {rows / seconds:,.0f} | {bare / seconds:.0%} |")


def export(connection: psycopg.Connection, rows: int, batch: int) -> list[tuple[bytes, int]]:
    """The first `rows` visit records (by id) as CSV, in batches."""
    batches = []
    for offset in range(0, rows, batch):
        size = min(batch, rows - offset)
        out = io.BytesIO()
        query = (
            f"COPY (SELECT {COLUMNS} FROM visit_records ORDER BY id"
            f" OFFSET {offset} LIMIT {size}) TO STDOUT (FORMAT csv)"
        )
        with connection.cursor().copy(query) as copy:
            for data in copy:
                out.write(data)
        batches.append((out.getvalue(), size))
    if sum(size for _, size in batches) and not batches[-1][0]:
        raise SystemExit("the database holds fewer visit records than --rows")
    return batches


def timed(
    connection: psycopg.Connection,
    statements: list[str],
    table: str,
    batches: list[tuple[bytes, int]],
) -> float:
    """Seconds to write every batch into a new table made by `statements` (then dropped)."""
    for statement in statements:
        connection.execute(statement)
    if table == "floor_records":  # ids from a sequence of its own, as visit_records' are
        connection.execute("CREATE TEMP SEQUENCE floor_ids")
        connection.execute("ALTER TABLE floor_records ALTER id SET DEFAULT nextval('floor_ids')")
        copy_into = f"COPY floor_records ({COLUMNS}) FROM STDIN (FORMAT csv)"
    else:
        copy_into = f"COPY {table} FROM STDIN (FORMAT csv)"
    start = time.perf_counter()
    for data, _ in batches:
        with connection.transaction(), connection.cursor().copy(copy_into) as copy:
            copy.write(data)
    seconds = time.perf_counter() - start
    connection.execute(f"DROP TABLE {table}")
    if table == "floor_records":
        connection.execute("DROP SEQUENCE floor_ids")
    return seconds


if __name__ == "__main__":
    main()
