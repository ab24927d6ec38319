"""Service types file: code, name, kind (visits, 24-hour or sleep-in)."""

from __future__ import annotations

from caremarket.domain.market import ServiceKind, ServiceType
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_choice, parse_code, parse_name
from caremarket.imports.problems import Problems

SERVICE_COLUMNS = Columns(required=("code", "name", "kind"))


def parse_services(table: Table, problems: Problems) -> list[tuple[int, ServiceType]]:
    """(line, service type) for each good row; the bad ones are noted in problems."""
    parsed = []
    for row in table.rows:
        service = _service(row, problems)
        if service is not None:
            parsed.append((row.line, service))
    problems.duplicates(((line, s.code, s.code) for line, s in parsed), "code", "service type")
    return parsed


def _service(row: Row, problems: Problems) -> ServiceType | None:
    before = len(problems)
    code = problems.cell(row, "code", parse_code)
    name = problems.cell(row, "name", parse_name)
    kind = problems.cell(row, "kind", lambda t: parse_choice(t, ServiceKind))
    if len(problems) > before or not (code and name and kind):
        return None
    return ServiceType(code=code, name=name, kind=kind)
