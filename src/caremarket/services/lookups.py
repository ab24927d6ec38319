"""Finding what an imported file names (a commissioner, a zone, a provider), once per name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from caremarket.imports.problems import Problems

T = TypeVar("T")


class Lookup(Generic[T]):
    """Looks each name up once; every row that names an unknown one gets its own problem."""

    def __init__(self, find: Callable[[str], T | None], what: str, problems: Problems) -> None:
        self.find = find
        self.what = what
        self.problems = problems
        self.found: dict[str, T | None] = {}

    def __call__(self, line: int, column: str, name: str) -> T | None:
        if name not in self.found:
            self.found[name] = self.find(name)
        item = self.found[name]
        if item is None:
            self.problems.add(line, column, name, f"there is no {self.what} {name}")
        return item
