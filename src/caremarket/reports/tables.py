"""A report as a value: title, whose and when, columns, rows, totals and notes.

Cells keep exact values (``int``, ``Decimal``, ``str``); each column's ``Measure`` says how
the figure is shown, and the renderers in ``render.py`` round once, where it shows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

Cell = str | int | Decimal | None


class Measure(enum.StrEnum):
    LABEL = "label"  # text
    COUNT = "count"  # people, clients: 1,189
    HOURS = "hours"  # whole hours, half-up: 12,533
    POUNDS = "pounds"  # to the pound: £208,166
    PENCE = "pence"  # pounds and pence, an hourly rate: £19.50
    POINTS = "points"  # a tender score to 2 places, half-up: 71.33
    MILLIONS = "millions"  # pounds shown in millions to one place: £10.8m
    PERCENT = "percent"  # a percentage to the whole per cent: 67%
    TENTHS = "tenths"  # a figure to one place, half-up: 4.5 days, 26.3 hours
    INDEX = "index"  # a whole number, half-up, with thousands: an HHI of 1,250


@dataclass(frozen=True)
class Column:
    heading: str
    measure: Measure = Measure.LABEL


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    subtotal: bool = False  # a total within the table (e.g. a pathway's)


@dataclass(frozen=True)
class Table:
    title: str
    commissioner: str  # the commissioner's name
    on: date  # the day the report was run for (over a period: its last day)
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: Row | None = None
    notes: tuple[str, ...] = ()
    since: date | None = None  # over a period: its first day (``on`` is its last)

    def __post_init__(self) -> None:
        for row in (*self.rows, *([self.totals] if self.totals else [])):
            if len(row.cells) != len(self.columns):
                raise ValueError(
                    f"a row of {self.title!r} has {len(row.cells)} cells for"
                    f" {len(self.columns)} columns"
                )

    @property
    def all_rows(self) -> tuple[Row, ...]:
        return self.rows + ((self.totals,) if self.totals else ())

    def row(self, label: str) -> Row:
        """The first row (or the totals row) with ``label`` in a label column, the innermost
        (rightmost) column first: in zone demand "D" is zone D before the D pathway."""
        labels = [i for i, c in enumerate(self.columns) if c.measure is Measure.LABEL]
        for index in reversed(labels):
            for row in self.all_rows:
                if row.cells[index] == label:
                    return row
        raise KeyError(f"{self.title!r} has no row {label!r}")

    def value(self, label: str, heading: str) -> Cell:
        """The exact value in a row's column, e.g. ``table.value("A", "Clients")``."""
        index = next((i for i, c in enumerate(self.columns) if c.heading == heading), None)
        if index is None:
            raise KeyError(f"{self.title!r} has no column {heading!r}")
        return self.row(label).cells[index]
