"""Pathway rules as data: Herefordshire's D (complex) and O pathways."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from caremarket.domain.pathways import InvalidPathwayRules, PathwayRule, PathwayRules
from tests.builders import HEREFORDSHIRE_RULES


@pytest.mark.parametrize(
    ("weekly_hours", "pathway"),
    [
        ("0", "O"),
        ("14", "O"),
        ("27.75", "O"),
        ("27.99", "O"),
        ("28", "D"),
        ("28.25", "D"),
        ("60", "D"),
    ],
)
def test_herefordshire_classes_28_weekly_hours_and_more_as_the_d_pathway(
    weekly_hours: str, pathway: str
) -> None:
    assert HEREFORDSHIRE_RULES.classify(Decimal(weekly_hours), {"PC", "visits"}) == pathway


def test_exactly_28_hours_a_week_is_the_d_pathway() -> None:
    assert HEREFORDSHIRE_RULES.classify(Decimal(28), set()) == "D"


def test_27_and_three_quarter_hours_a_week_is_the_o_pathway() -> None:
    assert HEREFORDSHIRE_RULES.classify(Decimal("27.75"), set()) == "O"


def test_every_24_hour_package_is_the_d_pathway_however_few_its_hours() -> None:
    assert HEREFORDSHIRE_RULES.classify(Decimal(2), {"LIVE-IN", "24-hour"}) == "D"


def test_the_services_to_classify_by_may_be_any_iterable() -> None:
    assert HEREFORDSHIRE_RULES.classify(Decimal(2), iter(["24-hour"])) == "D"


def test_the_first_matching_rule_names_the_pathway() -> None:
    rules = PathwayRules(
        rules=(
            PathwayRule("EOL", services=frozenset({"EOL"})),
            PathwayRule("D", min_weekly_hours=Decimal(28)),
        ),
        default="O",
    )
    assert rules.classify(Decimal(40), {"EOL"}) == "EOL"
    assert rules.classify(Decimal(40), {"PC"}) == "D"
    assert rules.classify(Decimal(4), {"PC"}) == "O"


def test_rules_without_any_rule_class_everything_as_the_default() -> None:
    assert PathwayRules(rules=(), default="O").classify(Decimal(100), {"24-hour"}) == "O"


def test_rules_describe_themselves_in_words() -> None:
    assert HEREFORDSHIRE_RULES.describe() == (
        "D if weekly hours >= 28 or the service is 24-hour; else O"
    )


def test_rules_survive_being_stored_as_json_and_read_back() -> None:
    data = json.loads(json.dumps(HEREFORDSHIRE_RULES.to_data()))
    assert data == {
        "rules": [{"pathway": "D", "min_weekly_hours": "28", "services": ["24-hour"]}],
        "default": "O",
    }
    assert PathwayRules.from_data(data) == HEREFORDSHIRE_RULES


def test_a_rule_with_only_services_survives_being_stored_and_read_back() -> None:
    rules = PathwayRules(
        rules=(
            PathwayRule("CHC", services=frozenset({"CHC", "EOL"})),
            PathwayRule("D", min_weekly_hours=Decimal("27.5")),
        ),
        default="O",
    )
    assert PathwayRules.from_data(rules.to_data()) == rules


def test_hours_may_be_written_as_numbers_in_stored_rules() -> None:
    rules = PathwayRules.from_data(
        {"rules": [{"pathway": "D", "min_weekly_hours": 28}], "default": "O"}
    )
    assert rules.rules[0].min_weekly_hours == Decimal(28)
    assert rules.rules[0].services == frozenset()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rules": []},
        {"default": "O"},
        {"rules": None, "default": "O"},
        {"rules": [{"min_weekly_hours": "28"}], "default": "O"},
        {"rules": ["D"], "default": "O"},
        {"rules": [{"pathway": "D", "min_weekly_hours": "lots"}], "default": "O"},
        {"rules": [{"pathway": "D", "services": [["24-hour"]]}], "default": "O"},
        {"rules": [{"pathway": "D", "services": "24-hour"}], "default": "O"},
    ],
)
def test_malformed_rules_are_refused(data: dict[str, Any]) -> None:
    with pytest.raises(InvalidPathwayRules, match="malformed"):
        PathwayRules.from_data(data)


def test_a_rule_without_any_condition_is_refused_naming_its_pathway() -> None:
    with pytest.raises(InvalidPathwayRules, match="the rule for pathway D has no condition"):
        PathwayRules.from_data({"rules": [{"pathway": "D", "services": []}], "default": "O"})
