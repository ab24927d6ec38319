"""Reading import files: headers, line numbers, and refusing what cannot be read."""

from __future__ import annotations

import io

import pytest

from caremarket.domain.errors import ImportRejected
from caremarket.imports.csvfile import Columns, read_table

COLUMNS = Columns(required=("code", "name"), optional=("areas",))


def read(text: str):  # type: ignore[no-untyped-def]
    return read_table(io.StringIO(text), COLUMNS)


def test_headers_match_ignoring_case_spaces_and_a_byte_order_mark() -> None:
    table = read("\ufeff Code ,NAME,Areas\nA,Zone A,HR6\n")

    assert table.rows[0].cells == {"code": "A", "name": "Zone A", "areas": "HR6"}
    assert table.warnings == ()


def test_rows_carry_the_line_they_start_on_skipping_blank_lines() -> None:
    table = read('code,name\nA,"Zone\nA"\n\n,\nB,Zone B\n')

    assert [(r.line, r.get("code")) for r in table.rows] == [(2, "A"), (6, "B")]


def test_missing_required_columns_are_one_problem_on_the_header_line() -> None:
    with pytest.raises(ImportRejected) as caught:
        read("areas,notes\nHR6,x\n")

    (problem,) = caught.value.problems
    assert problem.line == 1
    assert problem.column == "code, name"
    assert "lacks the required columns code, name" in problem.reason


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ImportRejected, match="the file is empty"):
        read("")


def test_a_column_named_twice_is_refused() -> None:
    with pytest.raises(ImportRejected, match="named twice"):
        read("code,name,Code\nA,B,C\n")


def test_unknown_columns_are_warnings() -> None:
    table = read("code,name,notes\nA,Zone A,x\n")

    assert table.warnings == ("column 'notes' is not one caremarket reads; it was ignored",)
    assert table.rows[0].get("notes") == "x"
