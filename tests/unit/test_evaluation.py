"""Tender evaluation: a worked tender reproduced from a hand-computed table, and the rules.

The worked tender: three lots, five bidders, a CQC registration gate, quality 50% (marks out
of 5, two evaluators, moderated), price 30% (lowest compliant rate ÷ rate × 30) and social
value 20% (marks out of 10, as Wirral weighted it). The cost-of-care model's rate, £22.00 an
hour, is the abnormally low threshold. Points: quality = mark ÷ 5 × 50 = mark × 10; social
value = mark ÷ 10 × 20 = mark × 2; totals rounded half-up to 2 places only where shown.

Lot N, North (takes 2 to 3 providers). Lowest compliant rate £21.00 (Birch, below £22.00 but
explained and accepted, so scored and counted as the lowest). Q: quality, SV: social value.

| bidder | Q marks A, B → agreed | SV | rate   | Q  | SV | price = 21 ÷ rate × 30 | total   | rank |
|--------|-----------------------|----|--------|----|----|------------------------|---------|------|
| Cedar  | 5, 4 → 5              | 6  | £30.00 | 50 | 12 | 21.00                  | 83.00   | 1 A  |
| Alder  | 4, 3 → 4              | 7  | £25.00 | 40 | 14 | 25.20                  | 79.20   | 2 A  |
| Birch  | 3, 3 → 3              | 8  | £21.00 | 30 | 16 | 30.00                  | 76.00   | 3 A  |
| Elm    | 2, 3 → 3              | 9  | £27.00 | 30 | 18 | 23.333… → 23.33        | 71.33   | 4 N  |
| Damson | 4, 4 → 4              | 5  | £35.00 | 40 | 10 | 18.00                  | 68.00   | 5 N  |

(A: awarded, N: not awarded.) Elm's total is 30 + 18 + 70/3 = 71.333…, shown 71.33.

Lot S, South (takes 1 to 3). Damson fails the CQC gate and is excluded, so its £23.00 is not
the lowest: £24.00 (Birch) is. Elm and Birch tie on 76.00; Elm's marked criteria score 52
(40 + 12) against Birch's 46 (30 + 16), so Elm ranks 3 and takes the last place.

| bidder | Q | SV | rate   | Q  | SV | price = 24 ÷ rate × 30 | total | rank              |
|--------|---|----|--------|----|----|------------------------|-------|-------------------|
| Cedar  | 5 | 6  | £28.00 | 50 | 12 | 25.714… → 25.71        | 87.71 | 1 A               |
| Alder  | 4 | 7  | £25.00 | 40 | 14 | 28.80                  | 82.80 | 2 A               |
| Elm    | 4 | 6  | £30.00 | 40 | 12 | 24.00                  | 76.00 | 3 A               |
| Birch  | 3 | 8  | £24.00 | 30 | 16 | 30.00                  | 76.00 | 4 N               |
| Damson | 4 | 8  | £23.00 | –  | –  | –                      | –     | excluded (gate)   |

Lot R, Rural (takes exactly 2). Birch's £19.50 is below £22.00 and not explained: set aside,
unscored, and not the lowest; £25.00 (Cedar) is. Alder and Elm are level on total (77.00),
marked criteria (52) and rate (£30.00): they share rank 2 with one place left — a tie at the
cut-off for the commissioner to decide (T). Damson ranks 4, after two at rank 2.

| bidder | Q | SV | rate   | Q  | SV | price = 25 ÷ rate × 30 | total | rank              |
|--------|---|----|--------|----|----|------------------------|-------|-------------------|
| Cedar  | 4 | 7  | £25.00 | 40 | 14 | 30.00                  | 84.00 | 1 A               |
| Alder  | 4 | 6  | £30.00 | 40 | 12 | 25.00                  | 77.00 | 2 T               |
| Elm    | 4 | 6  | £30.00 | 40 | 12 | 25.00                  | 77.00 | 2 T               |
| Damson | 2 | 4  | £26.00 | 20 | 8  | 28.846… → 28.85        | 56.85 | 4 N               |
| Birch  | 3 | 7  | £19.50 | –  | –  | –                      | –     | set aside         |
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from caremarket.domain.errors import DomainError
from caremarket.domain.evaluation import (
    Bid,
    Criterion,
    EvaluationModel,
    GateResult,
    InvalidBid,
    InvalidEvaluationModel,
    Kind,
    LotEvaluation,
    MarkNotModerated,
    MarkOutsideScale,
    Marks,
    Outcome,
    PriceBand,
    TenderLot,
    evaluate_lot,
    evaluate_tender,
)
from caremarket.domain.market import Lot

COST_OF_CARE_RATE = Decimal("22.00")

CQC = Criterion("cqc", "CQC registration", Kind.GATE)
QUALITY = Criterion("quality", "Quality", Kind.MARKS, 50, scale=5)
PRICE = Criterion("price", "Price", Kind.PRICE_RELATIVE, 30)
SOCIAL_VALUE = Criterion("social-value", "Social value", Kind.MARKS, 20, scale=10)
MODEL = EvaluationModel("HC-2027", "Home care 2027", (CQC, QUALITY, PRICE, SOCIAL_VALUE))

NORTH = TenderLot("N", "North", min_providers=2, max_providers=3)
SOUTH = TenderLot("S", "South", min_providers=1, max_providers=3)
RURAL = TenderLot("R", "Rural", min_providers=2, max_providers=2)


PASSED = GateResult(True)


def a_bid(
    bidder: str,
    rate: str,
    quality: int | None,
    social_value: int | None = 5,
    *,
    evaluators: tuple[int, int] | None = None,
    cqc: GateResult = PASSED,
    low_price_accepted: str | None = None,
) -> Bid:
    by_evaluator = {} if evaluators is None else dict(zip(("Asha", "Ben"), evaluators, strict=True))
    return Bid(
        bidder,
        Decimal(rate),
        marks={
            "quality": Marks(quality, by_evaluator),
            "social-value": Marks(social_value, {"Asha": social_value or 0}),
        },
        gates={"cqc": cqc},
        low_price_accepted=low_price_accepted,
    )


TENDER = (
    (
        NORTH,
        [
            a_bid("Alder", "25.00", 4, 7, evaluators=(4, 3)),
            a_bid(
                "Birch",
                "21.00",
                3,
                8,
                evaluators=(3, 3),
                low_price_accepted="its staff live in the villages they visit: little travel",
            ),
            a_bid("Cedar", "30.00", 5, 6, evaluators=(5, 4)),
            a_bid("Damson", "35.00", 4, 5, evaluators=(4, 4)),
            a_bid("Elm", "27.00", 3, 9, evaluators=(2, 3)),
        ],
    ),
    (
        SOUTH,
        [
            a_bid("Alder", "25.00", 4, 7),
            a_bid("Birch", "24.00", 3, 8),
            a_bid("Cedar", "28.00", 5, 6),
            a_bid(
                "Damson",
                "23.00",
                4,
                8,
                cqc=GateResult(False, "not registered for its South branch"),
            ),
            a_bid("Elm", "30.00", 4, 6),
        ],
    ),
    (
        RURAL,
        [
            a_bid("Alder", "30.00", 4, 6),
            a_bid("Birch", "19.50", 3, 7),
            a_bid("Cedar", "25.00", 4, 7),
            a_bid("Damson", "26.00", 2, 4),
            a_bid("Elm", "30.00", 4, 6),
        ],
    ),
)

AWARDED, NOT_AWARDED, TIE = Outcome.AWARDED, Outcome.NOT_AWARDED, Outcome.TIE_AT_CUT_OFF
# lot: (bidder, quality, price, social value, total, rank, outcome), in the report's order
HAND_COMPUTED = {
    "N": [
        ("Cedar", "50.00", "21.00", "12.00", "83.00", 1, AWARDED),
        ("Alder", "40.00", "25.20", "14.00", "79.20", 2, AWARDED),
        ("Birch", "30.00", "30.00", "16.00", "76.00", 3, AWARDED),
        ("Elm", "30.00", "23.33", "18.00", "71.33", 4, NOT_AWARDED),
        ("Damson", "40.00", "18.00", "10.00", "68.00", 5, NOT_AWARDED),
    ],
    "S": [
        ("Cedar", "50.00", "25.71", "12.00", "87.71", 1, AWARDED),
        ("Alder", "40.00", "28.80", "14.00", "82.80", 2, AWARDED),
        ("Elm", "40.00", "24.00", "12.00", "76.00", 3, AWARDED),
        ("Birch", "30.00", "30.00", "16.00", "76.00", 4, NOT_AWARDED),
        ("Damson", "", "", "", "", None, Outcome.EXCLUDED),
    ],
    "R": [
        ("Cedar", "40.00", "30.00", "14.00", "84.00", 1, AWARDED),
        ("Alder", "40.00", "25.00", "12.00", "77.00", 2, TIE),
        ("Elm", "40.00", "25.00", "12.00", "77.00", 2, TIE),
        ("Damson", "20.00", "28.85", "8.00", "56.85", 4, NOT_AWARDED),
        ("Birch", "", "", "", "", None, Outcome.SET_ASIDE),
    ],
}


def evaluated() -> dict[str, LotEvaluation]:
    lots = evaluate_tender(MODEL, TENDER, abnormally_low_below=COST_OF_CARE_RATE)
    return {evaluation.lot.code: evaluation for evaluation in lots}


@pytest.mark.parametrize("lot", ["N", "S", "R"])
def test_the_worked_tender_reproduces_the_hand_computed_table(lot: str) -> None:
    evaluation = evaluated()[lot]
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
    assert got == HAND_COMPUTED[lot]


def test_totals_are_exact_and_rounded_once_where_shown() -> None:
    elm = evaluated()["N"].row("Elm")
    assert elm.total == Decimal(30) + Decimal(18) + Decimal(21) / Decimal(27) * 30
    assert str(elm.shown_total) == "71.33"
    assert elm.score("price").working == "lowest £21.00 ÷ £27.00 × 30 = 23.33"


def test_each_evaluators_mark_is_kept_and_the_moderated_mark_scores() -> None:
    elm = evaluated()["N"].row("Elm")
    assert elm.score("quality").working == (
        "moderated 3 of 5 (evaluators: Asha 2, Ben 3): 3 ÷ 5 × 50 = 30.00"
    )


def test_an_accepted_abnormally_low_price_is_scored_and_sets_the_lowest_price() -> None:
    north = evaluated()["N"]
    birch = north.row("Birch")
    assert birch.outcome is Outcome.AWARDED
    assert birch.score("price").points == 30
    assert "below the abnormally low threshold of £22.00; explained and accepted: its staff" in (
        birch.explanation
    )
    assert "lowest compliant price £21.00 an hour" in north.notes


def test_an_unexplained_abnormally_low_price_is_set_aside_unscored_and_not_the_lowest() -> None:
    rural = evaluated()["R"]
    birch = rural.row("Birch")
    assert (birch.total, birch.rank) == (None, None)
    assert birch.explanation == (
        "set aside for clarification: £19.50 an hour is below the abnormally low threshold of"
        " £22.00; not scored or ranked unless the bidder's explanation is accepted"
    )
    assert rural.row("Cedar").score("price").working == "lowest £25.00 ÷ £25.00 × 30 = 30.00"


def test_a_failed_gate_excludes_the_bid_with_the_reason_and_its_price_is_not_the_lowest() -> None:
    south = evaluated()["S"]
    damson = south.row("Damson")
    assert damson.outcome is Outcome.EXCLUDED
    assert damson.explanation == (
        "excluded: failed the gate 'CQC registration' (not registered for its South branch)"
    )
    assert damson.record()["cqc"] == "fail"
    assert "lowest compliant price £24.00 an hour" in south.notes


def test_a_tie_on_total_is_broken_by_the_marked_criteria_and_explained() -> None:
    south = evaluated()["S"]
    assert (
        "level on total with Birch, ahead of it on the marked criteria (52.00 against 46.00)"
        in (south.row("Elm").explanation)
    )
    assert "level on total with Elm, behind it on the marked criteria (46.00 against 52.00)" in (
        south.row("Birch").explanation
    )


def test_a_tie_at_the_cut_off_is_flagged_for_the_commissioner_to_decide() -> None:
    rural = evaluated()["R"]
    assert rural.awarded == ("Cedar",)
    assert rural.tied_at_cut_off == ("Alder", "Elm")
    assert rural.row("Alder").explanation == (
        "rank 2 of 4 with 77.00; level with Elm on total, marked criteria (52.00) and price"
        " (£30.00): the rank is shared; tie at the cut-off: decide — 2 bids share rank 2 for"
        " 1 place left"
    )
    assert "tie at the cut-off: decide between Alder, Elm" in rural.notes


def test_a_tie_within_the_places_awards_every_tied_bid() -> None:
    lot = TenderLot("R", "Rural", min_providers=1, max_providers=3)
    rural = evaluate_lot(MODEL, lot, TENDER[2][1], abnormally_low_below=COST_OF_CARE_RATE)
    assert rural.awarded == ("Cedar", "Alder", "Elm")
    assert rural.row("Damson").outcome is Outcome.NOT_AWARDED


def test_a_lot_with_fewer_compliant_bids_than_its_minimum_cannot_be_awarded_as_designed() -> None:
    lot = TenderLot("R", "Rural", min_providers=3, max_providers=4)
    bids = [a_bid("Alder", "25.00", 4), a_bid("Birch", "19.50", 3)]
    rural = evaluate_lot(MODEL, lot, bids, abnormally_low_below=COST_OF_CARE_RATE)
    assert not rural.can_be_awarded_as_designed
    assert rural.awarded == ()
    assert rural.row("Alder").outcome is Outcome.HELD
    assert "the lot cannot be awarded as designed: 1 compliant, at least 3 needed" in (
        " ".join(rural.notes)
    )


def test_the_report_is_ready_for_a_csv_file() -> None:
    north = evaluated()["N"]
    assert north.columns() == (
        "bidder",
        "hourly rate",
        "cqc",
        "quality",
        "price",
        "social-value",
        "total",
        "rank",
        "outcome",
        "explanation",
    )
    first = north.records()[0]
    assert list(first) == list(north.columns())
    assert {k: v for k, v in first.items() if k != "explanation"} == {
        "bidder": "Cedar",
        "hourly rate": "£30.00",
        "cqc": "pass",
        "quality": "50.00",
        "price": "21.00",
        "social-value": "12.00",
        "total": "83.00",
        "rank": "1",
        "outcome": "awarded",
    }
    assert (
        first["explanation"] == "rank 1 of 5 with 83.00; awarded (the lot takes up to 3 providers)"
    )


def test_a_tender_lot_takes_its_places_from_the_market_lot() -> None:
    lot = Lot("N", "North", min_providers=2, max_providers=3)
    assert TenderLot.of(lot) == NORTH


# The model's rules


def test_weights_not_adding_up_to_exactly_100_are_refused() -> None:
    price = Criterion("price", "Price", Kind.PRICE_RELATIVE, 31)
    with pytest.raises(InvalidEvaluationModel, match="add up to 101, not exactly 100"):
        EvaluationModel("X", "X", (QUALITY, price, SOCIAL_VALUE))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Criterion("g", "Gate", Kind.GATE, 10), "carries no weight"),
        (lambda: Criterion("q", "Quality", Kind.MARKS, 0, scale=5), "positive weight"),
        (lambda: Criterion("q", "Quality", Kind.MARKS, 50, scale=7), "out of 5 or 10, not 7"),
        (lambda: Criterion("q", "Quality", Kind.MARKS, 50), "only marks, have a scale"),
        (lambda: Criterion("p", "Price", Kind.PRICE_BAND, 30), "only a price band, has a band"),
        (lambda: PriceBand(Decimal("25"), Decimal("20")), "positive floor up to its ceiling"),
    ],
)
def test_a_malformed_criterion_is_refused(make: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidEvaluationModel, match=message):
        make()


def test_price_is_scored_once_and_codes_are_unique() -> None:
    half = Criterion(
        "band", "Price band", Kind.PRICE_BAND, 15, band=PriceBand(Decimal(20), Decimal(25))
    )
    relative = Criterion("price", "Price", Kind.PRICE_RELATIVE, 15)
    with pytest.raises(InvalidEvaluationModel, match="price is scored by one criterion"):
        EvaluationModel("X", "X", (QUALITY, half, relative, SOCIAL_VALUE))
    with pytest.raises(InvalidEvaluationModel, match="repeated: quality"):
        EvaluationModel("X", "X", (QUALITY, QUALITY))


def test_errors_are_domain_errors() -> None:
    assert issubclass(InvalidEvaluationModel, DomainError)
    assert issubclass(MarkOutsideScale, InvalidBid)
    assert issubclass(MarkNotModerated, InvalidBid)
    assert issubclass(InvalidBid, DomainError)


# The bids' rules


@pytest.mark.parametrize(
    ("bid", "message"),
    [
        (a_bid("Alder", "25.00", 6), "Quality is marked 0 to 5; the moderated mark gave 6"),
        (a_bid("Alder", "25.00", 4, evaluators=(4, 7)), "Quality is marked 0 to 5; Ben gave 7"),
        (a_bid("Alder", "25.00", 4, 11), "Social value is marked 0 to 10; Asha gave 11"),
        (a_bid("Alder", "25.00", -1), "Quality is marked 0 to 5; the moderated mark gave -1"),
    ],
)
def test_marks_outside_the_scale_are_refused(bid: Bid, message: str) -> None:
    with pytest.raises(MarkOutsideScale, match=message):
        evaluate_lot(MODEL, NORTH, [bid])


def test_a_bid_cannot_be_scored_without_a_moderated_mark() -> None:
    unmoderated = a_bid("Alder", "25.00", None, evaluators=(4, 3))
    with pytest.raises(MarkNotModerated, match="lot N, Alder: Quality has no moderated mark"):
        evaluate_lot(MODEL, NORTH, [unmoderated])


def test_an_excluded_bid_needs_no_moderated_mark() -> None:
    failed = a_bid("Alder", "25.00", None, cqc=GateResult(False, "no registration"))
    assert evaluate_lot(MODEL, NORTH, [failed]).row("Alder").outcome is Outcome.EXCLUDED


def test_every_gate_needs_a_result_and_a_failure_its_reason() -> None:
    no_gate = Bid("Alder", Decimal("25.00"), marks={"quality": Marks(4), "social-value": Marks(5)})
    with pytest.raises(InvalidBid, match="no result for the gate 'CQC registration'"):
        evaluate_lot(MODEL, NORTH, [no_gate])
    with pytest.raises(InvalidBid, match="a failed gate needs the reason"):
        GateResult(False)


def test_marks_for_a_criterion_the_model_lacks_are_refused() -> None:
    bid = Bid("Alder", Decimal("25"), marks={"speed": Marks(3)}, gates={"cqc": GateResult(True)})
    with pytest.raises(InvalidBid, match="no criterion 'speed'"):
        evaluate_lot(MODEL, NORTH, [bid])


def test_one_bid_per_bidder_in_a_lot() -> None:
    with pytest.raises(InvalidBid, match="more than one from Alder"):
        evaluate_lot(MODEL, NORTH, [a_bid("Alder", "25", 4), a_bid("Alder", "24", 4)])


# Price against a band


BAND = PriceBand(Decimal("22.00"), Decimal("25.00"))
BANDED = EvaluationModel(
    "B",
    "Banded",
    (
        Criterion("quality", "Quality", Kind.MARKS, 50, scale=5),
        Criterion("price", "Price", Kind.PRICE_BAND, 30, band=BAND),
        SOCIAL_VALUE,
    ),
)


@pytest.mark.parametrize(
    ("rate", "points", "working"),
    [
        ("22.00", "30.00", "within the band £22.00–£25.00: full 30.00"),
        ("25.00", "30.00", "within the band £22.00–£25.00: full 30.00"),
        ("30.00", "25.00", "above the band: ceiling £25.00 ÷ £30.00 × 30 = 25.00"),
        ("20.00", "27.27", "below the band: £20.00 ÷ floor £22.00 × 30 = 27.27"),
    ],
)
def test_a_price_band_gives_full_marks_within_it_and_scales_outside(
    rate: str, points: str, working: str
) -> None:
    bid = Bid("Alder", Decimal(rate), marks={"quality": Marks(4), "social-value": Marks(5)})
    price = evaluate_lot(BANDED, NORTH, [bid]).row("Alder").score("price")
    assert (price.shown(), price.working) == (points, working)


# Properties


@st.composite
def bids_for_a_lot(draw: st.DrawFn) -> tuple[TenderLot, list[Bid]]:
    count = draw(st.integers(1, 7))
    bids = [
        a_bid(
            f"Bidder {i}",
            str(Decimal(draw(st.integers(1800, 4000))) / 100),
            draw(st.integers(0, 5)),
            draw(st.integers(0, 10)),
            cqc=draw(st.sampled_from([GateResult(True)] * 3 + [GateResult(False, "no")])),
            low_price_accepted=draw(st.sampled_from([None, "explained"])),
        )
        for i in range(count)
    ]
    most = draw(st.integers(1, 5))
    return TenderLot("L", "Lot", draw(st.integers(0, most)), most), bids


@given(bids_for_a_lot(), st.data())
def test_raising_a_moderated_mark_never_lowers_the_rank(
    lot_and_bids: tuple[TenderLot, list[Bid]], data: st.DataObject
) -> None:
    lot, bids = lot_and_bids
    before = evaluate_lot(MODEL, lot, bids, abnormally_low_below=COST_OF_CARE_RATE)
    i = data.draw(st.integers(0, len(bids) - 1))
    bid = bids[i]
    old_rank = before.row(bid.bidder).rank
    assume(old_rank is not None)
    criterion = data.draw(st.sampled_from([QUALITY, SOCIAL_VALUE]))
    old = bid.marks[criterion.code].moderated
    assert old is not None and criterion.scale is not None
    raised = data.draw(st.integers(old, criterion.scale))
    marks = {**bid.marks, criterion.code: Marks(raised)}
    bids[i] = Bid(bid.bidder, bid.hourly_rate, marks, bid.gates, bid.low_price_accepted)
    after = evaluate_lot(MODEL, lot, bids, abnormally_low_below=COST_OF_CARE_RATE)
    new_rank = after.row(bid.bidder).rank
    assert new_rank is not None and new_rank <= old_rank


@given(bids_for_a_lot())
def test_the_lowest_compliant_price_always_gets_the_full_price_weight(
    lot_and_bids: tuple[TenderLot, list[Bid]],
) -> None:
    lot, bids = lot_and_bids
    evaluation = evaluate_lot(MODEL, lot, bids, abnormally_low_below=COST_OF_CARE_RATE)
    ranked = [row for row in evaluation.rows if row.rank is not None]
    assume(ranked)
    lowest = min(row.hourly_rate for row in ranked)
    for row in ranked:
        points = row.score("price").points
        assert points is not None and points <= 30
        assert (points == 30) == (row.hourly_rate == lowest)


@given(bids_for_a_lot())
def test_awards_never_exceed_the_maximum_and_meet_the_minimum_when_they_can(
    lot_and_bids: tuple[TenderLot, list[Bid]],
) -> None:
    lot, bids = lot_and_bids
    evaluation = evaluate_lot(MODEL, lot, bids, abnormally_low_below=COST_OF_CARE_RATE)
    assert lot.max_providers is not None
    awarded, tied = len(evaluation.awarded), len(evaluation.tied_at_cut_off)
    compliant = sum(1 for row in evaluation.rows if row.rank is not None)
    assert awarded <= lot.max_providers
    if compliant < lot.min_providers:
        assert awarded == 0 and not evaluation.can_be_awarded_as_designed
    elif not tied:
        assert awarded == min(compliant, lot.max_providers) >= lot.min_providers
    else:
        assert awarded < lot.max_providers < awarded + tied
    ranks = [row.rank for row in evaluation.rows if row.rank is not None]
    assert ranks == sorted(ranks)
