"""Providers file: name, cqc_location_ids (';'-separated), cqc_rating, status."""

from __future__ import annotations

from caremarket.domain.market import CqcRating, Provider, ProviderStatus, parse_cqc_location_id
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import parse_choice, parse_list
from caremarket.imports.problems import Problems

PROVIDER_COLUMNS = Columns(required=("name", "cqc_location_ids"), optional=("cqc_rating", "status"))


def parse_providers(table: Table, problems: Problems) -> list[tuple[int, Provider]]:
    """(line, provider) for each good row; the bad ones are noted in problems."""
    parsed = []
    for row in table.rows:
        provider = _provider(row, problems)
        if provider is not None:
            parsed.append((row.line, provider))
    problems.duplicates(
        ((line, p.name.casefold(), p.name) for line, p in parsed), "name", "provider"
    )
    location_ids = (
        (line, location, location) for line, p in parsed for location in p.cqc_location_ids
    )
    problems.duplicates(location_ids, "cqc_location_ids", "CQC location")
    return parsed


def _provider(row: Row, problems: Problems) -> Provider | None:
    before = len(problems)
    name = problems.cell(row, "name", str)
    locations = problems.cell(row, "cqc_location_ids", _parse_locations)
    rating = problems.cell(row, "cqc_rating", lambda t: parse_choice(t, CqcRating), required=False)
    status = problems.cell(row, "status", lambda t: parse_choice(t, ProviderStatus), required=False)
    if len(problems) > before or not (name and locations):
        return None
    return Provider(
        name=name,
        cqc_location_ids=locations,
        cqc_rating=rating or CqcRating.NOT_YET_RATED,
        status=status or ProviderStatus.ACTIVE,
    )


def _parse_locations(text: str) -> tuple[str, ...]:
    locations = tuple(parse_cqc_location_id(item) for item in parse_list(text))
    if not locations:
        raise ValueError("a provider needs at least one CQC location ID, e.g. 1-101634823")
    return locations
