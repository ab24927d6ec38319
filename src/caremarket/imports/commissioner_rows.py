"""Commissioners file: code, name, kind (council or icb), pathway_rules (optional)."""

from __future__ import annotations

from caremarket.domain.market import Commissioner, CommissionerKind
from caremarket.domain.packages import PERSONAL_CONTRIBUTION
from caremarket.domain.pathways import PathwayRules
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_choice, parse_code, parse_name
from caremarket.imports.problems import Problems

COMMISSIONER_COLUMNS = Columns(required=("code", "name", "kind"), optional=("pathway_rules",))


def parse_commissioners(table: Table, problems: Problems) -> list[tuple[int, Commissioner]]:
    """(line, commissioner) for each good row; the bad ones are noted in problems."""
    parsed = []
    for row in table.rows:
        commissioner = _commissioner(row, problems)
        if commissioner is not None:
            parsed.append((row.line, commissioner))
    problems.duplicates(((line, c.code, c.code) for line, c in parsed), "code", "commissioner")
    return parsed


def parse_commissioner_code(text: str) -> str:
    code = parse_code(text)
    if code.upper() == PERSONAL_CONTRIBUTION:
        raise ValueError(f"{PERSONAL_CONTRIBUTION} stands for the person's own contribution")
    return code


def _commissioner(row: Row, problems: Problems) -> Commissioner | None:
    before = len(problems)
    code = problems.cell(row, "code", parse_commissioner_code)
    name = problems.cell(row, "name", parse_name)
    kind = problems.cell(row, "kind", lambda t: parse_choice(t, CommissionerKind))
    rules = problems.cell(row, "pathway_rules", PathwayRules.parse, required=False)
    if len(problems) > before or not (code and name and kind):
        return None
    return Commissioner(code=code, name=name, kind=kind, pathway_rules=rules)
