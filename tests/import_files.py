"""Helpers for tests of imports: the example files, a file from lines, and the refusal."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from caremarket.domain.errors import ImportRejected

EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"


def csv_file(*lines: str) -> io.StringIO:
    return io.StringIO("\n".join(lines) + "\n")


def rejected(call: Callable[[], Any]) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        call()
    return caught.value


def lines_and_columns(error: ImportRejected) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in error.problems]
