"""Collecting what is wrong with a file, so that every bad row is reported in one go."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from caremarket.domain.errors import DomainError, ImportRejected, RowProblem
from caremarket.imports.csvfile import Row

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Problems:
    def __init__(self) -> None:
        self.found: list[RowProblem] = []

    def add(self, line: int, column: str, value: str, reason: str) -> None:
        self.found.append(RowProblem(line, column, value, reason))

    def cell(
        self, row: Row, column: str, parse: Callable[[str], T], *, required: bool = True
    ) -> T | None:
        """A cell parsed; None, and a problem noted, if it is bad or missing but required."""
        text = row.get(column)
        if not text:
            if required:
                self.add(row.line, column, "", f"{column} is required")
            return None
        try:
            return parse(text)
        except (DomainError, ValueError) as error:
            self.add(row.line, column, text, str(error))
            return None

    def duplicates(self, rows: Iterable[tuple[int, K, str]], column: str, what: str) -> None:
        """Note each (line, key, shown) whose key an earlier line already had, naming both lines."""
        first: dict[K, int] = {}
        for line, key, shown in rows:
            earlier = first.setdefault(key, line)
            if earlier != line:
                self.add(line, column, shown, f"{what} {shown} is also on line {earlier}")

    def raise_if_any(self, warnings: Iterable[str] = ()) -> None:
        if self.found:
            raise ImportRejected(self.found, tuple(warnings))

    def __len__(self) -> int:
        return len(self.found)
