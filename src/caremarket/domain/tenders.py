"""A tender kept over time: what may be entered for a bid, and awarding a lot.

`domain/evaluation.py` scores, ranks and flags; here are the rules for entering what it
scores (a mark on the criterion's scale, a gate's result, an abnormally low price accepted)
and for the award that follows: the places the evaluation awarded, plus the tied bidders the
commissioner chose for the places left at the cut-off, with the reason. Once a lot is awarded
its bids, marks and gates are frozen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from caremarket.domain.contracts import long_date
from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.evaluation import (
    Bid,
    Criterion,
    EvaluationModel,
    GateResult,
    Kind,
    LotEvaluation,
    Marks,
)
from caremarket.domain.money import format_pounds


class InvalidTenderEntry(DomainError):
    """A mark, gate result or acceptance that the tender's model or the bid does not allow."""


class LotAlreadyAwarded(Conflict):
    """An awarded lot's bids, marks and gates are frozen; it is not awarded twice."""


class LotNotAwardable(Conflict):
    """The evaluation, as it stands, does not allow the award asked for."""


class TenderNotImported(DomainError):
    """A tender file refused, with every problem found; nothing of it was written."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"nothing was imported: the tender file has {count} problem{'s' if count != 1 else ''}"
            + "".join(f"\n{p}" for p in self.problems)
        )


class InvalidAward(DomainError):
    """The tie decision names the wrong bidders, or too many or too few, or gives no reason."""


@dataclass(frozen=True)
class LotAward:
    """A lot's award as recorded: the awarded bidders, ties decided included, and why."""

    lot: str
    awarded: tuple[str, ...]
    tie_decision: str | None
    awarded_on: date
    awarded_by: str
    contracts: tuple[str, ...] = ()  # the references of the contracts the award made


def marks_criterion(model: EvaluationModel, code: str) -> Criterion:
    criterion = _criterion(model, code)
    if criterion.kind is not Kind.MARKS:
        raise InvalidTenderEntry(
            f"{criterion.name} is not marked by evaluators ({criterion.describe()})"
        )
    return criterion


def check_mark(model: EvaluationModel, code: str, mark: int, *, who: str) -> Criterion:
    """The marks criterion `code`, if `mark` is on its scale; refused otherwise."""
    criterion = marks_criterion(model, code)
    assert criterion.scale is not None
    if isinstance(mark, bool) or not isinstance(mark, int) or not 0 <= mark <= criterion.scale:
        raise InvalidTenderEntry(
            f"{criterion.name} is marked 0 to {criterion.scale}; {who} gave {mark}"
        )
    return criterion


def gate_criterion(model: EvaluationModel, code: str) -> Criterion:
    criterion = _criterion(model, code)
    if criterion.kind is not Kind.GATE:
        raise InvalidTenderEntry(f"{criterion.name} is not a pass/fail gate")
    return criterion


def check_low_price(rate: Decimal, threshold: Decimal | None, bidder: str) -> None:
    """Only a price below the tender's abnormally low threshold is accepted with a reason."""
    if threshold is None:
        raise InvalidTenderEntry(
            "the tender sets no abnormally low threshold: no price needs accepting"
        )
    if rate >= threshold:
        raise InvalidTenderEntry(
            f"{bidder}'s {format_pounds(rate, pence=True)} an hour is not below the abnormally"
            f" low threshold of {format_pounds(threshold, pence=True)}: there is nothing to accept"
        )


def check_open(lot: str, award: LotAward | None) -> None:
    if award is not None:
        raise LotAlreadyAwarded(
            f"lot {lot} was awarded on {long_date(award.awarded_on)} by {award.awarded_by}:"
            " its bids, marks and gates are frozen"
        )


def decide_award(
    evaluation: LotEvaluation, *, tie_winners: Sequence[str] = (), reason: str | None = None
) -> tuple[tuple[str, ...], str | None]:
    """The bidders to award and the tie decision to record, in rank order.

    The places the evaluation awarded go as it says. Where bids tie at the cut-off the
    commissioner names which of them take the places left, and why; a lot short of its
    minimum cannot be awarded as designed.
    """
    lot = evaluation.lot
    if not evaluation.can_be_awarded_as_designed:
        compliant = sum(1 for row in evaluation.rows if row.rank is not None)
        raise LotNotAwardable(
            f"lot {lot.code} cannot be awarded as designed: {compliant} compliant"
            f" bid{'s' if compliant != 1 else ''}, at least {lot.min_providers} needed"
            " — award to fewer, re-tender or merge lots"
        )
    tied = evaluation.tied_at_cut_off
    chosen = [name.strip() for name in tie_winners if name.strip()]
    why = (reason or "").strip() or None
    if not tied:
        if chosen:
            raise InvalidAward(
                f"lot {lot.code} has no tie at the cut-off: the evaluation decides its places"
            )
        return evaluation.awarded, None
    assert lot.max_providers is not None  # a tie at the cut-off needs a limit
    left = lot.max_providers - len(evaluation.awarded)
    listed = ", ".join(tied)
    if strangers := [name for name in chosen if name not in tied]:
        raise InvalidAward(
            f"{strangers[0]} is not tied at the cut-off of lot {lot.code}; choose from {listed}"
        )
    if len(set(chosen)) != left:
        raise InvalidAward(
            f"lot {lot.code}: {listed} tie at the cut-off for {left}"
            f" place{'s' if left != 1 else ''} left; choose {left} of them"
        )
    if why is None:
        raise InvalidAward(f"lot {lot.code}: say why the tie at the cut-off was decided as it was")
    ranked = [row.bidder for row in evaluation.rows]
    awarded = sorted({*evaluation.awarded, *chosen}, key=ranked.index)
    return tuple(awarded), why


def _criterion(model: EvaluationModel, code: str) -> Criterion:
    for criterion in model.criteria:
        if criterion.code == code:
            return criterion
    raise InvalidTenderEntry(
        f"model {model.code} has no criterion {code!r};"
        f" it has {', '.join(c.code for c in model.criteria)}"
    )


@dataclass(frozen=True)
class Tender:
    """A tender for a vehicle's lots, under one evaluation model."""

    code: str
    name: str
    vehicle: str  # the vehicle's code
    model: EvaluationModel
    abnormally_low_below: Decimal | None = None  # the cost-of-care model's hourly rate
    created_at: datetime | None = None
    created_by: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Moderation:
    mark: int
    note: str
    agreed_by: str
    agreed_at: datetime


@dataclass(frozen=True)
class TenderBid:
    """A bid as entered: each evaluator's marks and the moderated marks kept apart."""

    lot: str
    bidder: str
    hourly_rate: Decimal
    provider: str | None = None  # the known provider it is linked to
    gates: Mapping[str, GateResult] = field(default_factory=dict)
    low_price_accepted: str | None = None
    marks: Mapping[str, Mapping[str, int]] = field(default_factory=dict)  # criterion: evaluator
    moderations: Mapping[str, Moderation] = field(default_factory=dict)
    entered_at: datetime | None = None
    entered_by: str = ""
    id: int | None = None

    def bid(self) -> Bid:
        """The bid as the evaluation scores it."""
        criteria = sorted({*self.marks, *self.moderations})
        return Bid(
            self.bidder,
            self.hourly_rate,
            marks={
                code: Marks(
                    self.moderations[code].mark if code in self.moderations else None,
                    dict(self.marks.get(code, {})),
                )
                for code in criteria
            },
            gates=dict(self.gates),
            low_price_accepted=self.low_price_accepted,
        )
