"""The tender evaluation file: the shipped example reads as the worked tender, and a mistake in
a file is refused with where it is (the lot, the bidder, the field) and why."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

import caremarket.tenders.file
from caremarket.domain.evaluation import GateResult, MarkNotModerated, Marks, TenderLot
from caremarket.tenders.file import InvalidTenderFile, parse_tender, read_tender
from tests.unit.test_evaluation import COST_OF_CARE_RATE, HAND_COMPUTED, MODEL, NORTH, RURAL, SOUTH

EXAMPLE = Path(__file__).parents[2] / "examples" / "tender-evaluation.toml"

SMALL = """
[tender]
name = "Small"
commissioner = "Example Council"
abnormally_low_below = 22.00

[model]
code = "M"
name = "Model"

[[model.criteria]]
code = "cqc"
name = "CQC registration"
kind = "gate"

[[model.criteria]]
code = "quality"
name = "Quality"
kind = "marks"
weight = 70
scale = 5

[[model.criteria]]
code = "price"
name = "Price"
kind = "price-band"
weight = 30
band = { floor = 22.00, ceiling = 25.00 }

[[lots]]
code = "N"
name = "North"
min_providers = 1
max_providers = 2

[[lots.bids]]
bidder = "Alder"
hourly_rate = 25.00
gates = { cqc = "pass" }
marks.quality = { moderated = 4, evaluators = { Asha = 4, Ben = 3 } }
"""


def test_the_example_file_is_the_worked_tender() -> None:
    tender = read_tender(EXAMPLE)
    assert tender.model == MODEL
    assert tender.abnormally_low_below == COST_OF_CARE_RATE
    assert [lot for lot, _ in tender.lots] == [NORTH, SOUTH, RURAL]
    north_birch = tender.lots[0][1][1]
    assert north_birch.hourly_rate == Decimal("21.00")
    assert north_birch.marks["quality"] == Marks(3, {"Asha": 3, "Ben": 3})
    assert north_birch.low_price_accepted is not None
    damson_south = tender.lots[1][1][3]
    assert damson_south.gates["cqc"] == GateResult(False, "not registered for its South branch")


@pytest.mark.parametrize("lot", range(3))
def test_the_example_file_evaluates_to_the_hand_computed_table(lot: int) -> None:
    evaluation = read_tender(EXAMPLE).evaluate()[lot]
    got = [
        (
            row.bidder,
            row.score("quality").shown(),
            row.score("price").shown(),
            row.score("social-value").shown(),
            "" if row.shown_total is None else str(row.shown_total),
            row.rank,
            row.outcome,
        )
        for row in evaluation.rows
    ]
    assert got == HAND_COMPUTED[evaluation.lot.code]


def test_a_small_file_reads_a_price_band_and_marks_given_alone_or_with_evaluators() -> None:
    tender = parse_tender(SMALL)
    assert tender.model.criterion("price").band is not None
    assert tender.lots[0][0] == TenderLot("N", "North", 1, 2)
    assert tender.evaluated_on is None
    assert tender.evaluate()[0].row("Alder").score("price").shown() == "30.00"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "hourly_rate = 25.00",
            'hourly_rate = "25.001"',
            "lot N, Alder, hourly_rate: '25.001' is not an amount in pounds and pence",
        ),
        (
            "hourly_rate = 25.00",
            "",
            "lot N, Alder, hourly_rate: is missing",
        ),
        (
            'bidder = "Alder"',
            "",
            "lot N, bid 1, bidder: needs some text",
        ),
        (
            "moderated = 4,",
            "moderated = 4.5,",
            "lot N, Alder, marks for quality, moderated: Decimal('4.5') is not a whole number",
        ),
        (
            "Ben = 3",
            'Ben = "three"',
            "lot N, Alder, marks for quality, Ben: 'three' is not a whole number",
        ),
        (
            'cqc = "pass"',
            'cqc = "fail"',
            'lot N, Alder, gate cqc: must be "pass" or { fail = "the reason it failed" }',
        ),
        (
            'cqc = "pass"',
            'cqc = { fail = " " }',
            "lot N, Alder, gate cqc: a failed gate needs the reason it failed",
        ),
        (
            "gates = {",
            "low_price = true\ngates = {",
            "lot N, Alder: unknown field 'low_price'",
        ),
        (
            "max_providers = 2",
            "max_providers = 0",
            "small.toml: lot N: the maximum (0) must be at least 1",
        ),
        (
            'kind = "price-band"',
            'kind = "price-banded"',
            "criterion 'price', kind: 'price-banded' is not one of marks, price-relative",
        ),
        (
            "weight = 70",
            "weight = 60",
            "small.toml: model M: the weights add up to 90, not exactly 100",
        ),
        (
            "scale = 5",
            "scale = 7",
            "small.toml: criterion 'quality': marks are out of 5 or 10, not 7",
        ),
        (
            "floor = 22.00",
            "floor = 26.00",
            "criterion 'price': a price band runs from a positive floor up to its ceiling",
        ),
        (
            "abnormally_low_below = 22.00",
            "abnormally_low_below = 22.00\nevaluated_on = 2027-03-01T09:00:00",
            "[tender] evaluated_on: must be a date",
        ),
        (
            'commissioner = "Example Council"',
            "",
            "small.toml: [tender] commissioner: needs some text",
        ),
        (
            "hourly_rate = 25.00",
            "hourly_rate = 0",
            "small.toml: lot N, Alder: the hourly rate must be a positive amount",
        ),
        ('name = "Small"', "name = 3", "small.toml: [tender] name: needs some text"),
        ('name = "North"', 'name = "North"\nbid = []', "lot N: unknown field 'bid'"),
        ("[[lots.bids]]", "[lots.other]", "lot N: unknown field 'other'"),
        ("[[lots]]", "[[lot]]", "unknown field 'lot'; expected one of lots, model, tender"),
    ],
)
def test_a_mistake_in_the_file_is_refused_naming_where_it_is(
    old: str, new: str, message: str
) -> None:
    assert old in SMALL
    with pytest.raises(InvalidTenderFile) as refused:
        parse_tender(SMALL.replace(old, new, 1), source="small.toml")
    assert str(refused.value).startswith("small.toml: ")
    assert message in str(refused.value)


def test_a_file_that_is_not_toml_is_refused_with_the_line() -> None:
    with pytest.raises(InvalidTenderFile, match=r"small.toml is not valid TOML: .*line 2"):
        parse_tender("[tender]\nname = \n", source="small.toml")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidTenderFile, match="cannot read .*nope.toml: No such file"):
        read_tender(tmp_path / "nope.toml")


def test_a_bid_the_domain_refuses_is_refused_by_lot_and_bidder() -> None:
    unmoderated = SMALL.replace("moderated = 4, ", "")
    with pytest.raises(MarkNotModerated, match="lot N, Alder: Quality has no moderated mark"):
        parse_tender(unmoderated).evaluate()


def test_the_reader_imports_no_database_or_web_code() -> None:
    source = Path(caremarket.tenders.file.__file__).read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            assert (node.module or "").startswith(("caremarket.domain", "__future__")) or (
                node.module
                in {"collections.abc", "dataclasses", "datetime", "decimal"} | {"pathlib", "typing"}
            ), node.module
        if isinstance(node, ast.Import):
            assert [a.name for a in node.names] == ["tomllib"]
