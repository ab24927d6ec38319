"""Pathway rules read back from the words they describe themselves in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.pathways import InvalidPathwayRules, PathwayRule, PathwayRules
from tests.builders import HEREFORDSHIRE_RULES

KEYWORDS = {"if", "or", "else", "the", "service", "is", "weekly", "hours"}
names = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9-]{0,7}\Z").filter(
    lambda name: name.lower() not in KEYWORDS
)
hours = st.decimals(min_value=0, max_value=168, places=2)


@st.composite
def pathway_rules(draw: st.DrawFn) -> PathwayRules:
    rules = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        min_weekly_hours = draw(st.none() | hours)
        services = draw(st.frozensets(names, min_size=0 if min_weekly_hours is not None else 1))
        rules.append(PathwayRule(draw(names), min_weekly_hours, services))
    return PathwayRules(rules=tuple(rules), default=draw(names))


@given(pathway_rules())
def test_rules_read_back_from_their_own_description_are_the_same_rules(
    rules: PathwayRules,
) -> None:
    assert PathwayRules.parse(rules.describe()) == rules


def test_herefordshires_rule_reads_as_written_in_its_tables() -> None:
    parsed = PathwayRules.parse("D if weekly hours >= 28 or the service is 24-hour; else O")
    assert parsed == HEREFORDSHIRE_RULES


@pytest.mark.parametrize(
    "text",
    [
        "d IF Weekly Hours >= 28 OR The Service Is 24-hour; ELSE O",
        "D if weekly hours>=28 or service is 24-hour; else O",
        "  D  if  weekly  hours  >=  28.0  or  the  service  is  24-hour ;  else  O ;",
        "D if weekly hours >= 28 or the service is 24-hour, else O",
        "D if the service is 24-hour or weekly hours >= 28; else O",
    ],
)
def test_keywords_spacing_and_order_of_conditions_are_free(text: str) -> None:
    parsed = PathwayRules.parse(text)
    assert parsed.rules[0].min_weekly_hours == Decimal(28)
    assert parsed.rules[0].services == frozenset({"24-hour"})
    assert parsed.default == "O"


def test_pathways_and_service_codes_keep_the_case_they_are_written_in() -> None:
    parsed = PathwayRules.parse("d if service is Live-In; else o")
    assert parsed == PathwayRules((PathwayRule("d", services=frozenset({"Live-In"})),), "o")


def test_a_rule_may_name_several_services_and_several_rules_are_tried_in_order() -> None:
    parsed = PathwayRules.parse(
        "EOL if the service is EOL; CHC if service is CHC or 24-hour or LIVE-IN;"
        " D if weekly hours >= 27.5; else O"
    )
    assert parsed == PathwayRules(
        rules=(
            PathwayRule("EOL", services=frozenset({"EOL"})),
            PathwayRule("CHC", services=frozenset({"CHC", "24-hour", "LIVE-IN"})),
            PathwayRule("D", min_weekly_hours=Decimal("27.5")),
        ),
        default="O",
    )


def test_rules_of_only_a_default_class_everything_alike() -> None:
    assert PathwayRules.parse("else O") == PathwayRules(rules=(), default="O")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "pathway rules are empty"),
        (" ; ", "pathway rules are empty"),
        ("D if weekly hours >= 28", "must end with 'else P'"),
        ("D if weekly hours >= 28; otherwise O", "must end with 'else P'"),
        ("else O; D if weekly hours >= 28", "'else O' must come last"),
        ("else O; else D", "'else O' must come last"),
        ("else", "must end with 'else P'"),
        ("D weekly hours >= 28; else O", "'D weekly hours >= 28' is not a rule"),
        ("D if; else O", "'D if' is not a rule"),
        ("D if weekly hours > 28; else O", "'weekly hours > 28' in the rule for pathway D is not"),
        ("D if weekly hours >= lots; else O", "'lots' in the rule for pathway D is not a number"),
        ("D if weekly hours >= -1; else O", "'-1' in the rule for pathway D is not a number"),
        ("D if weekly hours >= NaN; else O", "'NaN' in the rule for pathway D is not a number"),
        ("D if weekly hours >= 28 or weekly hours >= 30; else O", "gives weekly hours twice"),
        ("D if the service is; else O", "'the service is' in the rule for pathway D is not"),
        ("D if weekly hours >= 28 or LIVE-IN; else O", "'LIVE-IN' in the rule for pathway D"),
    ],
)
def test_malformed_rules_are_refused_saying_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidPathwayRules, match=message):
        PathwayRules.parse(text)
