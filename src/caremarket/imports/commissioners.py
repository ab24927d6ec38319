"""The commissioner a row belongs to: its own column, or the one the whole file is for."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.imports.csvfile import Row
from caremarket.imports.problems import Problems

COLUMN = "commissioner"


@dataclass(frozen=True)
class FileCommissioner:
    """`chosen`: the file is imported for this one, and rows must agree. `default`: where a row
    names none, it is this one (the only commissioner caremarket holds, say)."""

    chosen: str | None = None
    default: str | None = None

    @property
    def fallback(self) -> str | None:
        return self.chosen or self.default

    def columns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(required, optional): the column may be left out when a row need not name one."""
        return ((COLUMN,), ()) if self.fallback is None else ((), (COLUMN,))

    def of(self, row: Row, problems: Problems) -> str | None:
        written = row.get(COLUMN)
        if self.chosen and written and written != self.chosen:
            problems.add(
                row.line,
                COLUMN,
                written,
                f"this file is being imported for commissioner {self.chosen}",
            )
            return None
        if written or self.fallback is None:
            return problems.cell(row, COLUMN, str)
        return self.fallback


NAMED_IN_EACH_ROW = FileCommissioner()
