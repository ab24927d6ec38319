"""Tenders on the real database: the worked tender of tests/unit/test_evaluation.py imported
from examples/tender-evaluation.toml and entered mark by mark, each reproducing the
hand-computed table; every refusal; the award admitting the awarded bidders; a lot frozen
once awarded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from caremarket.domain.errors import Conflict, NotFound
from caremarket.domain.evaluation import InvalidBid, model_to_data
from caremarket.domain.market import Tier
from caremarket.domain.tenders import (
    InvalidAward,
    InvalidTenderEntry,
    LotAlreadyAwarded,
    LotNotAwardable,
    TenderNotImported,
)
from caremarket.services import tender_views, tenders
from caremarket.services.ports import AuditFilter
from caremarket.services.tender_views import EvaluationNotReady
from caremarket.services.tenders import BidAlreadyEntered, TenderCodeTaken
from tests.integration.tender_market import (
    AWARDED_AT,
    COMMISSIONER,
    EVALUATED_AT,
    EXAMPLE,
    VEHICLE,
    build_tender_market,
)
from tests.unit.test_evaluation import COST_OF_CARE_RATE, HAND_COMPUTED, MODEL, TENDER

BY = {"by": COMMISSIONER, "now": EVALUATED_AT}
TIE_REASON = "Elm's staff already cover the rural villages"


def table_of(uow, tender: str, lot: str) -> list[tuple]:
    evaluation = tender_views.evaluate(uow, tender, lot)
    return [
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


def actions(uow, tender: str) -> list[str]:
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type="tender", object_ref=tender), limit=200, offset=0
        )
        return [e.action for e in entries]


def members(uow, lot: str) -> dict[str, Tier]:
    with uow:
        vehicle = uow.vehicles.get(VEHICLE)
        return {m.provider.name: m.tier for m in vehicle.lot(lot).members}


@pytest.fixture
def market(uow) -> None:
    build_tender_market(uow)


@pytest.fixture
def imported(uow, market) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    tenders.import_tender(uow, text, vehicle=VEHICLE, source=EXAMPLE.name, **BY)
    return "HC-2027"


def enter_by_hand(uow, code: str = "T-2027") -> str:
    """The worked tender through the services: each bid, gate, evaluator's mark, moderated
    mark and accepted low price entered one at a time."""
    tenders.create_tender(
        uow,
        VEHICLE,
        code=code,
        name="Home care 2027",
        model=MODEL,
        abnormally_low_below=COST_OF_CARE_RATE,
        **BY,
    )
    for lot, bids in TENDER:
        for bid in bids:
            tenders.enter_bid(
                uow, code, lot.code, bidder=bid.bidder, hourly_rate=bid.hourly_rate, **BY
            )
            for gate, result in bid.gates.items():
                tenders.record_gate(
                    uow,
                    code,
                    lot.code,
                    bid.bidder,
                    criterion=gate,
                    passed=result.passed,
                    reason=result.reason,
                    **BY,
                )
            for criterion, marks in bid.marks.items():
                for evaluator, mark in marks.by_evaluator.items():
                    tenders.record_mark(
                        uow,
                        code,
                        lot.code,
                        bid.bidder,
                        criterion=criterion,
                        evaluator=evaluator,
                        mark=mark,
                        **BY,
                    )
                assert marks.moderated is not None
                tenders.agree_mark(
                    uow,
                    code,
                    lot.code,
                    bid.bidder,
                    criterion=criterion,
                    mark=marks.moderated,
                    note="agreed at the moderation meeting",
                    **BY,
                )
            if bid.low_price_accepted:
                tenders.accept_low_price(
                    uow, code, lot.code, bid.bidder, reason=bid.low_price_accepted, **BY
                )
    return code


@pytest.mark.parametrize("lot", ["N", "S", "R"])
def test_an_imported_tender_reproduces_the_hand_computed_table(uow, imported, lot) -> None:
    assert table_of(uow, imported, lot) == HAND_COMPUTED[lot]


@pytest.mark.parametrize("lot", ["N", "S", "R"])
def test_a_tender_entered_mark_by_mark_reproduces_the_hand_computed_table(uow, market, lot) -> None:
    code = enter_by_hand(uow)
    assert table_of(uow, code, lot) == HAND_COMPUTED[lot]


def test_the_model_and_every_evaluators_mark_are_kept(uow, imported) -> None:
    summary = tender_views.tender_summary(uow, imported)
    assert summary.model == model_to_data(MODEL)
    assert summary.abnormally_low_below == Decimal("22.00")
    assert [(s.code, s.bids, s.status) for s in summary.lots] == [
        ("N", 5, "ready to award"),
        ("S", 5, "ready to award"),
        ("R", 5, "ready to award: a tie at the cut-off to decide"),
    ]
    detail = tender_views.lot_detail(uow, imported, "N")
    elm = next(b for b in detail.bids if b.bidder == "Elm")
    assert elm.marks["quality"] == {"Asha": 2, "Ben": 3}
    assert elm.moderated["quality"]["mark"] == 3
    assert elm.moderated["quality"]["note"] == "as agreed in tender-evaluation.toml"
    assert elm.provider == "Elm"  # linked to the known provider of its name
    birch = next(b for b in detail.bids if b.bidder == "Birch")
    assert birch.abnormally_low and birch.low_price_accepted
    assert actions(uow, imported) == ["tender imported"]


def test_every_step_entered_by_hand_is_audited(uow, market) -> None:
    code = enter_by_hand(uow)
    done = actions(uow, code)
    assert done.count("tender created") == 1
    assert done.count("bid entered") == 15
    assert done.count("gate recorded") == 15
    assert done.count("mark moderated") == 30
    assert done.count("low price accepted") == 1
    assert done.count("mark recorded") == 15 * 1 + 5 * 2  # social value by one, N's quality two


def test_an_import_is_refused_with_every_problem_and_nothing_written(uow, market) -> None:
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace('code = "R"\nname = "Rural"', 'code = "X"\nname = "Rural"')
        .replace("min_providers = 1\nmax_providers = 3", "min_providers = 1\nmax_providers = 4")
        .replace("Asha = 5, Ben = 4", "Asha = 5, Ben = 6")
    )
    with pytest.raises(TenderNotImported) as refused:
        tenders.import_tender(uow, text, vehicle=VEHICLE, source="t.toml", **BY)
    assert refused.value.problems == (
        "lot N, Cedar: Quality is marked 0 to 5; Ben gave 6",
        "lot S: the file says it takes 1 to 4 providers; vehicle HC-2027's lot S takes 1 to 3"
        " — the vehicle's lot decides, so correct the file",
        "lot X: vehicle HC-2027 has no such lot (its lots: N, S, R)",
    )
    assert "nothing was imported: the tender file has 3 problems" in str(refused.value)
    assert tender_views.list_tenders(uow) == []
    assert actions(uow, "HC-2027") == []


def test_a_malformed_file_or_a_code_taken_is_refused(uow, imported) -> None:
    with pytest.raises(TenderNotImported, match=r"t.toml: needs a \[model\] table"):
        tenders.import_tender(uow, "[tender]\nname = 'x'\ncommissioner = 'y'\n[[lots]]\n",
                              vehicle=VEHICLE, source="t.toml", **BY)  # fmt: skip
    with pytest.raises(TenderNotImported, match="there is a tender HC-2027 already"):
        tenders.import_tender(uow, EXAMPLE.read_text(), vehicle=VEHICLE, **BY)
    with pytest.raises(TenderCodeTaken):
        tenders.create_tender(uow, VEHICLE, code="HC-2027", name="again", model=MODEL, **BY)
    with pytest.raises(NotFound, match="no vehicle"):
        tenders.create_tender(uow, "NOPE", code="T-1", name="x", model=MODEL, **BY)


@pytest.fixture
def open_tender(uow, market) -> str:
    tenders.create_tender(
        uow, VEHICLE, code="T-1", name="Home care", model=MODEL, abnormally_low_below=None, **BY
    )
    tenders.enter_bid(uow, "T-1", "N", bidder="Alder", hourly_rate=Decimal("25.00"), **BY)
    return "T-1"


def test_a_bid_is_refused_twice_for_an_unknown_lot_or_provider_or_a_bad_rate(
    uow, open_tender
) -> None:
    enter = tenders.enter_bid
    with pytest.raises(BidAlreadyEntered, match="has a bid from Alder already"):
        enter(uow, open_tender, "N", bidder="Alder", hourly_rate=Decimal("24.00"), **BY)
    with pytest.raises(NotFound, match="which has no lot Q"):
        enter(uow, open_tender, "Q", bidder="Birch", hourly_rate=Decimal("24.00"), **BY)
    with pytest.raises(InvalidTenderEntry, match="knows no provider named Oak Care"):
        enter(
            uow,
            open_tender,
            "N",
            bidder="Oak",
            hourly_rate=Decimal("24"),
            provider="Oak Care",
            **BY,
        )
    with pytest.raises(InvalidTenderEntry, match="pounds and pence"):
        enter(uow, open_tender, "N", bidder="Birch", hourly_rate=Decimal("24.001"), **BY)
    with pytest.raises(InvalidBid, match="positive"):
        enter(uow, open_tender, "N", bidder="Birch", hourly_rate=Decimal("0"), **BY)
    with pytest.raises(NotFound, match="no tender T-9"):
        enter(uow, "T-9", "N", bidder="Birch", hourly_rate=Decimal("24.00"), **BY)
    linked = enter(
        uow, open_tender, "N", bidder="Birch Ltd", hourly_rate=Decimal("24"), provider="Birch", **BY
    )
    assert linked.provider == "Birch"


@pytest.mark.parametrize(
    ("criterion", "mark", "message"),
    [
        ("quality", 6, "Quality is marked 0 to 5; Asha gave 6"),
        ("social-value", -1, "Social value is marked 0 to 10; Asha gave -1"),
        ("price", 3, "Price is not marked by evaluators"),
        ("cqc", 1, "CQC registration is not marked by evaluators"),
        ("colour", 1, "model HC-2027 has no criterion 'colour'"),
    ],
)
def test_a_mark_off_the_scale_or_for_a_criterion_not_marked_is_refused(
    uow, open_tender, criterion, mark, message
) -> None:
    with pytest.raises(InvalidTenderEntry, match=message):
        tenders.record_mark(
            uow, open_tender, "N", "Alder", criterion=criterion, evaluator="Asha", mark=mark, **BY
        )
    with pytest.raises(InvalidTenderEntry):
        tenders.agree_mark(
            uow, open_tender, "N", "Alder", criterion=criterion, mark=mark, note="agreed", **BY
        )


def test_a_moderated_mark_needs_a_note_and_a_mark_an_evaluator(uow, open_tender) -> None:
    with pytest.raises(InvalidTenderEntry, match="in a note"):
        tenders.agree_mark(
            uow, open_tender, "N", "Alder", criterion="quality", mark=4, note=" ", **BY
        )
    with pytest.raises(InvalidTenderEntry, match="which evaluator"):
        tenders.record_mark(
            uow, open_tender, "N", "Alder", criterion="quality", evaluator="", mark=4, **BY
        )
    with pytest.raises(NotFound, match="no bid from Nobody"):
        tenders.record_mark(
            uow, open_tender, "N", "Nobody", criterion="quality", evaluator="Asha", mark=4, **BY
        )


def test_an_evaluators_mark_given_again_replaces_theirs(uow, open_tender) -> None:
    for mark in (3, 4):
        tenders.record_mark(
            uow, open_tender, "N", "Alder", criterion="quality", evaluator="Asha", mark=mark, **BY
        )
    [alder] = tender_views.lot_detail(uow, open_tender, "N").bids
    assert alder.marks == {"quality": {"Asha": 4}}


def test_a_failed_gate_needs_its_reason_and_only_a_gate_has_one(uow, open_tender) -> None:
    with pytest.raises(InvalidBid, match="a failed gate needs the reason it failed"):
        tenders.record_gate(uow, open_tender, "N", "Alder", criterion="cqc", passed=False, **BY)
    with pytest.raises(InvalidTenderEntry, match="Quality is not a pass/fail gate"):
        tenders.record_gate(uow, open_tender, "N", "Alder", criterion="quality", passed=True, **BY)
    failed = tenders.record_gate(
        uow, open_tender, "N", "Alder", criterion="cqc", passed=False, reason="lapsed", **BY
    )
    assert failed.gates == {"cqc": {"passed": False, "reason": "lapsed"}}


def test_a_low_price_is_accepted_only_below_the_threshold_and_with_a_reason(uow, imported) -> None:
    accept = tenders.accept_low_price
    with pytest.raises(InvalidTenderEntry, match="Alder's £30.00 an hour is not below"):
        accept(uow, imported, "R", "Alder", reason="cheap", **BY)
    with pytest.raises(InvalidTenderEntry, match="say why"):
        accept(uow, imported, "R", "Birch", reason="", **BY)
    accept(uow, imported, "R", "Birch", reason="a local workforce, little travel", **BY)
    birch = tender_views.evaluate(uow, imported, "R").row("Birch")
    assert (birch.rank, birch.score("price").shown()) == (2, "30.00")  # scored, the lowest


def test_no_threshold_no_low_price_to_accept(uow, open_tender) -> None:
    with pytest.raises(InvalidTenderEntry, match="sets no abnormally low threshold"):
        tenders.accept_low_price(uow, open_tender, "N", "Alder", reason="why not", **BY)


def test_a_lot_with_marks_not_moderated_cannot_be_evaluated_or_awarded(uow, open_tender) -> None:
    tenders.record_gate(uow, open_tender, "N", "Alder", criterion="cqc", passed=True, **BY)
    tenders.record_mark(
        uow, open_tender, "N", "Alder", criterion="quality", evaluator="Asha", mark=4, **BY
    )
    with pytest.raises(EvaluationNotReady, match="Quality has no moderated mark"):
        tender_views.evaluate(uow, open_tender, "N")
    with pytest.raises(EvaluationNotReady):
        tenders.award_lot(uow, open_tender, "N", by=COMMISSIONER, now=AWARDED_AT)
    detail = tender_views.lot_detail(uow, open_tender, "N")
    assert not detail.ready and "Quality has no moderated mark" in detail.not_ready_because
    assert detail.lot.status == "being evaluated"


def test_awarding_a_lot_admits_the_awarded_bidders_at_the_tier_given(uow, imported) -> None:
    award = tenders.award_lot(
        uow, imported, "N", tier=Tier.PREFERRED, by=COMMISSIONER, now=AWARDED_AT
    )
    assert award.awarded == ("Cedar", "Alder", "Birch")
    assert award.tie_decision is None
    assert members(uow, "N") == {
        "Cedar": Tier.PREFERRED,
        "Alder": Tier.PREFERRED,
        "Birch": Tier.PREFERRED,
    }
    assert "lot awarded" in actions(uow, imported)
    [status] = [s for s in tender_views.tender_summary(uow, imported).lots if s.code == "N"]
    assert status.status == "awarded to Cedar, Alder, Birch"


def test_a_tie_at_the_cut_off_is_decided_by_the_commissioner_with_a_reason(uow, imported) -> None:
    award = tenders.award_lot
    with pytest.raises(InvalidAward, match="Alder, Elm tie at the cut-off for 1 place left"):
        award(uow, imported, "R", by=COMMISSIONER, now=AWARDED_AT)
    with pytest.raises(InvalidAward, match="choose 1 of them"):
        award(uow, imported, "R", tie_winners=["Alder", "Elm"], reason="both", **BY)
    with pytest.raises(InvalidAward, match="Damson is not tied at the cut-off"):
        award(uow, imported, "R", tie_winners=["Damson"], reason="cheaper", **BY)
    with pytest.raises(InvalidAward, match="say why"):
        award(uow, imported, "R", tie_winners=["Elm"], **BY)
    with pytest.raises(InvalidAward, match="no tie at the cut-off"):
        award(uow, imported, "N", tie_winners=["Elm"], reason="liked", **BY)
    assert members(uow, "R") == {}
    done = award(uow, imported, "R", tie_winners=["Elm"], reason=TIE_REASON, **BY)
    assert done.awarded == ("Cedar", "Elm")
    assert done.tie_decision == TIE_REASON
    assert members(uow, "R") == {"Cedar": Tier.APPROVED, "Elm": Tier.APPROVED}
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type="tender", object_ref=imported), limit=5, offset=0
        )
        [awarded] = [e for e in entries if e.action == "lot awarded"]
        assert awarded.reason == TIE_REASON
        assert awarded.changes["tied_at_cut_off"] == ["Alder", "Elm"]


def test_a_lot_short_of_its_minimum_cannot_be_awarded_as_designed(uow, open_tender) -> None:
    tenders.record_gate(uow, open_tender, "N", "Alder", criterion="cqc", passed=True, **BY)
    for criterion, mark in (("quality", 4), ("social-value", 7)):
        tenders.agree_mark(
            uow, open_tender, "N", "Alder", criterion=criterion, mark=mark, note="agreed", **BY
        )
    with pytest.raises(LotNotAwardable, match="1 compliant bid, at least 2 needed"):
        tenders.award_lot(uow, open_tender, "N", by=COMMISSIONER, now=AWARDED_AT)
    assert members(uow, "N") == {}


def test_an_awarded_bidder_must_be_a_known_provider(uow) -> None:
    build_tender_market(uow, providers=("Alder", "Birch", "Cedar"))
    tenders.import_tender(uow, EXAMPLE.read_text(), vehicle=VEHICLE, **BY)
    with pytest.raises(LotNotAwardable, match="Elm is not a provider caremarket knows"):
        tenders.award_lot(uow, "HC-2027", "S", by=COMMISSIONER, now=AWARDED_AT)
    assert members(uow, "S") == {}
    assert tenders.award_lot(uow, "HC-2027", "N", **BY).awarded == ("Cedar", "Alder", "Birch")


def test_an_awarded_lot_is_frozen(uow, imported) -> None:
    tenders.award_lot(uow, imported, "N", by=COMMISSIONER, now=AWARDED_AT)
    frozen = "lot N was awarded on 8 March 2027 by commissioner@example.org"
    attempts = [
        lambda: tenders.enter_bid(
            uow, imported, "N", bidder="Fir", hourly_rate=Decimal("25.00"), **BY
        ),
        lambda: tenders.record_mark(
            uow, imported, "N", "Elm", criterion="quality", evaluator="Asha", mark=5, **BY
        ),
        lambda: tenders.agree_mark(
            uow, imported, "N", "Elm", criterion="quality", mark=5, note="again", **BY
        ),
        lambda: tenders.record_gate(
            uow, imported, "N", "Elm", criterion="cqc", passed=False, reason="x", **BY
        ),
        lambda: tenders.accept_low_price(uow, imported, "N", "Birch", reason="again", **BY),
        lambda: tenders.award_lot(uow, imported, "N", **BY),
    ]
    for attempt in attempts:
        with pytest.raises(LotAlreadyAwarded, match=frozen) as refused:
            attempt()
        assert isinstance(refused.value, Conflict)
    # the other lots are still open
    tenders.record_mark(
        uow, imported, "S", "Elm", criterion="quality", evaluator="Asha", mark=5, **BY
    )


def test_an_import_repeating_a_lot_or_a_bidder_or_with_too_long_a_code_is_refused(
    uow, market
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    north = text[text.index("[[lots]]") : text.index("# Lot S")]
    repeated = text.replace(
        'bidder = "Elm"\nhourly_rate = 27.00', 'bidder = "Alder"\nhourly_rate = 27.00'
    )
    with pytest.raises(TenderNotImported) as refused:
        tenders.import_tender(
            uow, repeated + north, vehicle=VEHICLE, code="X" * 33, source="t.toml", **BY
        )
    assert refused.value.problems == (
        f"a tender's code is 1 to 32 characters, not {'X' * 33!r}",
        "lot N: the file has it more than once; give each lot's bids under one [[lots]]",
        "lot N: one bid per bidder; Alder has more than one",
    )
    assert tender_views.list_tenders(uow) == []
