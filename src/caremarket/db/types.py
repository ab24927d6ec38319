"""Column types that carry domain values in and out of the database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.types import TypeDecorator

from caremarket.domain.packages import FundingShare
from caremarket.domain.pathways import PathwayRules
from caremarket.domain.patterns import VisitLine, format_pattern, parse_pattern
from caremarket.domain.policies import SourcingPolicy, policy_from_data, policy_to_data


class StringTuple(TypeDecorator[tuple[str, ...]]):
    """A short list of codes (a zone's postcode areas, a provider's CQC IDs) as JSON."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> list[str] | None:
        return None if value is None else list(value)

    def process_result_value(self, value: Any, dialect: Any) -> tuple[str, ...] | None:
        return None if value is None else tuple(value)


class StringSet(TypeDecorator[frozenset[str]]):
    """A set of names (documents supplied or required) as a sorted JSON list."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> list[str] | None:
        return None if value is None else sorted(value)

    def process_result_value(self, value: Any, dialect: Any) -> frozenset[str] | None:
        return None if value is None else frozenset(value)


class Hours(TypeDecorator[dict[str, Decimal]]):
    """Hours a week by zone code, exact: {"A": "12.5"} in JSON."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dict[str, str] | None:
        return None if value is None else {str(k): str(v) for k, v in value.items()}

    def process_result_value(self, value: Any, dialect: Any) -> dict[str, Decimal] | None:
        return None if value is None else {k: Decimal(v) for k, v in value.items()}


class Pattern(TypeDecorator[tuple[VisitLine, ...]]):
    """A visit pattern in its written notation ('4x30 daily; 1x45x2 Mon-Fri')."""

    impl = String(500)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else format_pattern(value)

    def process_result_value(self, value: Any, dialect: Any) -> tuple[VisitLine, ...] | None:
        return None if value is None else parse_pattern(value)


class Funding(TypeDecorator[tuple[FundingShare, ...]]):
    impl = JSON
    cache_ok = True

    # [funder, share], and [PERSON, "0", weekly] for a weekly assessed contribution
    def process_bind_param(self, value: Any, dialect: Any) -> list[list[str]] | None:
        if value is None:
            return None
        return [
            [f.funder, str(f.share)] + ([str(f.weekly)] if f.weekly is not None else [])
            for f in value
        ]

    def process_result_value(self, value: Any, dialect: Any) -> tuple[FundingShare, ...] | None:
        if value is None:
            return None
        return tuple(
            FundingShare(f[0], Decimal(f[1]), Decimal(f[2]) if len(f) > 2 else None) for f in value
        )


class Rules(TypeDecorator[PathwayRules]):
    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dict | None:
        return None if value is None else value.to_data()

    def process_result_value(self, value: Any, dialect: Any) -> PathwayRules | None:
        return None if value is None else PathwayRules.from_data(value)


class Policy(TypeDecorator[SourcingPolicy]):
    """A sourcing policy as plain data (domain/policies.py writes and reads it)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dict | None:
        return None if value is None else policy_to_data(value)

    def process_result_value(self, value: Any, dialect: Any) -> SourcingPolicy | None:
        return None if value is None else policy_from_data(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment in time: refuses naive datetimes, stores UTC, gives back aware UTC datetimes
    on every database (SQLite keeps no time zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a naive datetime cannot be stored: {value!r}")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
