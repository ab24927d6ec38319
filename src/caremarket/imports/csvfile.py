"""Reading a CSV import file: its header checked against the columns a kind of file needs."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from caremarket.domain.errors import ImportRejected, RowProblem

HEADER_LINE = 1
BOM = "\ufeff"

Source = TextIO | Path


@dataclass(frozen=True)
class Columns:
    """The columns of a kind of file: those it must have, may have, and may carry unread."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # known columns of a standard layout that caremarket skips

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.required + self.optional + self.ignored)


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file and its cells by column name, trimmed."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Table:
    rows: list[Row]
    warnings: tuple[str, ...] = field(default=())


def read_table(source: Source, columns: Columns) -> Table:
    """Read every row; refuse at once a file that is empty or lacks required columns.

    Header names are matched case-insensitively, ignoring surrounding spaces and a UTF-8 byte
    order mark; unknown columns are not an error but come back as warnings. Blank rows are
    skipped. A row's line is where it starts in the file, the header being line 1.
    """
    with _opened(source) as stream:
        reader = csv.reader(stream)
        names, warnings = _header(reader, columns)
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(Row(line, _cells(names, cells)))
            line = reader.line_num + 1
    return Table(rows, warnings)


def read_header(source: Source, columns: Columns) -> tuple[list[str], tuple[str, ...]]:
    """A file's header alone: its column names (normalised, in order) and the warnings
    `read_table` gives; refused as `read_table` refuses it."""
    with _opened(source) as stream:
        return _header(csv.reader(stream), columns)


def row_cells(names: list[str], cells: list[str]) -> dict[str, str]:
    """A row's cells by column name, trimmed, as `read_table` gives them."""
    return _cells(names, cells)


def _header(reader: Iterator[list[str]], columns: Columns) -> tuple[list[str], tuple[str, ...]]:
    header = next(reader, None)
    if header is None:
        raise ImportRejected(
            [RowProblem(HEADER_LINE, "", "", "the file is empty: it needs a header row")]
        )
    names = [normalise_header(name) for name in header]
    return names, _check_header(names, columns)


def normalise_header(name: str) -> str:
    """' Person Reference ' -> 'person_reference'."""
    return "_".join(name.replace(BOM, "").strip().lower().split())


@contextmanager
def _opened(source: Source) -> Iterator[TextIO]:
    if not isinstance(source, Path):
        yield source
        return
    if source.suffix == ".gz":
        with gzip.open(source, "rt", encoding="utf-8-sig", newline="") as stream:
            yield stream
    else:
        with source.open(encoding="utf-8-sig", newline="") as stream:
            yield stream


def _check_header(names: list[str], columns: Columns) -> tuple[str, ...]:
    missing = [c for c in columns.required if c not in names]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise ImportRejected(
            [
                RowProblem(
                    HEADER_LINE,
                    ", ".join(missing),
                    "",
                    f"the file lacks the required column{plural} {', '.join(missing)};"
                    f" its columns must include {', '.join(columns.required)}",
                )
            ]
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise ImportRejected(
            [
                RowProblem(
                    HEADER_LINE, ", ".join(repeated), "", "a column is named twice in the header"
                )
            ]
        )
    unknown = [n or "(unnamed)" for n in names if n not in columns.known]
    return tuple(f"column {name!r} is not one caremarket reads; it was ignored" for name in unknown)


def _cells(names: list[str], cells: list[str]) -> dict[str, str]:
    return {name: cell.strip() for name, cell in zip(names, cells, strict=False) if name}
