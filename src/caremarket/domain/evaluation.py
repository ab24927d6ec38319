"""Tender evaluation: how a council scores the bids for each lot, ranks them and awards places.

An evaluation model is data: criteria with whole-percentage weights adding up to exactly 100
(Wirral: quality 50, price 30, social value 20), each scored one way:

| kind | score |
| --- | --- |
| marks | moderated mark ÷ top of the scale (5 or 10) × weight; evaluators' own marks kept |
| price, relative | lowest compliant hourly rate ÷ the bid's rate × weight |
| price, in a band | full weight from the band's floor to its ceiling, inclusive |
| | above the band: ceiling ÷ rate × weight |
| | below the band: rate ÷ floor × weight (as much a worry as a price above it) |
| gate | pass or fail, no points: one failed gate excludes the bid, with the reason |

Social value is a marks criterion like quality. A bid priced below the abnormally low
threshold (the cost-of-care model's hourly rate, passed in) is set aside for clarification —
neither scored nor ranked, and its price not counted as the lowest — unless the evaluator
records that the bidder explained the price and it was accepted; then it is scored like any
other. The compliant bids are those that passed every gate and were not set aside.

Scores are exact `Decimal`s; a total is rounded half-up to 2 places only where it is shown.
Bids rank by total, highest first. Equal totals are separated by, in turn, the higher score on
the marked criteria (quality and social value together), then the lower hourly rate. Bids
still level share the rank (1, 2, 2, 4). Places are awarded down the ranks up to the lot's
maximum; bids sharing a rank that straddles the last place are not awarded by this rule but
flagged "tie at the cut-off: decide" for the commissioner. A lot with fewer compliant bids than
its minimum cannot be awarded as designed: its bids are ranked but held, not awarded.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from caremarket.domain.errors import DomainError
from caremarket.domain.money import format_pounds

if TYPE_CHECKING:
    from caremarket.domain.market import Lot

TWO_PLACES = Decimal("0.01")
COMPARED = Decimal("1e-20")
SCALES = (5, 10)


class InvalidEvaluationModel(DomainError):
    pass


class InvalidBid(DomainError):
    pass


class MarkOutsideScale(InvalidBid):
    pass


class MarkNotModerated(InvalidBid):
    """Evaluators marked a criterion but no moderated mark was agreed, so it cannot be scored."""


class Kind(enum.StrEnum):
    MARKS = "marks"
    PRICE_RELATIVE = "price-relative"
    PRICE_BAND = "price-band"
    GATE = "gate"


PRICE_KINDS = frozenset({Kind.PRICE_RELATIVE, Kind.PRICE_BAND})


class Outcome(enum.StrEnum):
    AWARDED = "awarded"
    NOT_AWARDED = "not awarded"
    TIE_AT_CUT_OFF = "tie at the cut-off: decide"
    HELD = "held: lot short of its minimum"
    EXCLUDED = "excluded (gate)"
    SET_ASIDE = "set aside (abnormally low)"


def shown(score: Decimal) -> Decimal:
    """A score as shown: half-up to 2 places. The only rounding of scores."""
    return score.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceBand:
    """The hourly rates that earn the full price weight, floor to ceiling inclusive."""

    floor: Decimal
    ceiling: Decimal

    def __post_init__(self) -> None:
        if not Decimal(0) < self.floor <= self.ceiling:
            raise InvalidEvaluationModel(
                f"a price band runs from a positive floor up to its ceiling,"
                f" not {format_pounds(self.floor, pence=True)}"
                f" to {format_pounds(self.ceiling, pence=True)}"
            )

    def describe(self) -> str:
        return f"{format_pounds(self.floor, pence=True)}–{format_pounds(self.ceiling, pence=True)}"


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    kind: Kind
    weight: int = 0  # whole percentage points; a gate has none
    scale: int | None = None  # marks: the top of the scale, 5 or 10
    band: PriceBand | None = None  # price in a band: the band

    def __post_init__(self) -> None:
        about = f"criterion {self.code!r}"
        if not self.code.strip():
            raise InvalidEvaluationModel("a criterion needs a code")
        if self.kind is Kind.GATE:
            if self.weight != 0:
                raise InvalidEvaluationModel(f"{about} is a pass/fail gate and carries no weight")
        elif self.weight <= 0:
            raise InvalidEvaluationModel(f"{about} needs a positive weight, not {self.weight}")
        if (self.kind is Kind.MARKS) != (self.scale is not None):
            raise InvalidEvaluationModel(f"{about}: marks, and only marks, have a scale")
        if self.scale is not None and self.scale not in SCALES:
            raise InvalidEvaluationModel(f"{about}: marks are out of 5 or 10, not {self.scale}")
        if (self.kind is Kind.PRICE_BAND) != (self.band is not None):
            raise InvalidEvaluationModel(
                f"{about}: a price band, and only a price band, has a band"
            )

    def describe(self) -> str:
        if self.kind is Kind.MARKS:
            return f"{self.name} {self.weight}% (marks 0–{self.scale})"
        if self.kind is Kind.PRICE_RELATIVE:
            return f"{self.name} {self.weight}% (lowest price ÷ price)"
        if self.kind is Kind.PRICE_BAND:
            assert self.band is not None
            return f"{self.name} {self.weight}% (full within {self.band.describe()})"
        return f"{self.name} (pass/fail)"


@dataclass(frozen=True)
class EvaluationModel:
    code: str
    name: str
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        codes = [c.code for c in self.criteria]
        if duplicated := sorted({c for c in codes if codes.count(c) > 1}):
            raise InvalidEvaluationModel(
                f"model {self.code}: criterion codes must differ; repeated: {', '.join(duplicated)}"
            )
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise InvalidEvaluationModel(
                f"model {self.code}: the weights add up to {total}, not exactly 100"
            )
        if sum(1 for c in self.criteria if c.kind in PRICE_KINDS) > 1:
            raise InvalidEvaluationModel(f"model {self.code}: price is scored by one criterion")

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise InvalidBid(f"model {self.code} has no criterion {code!r}")

    def of_kind(self, *kinds: Kind) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.kind in kinds)

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.criteria)


@dataclass(frozen=True)
class Marks:
    """One criterion's marks for one bid: each evaluator's, and the moderated mark that scores."""

    moderated: int | None
    by_evaluator: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class GateResult:
    passed: bool
    reason: str = ""  # why it failed, in the evaluator's words

    def __post_init__(self) -> None:
        if not self.passed and not self.reason.strip():
            raise InvalidBid("a failed gate needs the reason it failed")


@dataclass(frozen=True)
class Bid:
    bidder: str
    hourly_rate: Decimal
    marks: Mapping[str, Marks] = field(default_factory=dict)
    gates: Mapping[str, GateResult] = field(default_factory=dict)
    # An abnormally low rate, explained by the bidder and accepted: the evaluator's note why.
    low_price_accepted: str | None = None

    def __post_init__(self) -> None:
        if not self.bidder.strip():
            raise InvalidBid("a bid needs the bidder's name")
        if not self.hourly_rate.is_finite() or self.hourly_rate <= 0:
            raise InvalidBid(f"{self.bidder}: the hourly rate must be a positive amount")


@dataclass(frozen=True)
class TenderLot:
    """What the evaluation needs of a lot: its code and name and how many providers it takes."""

    code: str
    name: str
    min_providers: int = 1
    max_providers: int | None = None  # None: every compliant bid can be awarded

    def __post_init__(self) -> None:
        if self.min_providers < 0:
            raise InvalidEvaluationModel(f"lot {self.code}: the minimum cannot be negative")
        if self.max_providers is not None and self.max_providers < max(self.min_providers, 1):
            raise InvalidEvaluationModel(
                f"lot {self.code}: the maximum ({self.max_providers}) must be at least 1"
                f" and at least the minimum ({self.min_providers})"
            )

    @classmethod
    def of(cls, lot: Lot) -> TenderLot:
        return cls(lot.code, lot.name, lot.min_providers, lot.max_providers)


@dataclass(frozen=True)
class CriterionScore:
    criterion: str  # the criterion's code
    points: Decimal | None  # exact; None for a gate, or a bid not scored
    working: str  # how the points came out, fit to show
    passed: bool | None = None  # a gate's result

    def shown(self) -> str:
        if self.passed is not None:
            return "pass" if self.passed else "fail"
        return "" if self.points is None else str(shown(self.points))


@dataclass(frozen=True)
class ReportRow:
    bidder: str
    hourly_rate: Decimal
    scores: tuple[CriterionScore, ...]
    total: Decimal | None  # exact
    rank: int | None
    outcome: Outcome
    explanation: str

    @property
    def shown_total(self) -> Decimal | None:
        return None if self.total is None else shown(self.total)

    def score(self, criterion: str) -> CriterionScore:
        return next(s for s in self.scores if s.criterion == criterion)

    def record(self) -> dict[str, str]:
        """The row as text, one column per criterion: for a page or a CSV file."""
        return {
            "bidder": self.bidder,
            "hourly rate": format_pounds(self.hourly_rate, pence=True),
            **{s.criterion: s.shown() for s in self.scores},
            "total": "" if self.total is None else str(shown(self.total)),
            "rank": "" if self.rank is None else str(self.rank),
            "outcome": self.outcome.value,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class LotEvaluation:
    """The evaluation report for one lot: every bid's scores, rank and outcome, and why."""

    lot: TenderLot
    model: EvaluationModel
    rows: tuple[ReportRow, ...]
    notes: tuple[str, ...]  # what applies to the whole lot

    @property
    def awarded(self) -> tuple[str, ...]:
        return self._with(Outcome.AWARDED)

    @property
    def tied_at_cut_off(self) -> tuple[str, ...]:
        return self._with(Outcome.TIE_AT_CUT_OFF)

    @property
    def can_be_awarded_as_designed(self) -> bool:
        compliant = sum(1 for row in self.rows if row.rank is not None)
        return compliant >= self.lot.min_providers

    def row(self, bidder: str) -> ReportRow:
        return next(row for row in self.rows if row.bidder == bidder)

    def columns(self) -> tuple[str, ...]:
        return (
            "bidder",
            "hourly rate",
            *(c.code for c in self.model.criteria),
            "total",
            "rank",
            "outcome",
            "explanation",
        )

    def records(self) -> list[dict[str, str]]:
        return [row.record() for row in self.rows]

    def _with(self, outcome: Outcome) -> tuple[str, ...]:
        return tuple(row.bidder for row in self.rows if row.outcome is outcome)


def evaluate_tender(
    model: EvaluationModel,
    lots: Iterable[tuple[TenderLot, Sequence[Bid]]],
    *,
    abnormally_low_below: Decimal | None = None,
) -> tuple[LotEvaluation, ...]:
    """Every lot's evaluation under one model and one abnormally low threshold."""
    return tuple(
        evaluate_lot(model, lot, bids, abnormally_low_below=abnormally_low_below)
        for lot, bids in lots
    )


def evaluate_lot(
    model: EvaluationModel,
    lot: TenderLot,
    bids: Sequence[Bid],
    *,
    abnormally_low_below: Decimal | None = None,
) -> LotEvaluation:
    """Score, rank and award the bids for one lot, explaining each outcome."""
    bidders = [bid.bidder for bid in bids]
    if repeated := sorted({b for b in bidders if bidders.count(b) > 1}):
        raise InvalidBid(f"lot {lot.code}: one bid per bidder; more than one from {repeated[0]}")
    for bid in bids:
        _check(model, lot, bid)

    excluded = [bid for bid in bids if _failed_gates(model, bid)]
    set_aside = [
        bid
        for bid in bids
        if not _failed_gates(model, bid)
        and _is_abnormally_low(bid, abnormally_low_below)
        and bid.low_price_accepted is None
    ]
    unscored = {bid.bidder for bid in (*excluded, *set_aside)}
    compliant = [bid for bid in bids if bid.bidder not in unscored]
    for bid in compliant:
        _require_moderated_marks(model, lot, bid)
    lowest = min((bid.hourly_rate for bid in compliant), default=None)

    scored = sorted(
        (_Scored.of(model, bid, lowest) for bid in compliant), key=lambda s: s.order_key
    )
    ranks = _ranks(scored)
    outcomes = _award(lot, scored, ranks)

    rows = [
        ReportRow(
            s.bid.bidder,
            s.bid.hourly_rate,
            s.scores,
            s.total,
            ranks[i],
            outcomes[i],
            _explain_ranked(lot, scored, ranks, outcomes, i, abnormally_low_below),
        )
        for i, s in enumerate(scored)
    ]
    rows += [
        _unscored_row(model, bid, Outcome.SET_ASIDE, _explain_set_aside(bid, abnormally_low_below))
        for bid in sorted(set_aside, key=lambda b: b.bidder)
    ]
    rows += [
        _unscored_row(model, bid, Outcome.EXCLUDED, _explain_excluded(model, bid))
        for bid in sorted(excluded, key=lambda b: b.bidder)
    ]
    return LotEvaluation(
        lot, model, tuple(rows), _notes(lot, scored, outcomes, lowest, abnormally_low_below)
    )


@dataclass(frozen=True)
class _Scored:
    bid: Bid
    scores: tuple[CriterionScore, ...]
    total: Decimal
    marked: Decimal  # the points from marked criteria (quality, social value): the first tie-break

    @classmethod
    def of(cls, model: EvaluationModel, bid: Bid, lowest: Decimal | None) -> _Scored:
        assert lowest is not None  # there is a compliant bid: this one
        scores = tuple(_score(criterion, bid, lowest) for criterion in model.criteria)
        points = {s.criterion: s.points or Decimal(0) for s in scores}
        marked = sum((points[c.code] for c in model.of_kind(Kind.MARKS)), Decimal(0))
        return cls(bid, scores, sum(points.values(), Decimal(0)), marked)

    @property
    def compared_total(self) -> Decimal:
        """The total as ranking compares it: to 20 places, past which a Decimal quotient
        (lowest ÷ rate) carries only its rounding, so equal totals reached by different sums
        are equal. Distinct totals from penny prices differ far sooner."""
        return self.total.quantize(COMPARED, rounding=ROUND_HALF_UP)

    @property
    def level_key(self) -> tuple[Decimal, Decimal, Decimal]:
        """What the ranking compares: bids equal on all of it share a rank."""
        return (-self.compared_total, -self.marked, self.bid.hourly_rate)

    @property
    def order_key(self) -> tuple[Decimal, Decimal, Decimal, str]:
        return (*self.level_key, self.bid.bidder)  # the name only orders the report's rows


def _score(criterion: Criterion, bid: Bid, lowest: Decimal) -> CriterionScore:
    weight = Decimal(criterion.weight)
    code = criterion.code
    if criterion.kind is Kind.MARKS:
        assert criterion.scale is not None
        marks = bid.marks[code]
        assert marks.moderated is not None
        points = Decimal(marks.moderated) / criterion.scale * weight
        by = ", ".join(f"{who} {mark}" for who, mark in marks.by_evaluator.items())
        evaluators = f" (evaluators: {by})" if by else ""
        return CriterionScore(
            code,
            points,
            f"moderated {marks.moderated} of {criterion.scale}{evaluators}:"
            f" {marks.moderated} ÷ {criterion.scale} × {weight} = {shown(points)}",
        )
    rate = bid.hourly_rate
    if criterion.kind is Kind.PRICE_RELATIVE:
        points = lowest / rate * weight
        return CriterionScore(
            code, points, f"lowest {_pounds(lowest)} ÷ {_pounds(rate)} × {weight} = {shown(points)}"
        )
    if criterion.kind is Kind.PRICE_BAND:
        band = criterion.band
        assert band is not None
        if rate > band.ceiling:
            points = band.ceiling / rate * weight
            working = f"above the band: ceiling {_pounds(band.ceiling)} ÷ {_pounds(rate)}"
        elif rate < band.floor:
            points = rate / band.floor * weight
            working = f"below the band: {_pounds(rate)} ÷ floor {_pounds(band.floor)}"
        else:
            return CriterionScore(
                code, weight, f"within the band {band.describe()}: full {shown(weight)}"
            )
        return CriterionScore(code, points, f"{working} × {weight} = {shown(points)}")
    return _gate_score(criterion, bid)


def _gate_score(gate: Criterion, bid: Bid) -> CriterionScore:
    result = bid.gates[gate.code]
    working = "pass" if result.passed else f"fail: {result.reason}"
    return CriterionScore(gate.code, None, working, result.passed)


def _ranks(scored: Sequence[_Scored]) -> list[int]:
    """Competition ranking (1, 2, 2, 4) over bids already in order."""
    ranks: list[int] = []
    for i, s in enumerate(scored):
        level = i > 0 and s.level_key == scored[i - 1].level_key
        ranks.append(ranks[-1] if level else i + 1)
    return ranks


def _award(lot: TenderLot, scored: Sequence[_Scored], ranks: Sequence[int]) -> list[Outcome]:
    if len(scored) < lot.min_providers:
        return [Outcome.HELD] * len(scored)
    places = len(scored) if lot.max_providers is None else lot.max_providers
    outcomes: list[Outcome] = []
    for rank in ranks:
        sharing = ranks.count(rank)
        ahead = rank - 1  # bids ranked above: each has been awarded, or the cut-off has passed
        if ahead + sharing <= places:
            outcomes.append(Outcome.AWARDED)
        elif ahead < places:
            outcomes.append(Outcome.TIE_AT_CUT_OFF)
        else:
            outcomes.append(Outcome.NOT_AWARDED)
    return outcomes


def _explain_ranked(
    lot: TenderLot,
    scored: Sequence[_Scored],
    ranks: Sequence[int],
    outcomes: Sequence[Outcome],
    i: int,
    threshold: Decimal | None,
) -> str:
    this = scored[i]
    parts = [f"rank {ranks[i]} of {len(scored)} with {shown(this.total)}"]
    for j, other in enumerate(scored):
        if j != i and other.compared_total == this.compared_total:
            parts.append(_tie_break(this, other, ranks[i] == ranks[j]))
    places = lot.max_providers
    outcome = outcomes[i]
    if outcome is Outcome.AWARDED:
        parts.append(
            "awarded" + ("" if places is None else f" (the lot takes up to {places} providers)")
        )
    elif outcome is Outcome.NOT_AWARDED:
        parts.append(f"not awarded: the lot's {places} places went to higher-ranked bids")
    elif outcome is Outcome.TIE_AT_CUT_OFF:
        assert places is not None
        sharing = ranks.count(ranks[i])
        left = places - (ranks[i] - 1)
        parts.append(
            f"tie at the cut-off: decide — {sharing} bids share rank {ranks[i]}"
            f" for {left} place{'s' if left != 1 else ''} left"
        )
    else:
        parts.append(
            f"held: the lot cannot be awarded as designed — {len(scored)} compliant"
            f" bid{'s' if len(scored) != 1 else ''}, at least {lot.min_providers} needed"
        )
    if threshold is not None and _is_abnormally_low(this.bid, threshold):
        parts.append(
            f"{_pounds(this.bid.hourly_rate)} an hour is below the abnormally low threshold of"
            f" {_pounds(threshold)}; explained and accepted: {this.bid.low_price_accepted}"
        )
    return "; ".join(parts)


def _tie_break(this: _Scored, other: _Scored, level: bool) -> str:
    name = other.bid.bidder
    if level:
        return (
            f"level with {name} on total, marked criteria ({shown(this.marked)})"
            f" and price ({_pounds(this.bid.hourly_rate)}): the rank is shared"
        )
    if this.marked != other.marked:
        side = "ahead of" if this.marked > other.marked else "behind"
        return (
            f"level on total with {name}, {side} it on the marked criteria"
            f" ({shown(this.marked)} against {shown(other.marked)})"
        )
    side = "ahead of" if this.bid.hourly_rate < other.bid.hourly_rate else "behind"
    return (
        f"level on total and marked criteria with {name}, {side} it on price"
        f" ({_pounds(this.bid.hourly_rate)} against {_pounds(other.bid.hourly_rate)})"
    )


def _explain_set_aside(bid: Bid, threshold: Decimal | None) -> str:
    assert threshold is not None
    return (
        f"set aside for clarification: {_pounds(bid.hourly_rate)} an hour is below the"
        f" abnormally low threshold of {_pounds(threshold)}; not scored or ranked unless the"
        " bidder's explanation is accepted"
    )


def _explain_excluded(model: EvaluationModel, bid: Bid) -> str:
    failed = _failed_gates(model, bid)
    return "excluded: " + "; ".join(
        f"failed the gate {c.name!r} ({bid.gates[c.code].reason})" for c in failed
    )


def _unscored_row(model: EvaluationModel, bid: Bid, outcome: Outcome, why: str) -> ReportRow:
    scores = tuple(
        _gate_score(c, bid) if c.kind is Kind.GATE else CriterionScore(c.code, None, "not scored")
        for c in model.criteria
    )
    return ReportRow(bid.bidder, bid.hourly_rate, scores, None, None, outcome, why)


def _notes(
    lot: TenderLot,
    scored: Sequence[_Scored],
    outcomes: Sequence[Outcome],
    lowest: Decimal | None,
    threshold: Decimal | None,
) -> tuple[str, ...]:
    most = "any number of" if lot.max_providers is None else str(lot.max_providers)
    notes = [
        f"{len(scored)} compliant bid{'s' if len(scored) != 1 else ''}; the lot takes"
        f" {lot.min_providers} to {most} providers"
    ]
    if lowest is not None:
        notes.append(f"lowest compliant price {_pounds(lowest)} an hour")
    if threshold is not None:
        notes.append(f"abnormally low below {_pounds(threshold)} an hour")
    if Outcome.HELD in outcomes:
        notes.append(
            f"the lot cannot be awarded as designed: {len(scored)} compliant, at least"
            f" {lot.min_providers} needed — award to fewer, re-tender or merge lots"
        )
    tied = [
        s.bid.bidder for s, o in zip(scored, outcomes, strict=True) if o is Outcome.TIE_AT_CUT_OFF
    ]
    if tied:
        notes.append(f"tie at the cut-off: decide between {', '.join(tied)}")
    return tuple(notes)


def _check(model: EvaluationModel, lot: TenderLot, bid: Bid) -> None:
    """Refuse marks or gates the model does not have, marks off the scale, gates not judged."""
    about = f"lot {lot.code}, {bid.bidder}"
    for code, marks in bid.marks.items():
        criterion = model.criterion(code)
        if criterion.kind is not Kind.MARKS:
            raise InvalidBid(f"{about}: {criterion.name} is not marked")
        assert criterion.scale is not None
        given = dict(marks.by_evaluator)
        if marks.moderated is not None:
            given["the moderated mark"] = marks.moderated
        for who, mark in given.items():
            if not 0 <= mark <= criterion.scale:
                raise MarkOutsideScale(
                    f"{about}: {criterion.name} is marked 0 to {criterion.scale}; {who} gave {mark}"
                )
    for code in bid.gates:
        if model.criterion(code).kind is not Kind.GATE:
            raise InvalidBid(f"{about}: {model.criterion(code).name} is not a pass/fail gate")
    for gate in model.of_kind(Kind.GATE):
        if gate.code not in bid.gates:
            raise InvalidBid(f"{about}: no result for the gate {gate.name!r}")


def _require_moderated_marks(model: EvaluationModel, lot: TenderLot, bid: Bid) -> None:
    for criterion in model.of_kind(Kind.MARKS):
        marks = bid.marks.get(criterion.code)
        if marks is None or marks.moderated is None:
            raise MarkNotModerated(
                f"lot {lot.code}, {bid.bidder}: {criterion.name} has no moderated mark;"
                " the evaluators must agree one before the bid can be scored"
            )


def _failed_gates(model: EvaluationModel, bid: Bid) -> tuple[Criterion, ...]:
    return tuple(c for c in model.of_kind(Kind.GATE) if not bid.gates[c.code].passed)


def _is_abnormally_low(bid: Bid, threshold: Decimal | None) -> bool:
    return threshold is not None and bid.hourly_rate < threshold


def _pounds(amount: Decimal) -> str:
    return format_pounds(amount, pence=True)


def model_to_data(model: EvaluationModel) -> dict[str, Any]:
    """The model as plain data (JSON or TOML): what a tender keeps and reads back."""
    return {
        "code": model.code,
        "name": model.name,
        "criteria": [_criterion_to_data(c) for c in model.criteria],
    }


def model_from_data(data: Mapping[str, Any]) -> EvaluationModel:
    """A model from plain data; InvalidEvaluationModel says what is wrong with it."""
    try:
        criteria = tuple(
            _criterion_from_data(n, c) for n, c in enumerate(data["criteria"], start=1)
        )
        return EvaluationModel(str(data["code"]), str(data.get("name") or data["code"]), criteria)
    except KeyError as missing:
        raise InvalidEvaluationModel(f"an evaluation model needs {missing.args[0]!r}") from None
    except (TypeError, AttributeError) as error:
        raise InvalidEvaluationModel(
            f"an evaluation model is not written as expected: {error}"
        ) from None


def _criterion_to_data(criterion: Criterion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": criterion.code,
        "name": criterion.name,
        "kind": criterion.kind.value,
    }
    if criterion.kind is not Kind.GATE:
        data["weight"] = criterion.weight
    if criterion.scale is not None:
        data["scale"] = criterion.scale
    if criterion.band is not None:
        data["band"] = {"floor": str(criterion.band.floor), "ceiling": str(criterion.band.ceiling)}
    return data


def _criterion_from_data(number: int, data: Mapping[str, Any]) -> Criterion:
    code = str(data.get("code") or "")
    where = f"criterion {code!r}" if code else f"criterion {number}"
    try:
        kind = Kind(data["kind"])
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise InvalidEvaluationModel(
            f"{where}: kind {data['kind']!r} is not one of {kinds}"
        ) from None
    weight, scale = data.get("weight", 0), data.get("scale")
    for name, value in (("weight", weight), ("scale", scale)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InvalidEvaluationModel(f"{where}: {name} {value!r} is not a whole number")
    band = None
    if data.get("band") is not None:
        try:
            band = PriceBand(
                Decimal(str(data["band"]["floor"])), Decimal(str(data["band"]["ceiling"]))
            )
        except ArithmeticError:
            raise InvalidEvaluationModel(
                f"{where}: a band's floor and ceiling are amounts in pounds and pence"
            ) from None
    return Criterion(code, str(data.get("name") or code), kind, weight, scale=scale, band=band)
