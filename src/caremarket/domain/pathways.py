"""Pathway rules as data: a commissioner's way of classing packages.

Herefordshire's rule reads: D if weekly hours >= 28 or the service is 24-hour, else O.
As data: ``PathwayRules(rules=(PathwayRule("D", min_weekly_hours=28, services={"24-hour"}),),
default="O")``. A rule matches when any of its conditions holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from caremarket.domain.errors import DomainError


class InvalidPathwayRules(DomainError):
    pass


@dataclass(frozen=True)
class PathwayRule:
    pathway: str
    min_weekly_hours: Decimal | None = None
    services: frozenset[str] = field(default_factory=frozenset)  # service codes or kinds

    def matches(self, weekly_hours: Decimal, services: Iterable[str]) -> bool:
        if self.min_weekly_hours is not None and weekly_hours >= self.min_weekly_hours:
            return True
        return bool(self.services.intersection(services))

    def describe(self) -> str:
        conditions = []
        if self.min_weekly_hours is not None:
            conditions.append(f"weekly hours >= {self.min_weekly_hours}")
        if self.services:
            conditions.append("the service is " + " or ".join(sorted(self.services)))
        return f"{self.pathway} if " + " or ".join(conditions)


@dataclass(frozen=True)
class PathwayRules:
    rules: tuple[PathwayRule, ...]
    default: str

    def classify(self, weekly_hours: Decimal, services: Iterable[str]) -> str:
        """The first rule that matches names the pathway; otherwise the default."""
        services = set(services)
        for rule in self.rules:
            if rule.matches(weekly_hours, services):
                return rule.pathway
        return self.default

    @property
    def pathways(self) -> frozenset[str]:
        """Every pathway these rules can class a package into."""
        return frozenset(r.pathway for r in self.rules) | {self.default}

    def describe(self) -> str:
        return "; ".join([r.describe() for r in self.rules] + [f"else {self.default}"])

    def to_data(self) -> dict[str, Any]:
        return {
            "rules": [
                {
                    "pathway": r.pathway,
                    "min_weekly_hours": None
                    if r.min_weekly_hours is None
                    else str(r.min_weekly_hours),
                    "services": sorted(r.services),
                }
                for r in self.rules
            ],
            "default": self.default,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PathwayRules:
        try:
            rules = tuple(
                PathwayRule(
                    pathway=str(r["pathway"]),
                    min_weekly_hours=(
                        None
                        if r.get("min_weekly_hours") is None
                        else Decimal(str(r["min_weekly_hours"]))
                    ),
                    services=_services(r.get("services")),
                )
                for r in data["rules"]
            )
            default = str(data["default"])
        except (KeyError, TypeError, ArithmeticError) as error:
            raise InvalidPathwayRules(f"pathway rules are malformed: {error}") from None
        for rule in rules:
            if rule.min_weekly_hours is None and not rule.services:
                raise InvalidPathwayRules(f"the rule for pathway {rule.pathway} has no condition")
        return cls(rules=rules, default=default)

    @classmethod
    def parse(cls, text: str) -> PathwayRules:
        """Rules as `describe` writes them: 'D if weekly hours >= 28 or the service is 24-hour;
        else O'. Clauses are separated by ';' and the last must be 'else P', the pathway of
        packages no rule matches. Keywords may be in any case; pathways and service codes are
        kept as written. Raises InvalidPathwayRules saying what is wrong."""
        clauses = [c.strip() for c in _ELSE_AFTER_COMMA.sub("; else", text).split(";")]
        clauses = [c for c in clauses if c]
        if not clauses:
            raise InvalidPathwayRules(f"pathway rules are empty: write e.g. {_EXAMPLE!r}")
        *rules, last = clauses
        for clause in rules:
            if _ELSE.match(clause):
                raise InvalidPathwayRules(f"{clause!r} must come last: nothing follows 'else'")
        default = _ELSE.match(last)
        if default is None:
            raise InvalidPathwayRules(
                "pathway rules must end with 'else P', the pathway of packages no rule"
                f" matches: write e.g. {_EXAMPLE!r}"
            )
        return cls(rules=tuple(_parse_rule(c) for c in rules), default=default["pathway"])


_EXAMPLE = "D if weekly hours >= 28 or the service is 24-hour; else O"
_ELSE = re.compile(r"^else\s+(?P<pathway>[^\s;]+)$", re.IGNORECASE)
_ELSE_AFTER_COMMA = re.compile(r",\s*else\b", re.IGNORECASE)
_RULE = re.compile(r"^(?P<pathway>\S+)\s+if\s+(?P<conditions>.+)$", re.IGNORECASE)
_OR = re.compile(r"\s+or\s+", re.IGNORECASE)
_HOURS = re.compile(r"^weekly\s+hours\s*>=\s*(?P<hours>\S+)$", re.IGNORECASE)
_SERVICE = re.compile(r"^(?:the\s+)?service\s+is\s+(?P<service>\S+)$", re.IGNORECASE)
_WORD = re.compile(r"^[^\s,;]+$")


def _parse_rule(clause: str) -> PathwayRule:
    """'D if weekly hours >= 28 or the service is 24-hour or LIVE-IN'."""
    rule = _RULE.match(clause)
    if rule is None:
        raise InvalidPathwayRules(
            f"{clause!r} is not a rule: write 'PATHWAY if CONDITION',"
            " e.g. 'D if weekly hours >= 28'"
        )
    pathway = rule["pathway"]
    hours: Decimal | None = None
    services: set[str] = set()
    for condition in _OR.split(rule["conditions"].strip()):
        if found := _HOURS.match(condition):
            if hours is not None:
                raise InvalidPathwayRules(
                    f"the rule for pathway {pathway} gives weekly hours twice"
                )
            hours = _parse_hours(found["hours"], pathway)
        elif found := _SERVICE.match(condition):
            services.add(found["service"])
        elif services and _WORD.match(condition):
            services.add(condition)  # '... the service is 24-hour or LIVE-IN'
        else:
            raise InvalidPathwayRules(
                f"{condition!r} in the rule for pathway {pathway} is not a condition: write"
                " 'weekly hours >= N' or 'the service is CODE' (several joined by 'or')"
            )
    return PathwayRule(pathway, min_weekly_hours=hours, services=frozenset(services))


def _parse_hours(text: str, pathway: str) -> Decimal:
    try:
        hours = Decimal(text)
    except ArithmeticError:
        hours = Decimal("NaN")
    if not hours.is_finite() or hours < 0:
        raise InvalidPathwayRules(
            f"{text!r} in the rule for pathway {pathway} is not a number of hours, e.g. 28 or 27.5"
        )
    return hours


def _services(value: Any) -> frozenset[str]:
    # a lone string would otherwise become a set of its characters, and never match
    if isinstance(value, str):
        raise TypeError(f"services must be a list of service codes, not {value!r}")
    return frozenset(value or ())
