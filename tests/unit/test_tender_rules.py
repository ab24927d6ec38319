"""An evaluation model as plain data, and the rules for entering marks and awarding a lot."""

from __future__ import annotations

import json

import pytest

from caremarket.domain.evaluation import (
    InvalidEvaluationModel,
    evaluate_tender,
    model_from_data,
    model_to_data,
)
from caremarket.domain.tenders import (
    InvalidAward,
    InvalidTenderEntry,
    LotNotAwardable,
    check_mark,
    decide_award,
)
from tests.unit.test_evaluation import BANDED, COST_OF_CARE_RATE, MODEL, TENDER


@pytest.mark.parametrize("model", [MODEL, BANDED])
def test_a_model_written_as_plain_data_reads_back_the_same(model) -> None:
    data = json.loads(json.dumps(model_to_data(model)))
    assert model_from_data(data) == model


def test_the_data_says_each_criterion_as_the_tender_file_does() -> None:
    assert model_to_data(MODEL)["criteria"][:2] == [
        {"code": "cqc", "name": "CQC registration", "kind": "gate"},
        {"code": "quality", "name": "Quality", "kind": "marks", "weight": 50, "scale": 5},
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("criteria"), "needs 'criteria'"),
        (lambda d: d["criteria"][1].update(kind="stars"), "kind 'stars' is not one of"),
        (lambda d: d["criteria"][1].update(weight="50"), "weight '50' is not a whole number"),
        (lambda d: d["criteria"][1].update(weight=40), "add up to 90"),
        (lambda d: d["criteria"][1].update(scale=7), "out of 5 or 10"),
    ],
)
def test_a_model_written_wrongly_is_refused_saying_why(change, message) -> None:
    data = model_to_data(MODEL)
    change(data)
    with pytest.raises(InvalidEvaluationModel, match=message):
        model_from_data(data)


def test_a_mark_is_on_the_criterions_scale() -> None:
    assert check_mark(MODEL, "quality", 5, who="Asha").code == "quality"
    with pytest.raises(InvalidTenderEntry, match="marked 0 to 5; Asha gave 6"):
        check_mark(MODEL, "quality", 6, who="Asha")


def evaluations():
    north, south, rural = evaluate_tender(MODEL, TENDER, abnormally_low_below=COST_OF_CARE_RATE)
    return north, south, rural


def test_an_award_without_a_tie_takes_the_evaluations_places() -> None:
    north, _, _ = evaluations()
    assert decide_award(north) == (("Cedar", "Alder", "Birch"), None)


def test_a_tie_at_the_cut_off_needs_the_commissioners_choice_and_reason() -> None:
    _, _, rural = evaluations()
    with pytest.raises(InvalidAward, match="choose 1 of them"):
        decide_award(rural)
    assert decide_award(rural, tie_winners=["Alder"], reason="closer") == (
        ("Cedar", "Alder"),
        "closer",
    )


def test_a_lot_short_of_its_minimum_is_not_awarded() -> None:
    model, lots = MODEL, [(TENDER[2][0], TENDER[2][1][:1])]
    [short] = evaluate_tender(model, lots, abnormally_low_below=COST_OF_CARE_RATE)
    with pytest.raises(LotNotAwardable, match="cannot be awarded as designed"):
        decide_award(short)
