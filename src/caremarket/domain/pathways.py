"""Pathway rules as data: a commissioner's way of classing packages.

Herefordshire's rule reads: D if weekly hours >= 28 or the service is 24-hour, else O.
As data: ``PathwayRules(rules=(PathwayRule("D", min_weekly_hours=28, services={"24-hour"}),),
default="O")``. A rule matches when any of its conditions holds.
"""

from __future__ import annotations

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
                    services=frozenset(r.get("services") or ()),
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
