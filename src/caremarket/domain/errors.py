"""What can go wrong, in the users' words. Each message is fit to show to a person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DomainError(Exception):
    """A rule of the market was broken."""


class NotFound(DomainError):
    """Something asked for by its identifier does not exist (or is not yours to see)."""


class Conflict(DomainError):
    """What was asked cannot be done as things now stand (someone else got there first)."""


class ConcurrentChange(Conflict):
    """Someone else changed the same thing at the same moment: try again."""


class InvalidPostcode(DomainError):
    pass


class UnknownPostcode(DomainError):
    """A well-formed postcode that no zone covers, or that the gazetteer does not hold."""


class InvalidNhsNumber(DomainError):
    pass


class InvalidCqcLocationId(DomainError):
    pass


class SharesDoNotAddUp(DomainError):
    """Pooled-budget or funding shares must sum to exactly 100%."""


class ZonesOverlap(DomainError):
    pass


class InvalidVisitPattern(DomainError):
    pass


class NoRate(DomainError):
    """No rate card line prices this service on this date."""


class InvalidLot(DomainError):
    pass


class InvalidMembership(DomainError):
    pass


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in an imported file: where (line, column), what was there, and why."""

    line: int  # the file's line number; the header is line 1
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        shown = f" {self.value!r}" if self.value else ""
        return f"{where}{shown}: {self.reason}"


class ImportRejected(DomainError):
    """A file was refused, and nothing of it written, because some of its rows are wrong."""

    def __init__(self, problems: Sequence[RowProblem], warnings: Sequence[str] = ()) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: p.line))
        self.warnings = tuple(warnings)
        count = len(self.problems)
        super().__init__(
            f"nothing was imported: the file has {count} problem{'s' if count != 1 else ''}\n"
            + "\n".join(str(p) for p in self.problems)
        )
