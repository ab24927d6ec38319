"""Gazetteer file: postcode, latitude, longitude, lad_code, ward_code (Code-Point Open layout)."""

from __future__ import annotations

import re
from typing import Any

from caremarket.domain.postcodes import normalise_postcode
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_float_between
from caremarket.imports.problems import Problems

POSTCODE_COLUMNS = Columns(
    required=("postcode", "latitude", "longitude", "lad_code"),
    optional=("ward_code",),
    # The rest of the Code-Point Open layout in ../shared/data: read past without a warning.
    ignored=("easting", "northing", "pqi", "county_code", "lsoa11cd", "msoa11cd"),
)
_GSS_CODE = re.compile(r"^[EWSN]\d{8}$")  # an ONS area code, e.g. E06000019


def parse_postcodes(table: Table, problems: Problems) -> list[dict[str, Any]]:
    """Gazetteer rows ready to load (keyed as the gazetteer's columns); bad ones noted."""
    parsed = []
    lines = []
    for row in table.rows:
        entry = _entry(row, problems)
        if entry is not None:
            parsed.append(entry)
            lines.append(row.line)
    problems.duplicates(
        ((line, e["postcode"], e["postcode"]) for line, e in zip(lines, parsed, strict=True)),
        "postcode",
        "postcode",
    )
    return parsed


def parse_gss_code(text: str) -> str:
    code = text.strip().upper()
    if not _GSS_CODE.match(code):
        raise ValueError(
            f"{text!r} is not an ONS area code (a letter and eight digits, e.g. E06000019)"
        )
    return code


def _entry(row: Row, problems: Problems) -> dict[str, Any] | None:
    before = len(problems)
    entry = {
        "postcode": problems.cell(row, "postcode", normalise_postcode),
        "latitude": problems.cell(
            row, "latitude", lambda t: parse_float_between(t, 49.0, 61.0, "latitude")
        ),
        "longitude": problems.cell(
            row, "longitude", lambda t: parse_float_between(t, -9.0, 2.0, "longitude")
        ),
        "lad_code": problems.cell(row, "lad_code", parse_gss_code),
        "ward_code": problems.cell(row, "ward_code", parse_gss_code, required=False),
    }
    return entry if len(problems) == before else None
