"""Tenders: the model, the bids per lot, evaluators' and moderated marks, gates, low prices
accepted, each lot's evaluation report and its award. Commissioners enter and award, auditors
read; providers and brokers may not see tenders at all (they would see competitors' bids).

Amounts and scores are exact decimals written as strings; a score's `shown` is its value to
2 places, half-up, as the report shows it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from caremarket.domain.access import POLICY_SETTERS, TENDER_READERS
from caremarket.domain.contracts import DEFAULT_PAYMENT_RULES
from caremarket.domain.evaluation import LotEvaluation, model_from_data, shown
from caremarket.domain.market import Tier
from caremarket.domain.tenders import LotAward, TenderNotImported
from caremarket.services import tender_views, tenders
from caremarket.services.accounts import Principal
from caremarket.services.contracts import AwardTerms
from caremarket.services.tender_views import BidSummary, LotDetail, TenderSummary
from caremarket.web.access import allow
from caremarket.web.api.contracts import ObligationsBody, TermBody
from caremarket.web.deps import UowDep

router = APIRouter(prefix="/tenders", tags=["tenders"])
Reader = Annotated[Principal, allow(*TENDER_READERS)]
Commissioner = Annotated[Principal, allow(*POLICY_SETTERS)]
LOT = "/{tender}/lots/{lot}"
BID = LOT + "/bids/{bidder}"


class TenderBody(BaseModel):
    vehicle: str
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    model: dict[str, Any] = Field(
        description="The evaluation model: {code, name, criteria: [{code, name, kind, weight,"
        " scale, band}]}, as a tender file's [model] (docs/evaluation.md)."
    )
    abnormally_low_below: Decimal | None = Field(
        None, description='The cost-of-care model\'s hourly rate, e.g. "22.00".'
    )


class BidBody(BaseModel):
    bidder: str = Field(min_length=1, max_length=200)
    hourly_rate: Decimal
    provider: str | None = Field(None, description="The known provider the bidder is.")


class MarkBody(BaseModel):
    criterion: str
    mark: int
    evaluator: str | None = Field(None, max_length=200, description="Who gave it (default: you).")


class ModerationBody(BaseModel):
    criterion: str
    mark: int
    note: str = Field(min_length=1, max_length=1000)


class GateBody(BaseModel):
    criterion: str
    passed: bool
    reason: str = Field("", max_length=1000, description="Why it failed (needed for a fail).")


class LowPriceBody(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class AwardBody(BaseModel):
    tier: Tier = Tier.APPROVED
    tie_winners: list[str] = Field(
        default_factory=list, description="Of the bidders tied at the cut-off, those awarded."
    )
    reason: str | None = Field(None, max_length=1000, description="Why the tie went so.")
    rate_card: str | None = Field(
        None, description="The contracts' rate card, by name; default: the latest."
    )
    contract_term: TermBody | None = Field(
        None, description="The contracts' term; default: the vehicle's (awarded before it starts)."
    )
    payment_rules: str = Field(DEFAULT_PAYMENT_RULES, min_length=1, max_length=200)
    obligations: ObligationsBody | None = Field(None, description="Default: see docs/contracts.md.")


@router.get("")
def list_tenders(uow: UowDep, by: Reader) -> list[TenderSummary]:
    """Every tender, newest first, with each lot's bids and status."""
    return tender_views.list_tenders(uow)


@router.post("", status_code=201)
def create_tender(uow: UowDep, by: Commissioner, body: TenderBody) -> TenderSummary:
    return tenders.create_tender(
        uow,
        body.vehicle,
        code=body.code,
        name=body.name,
        model=model_from_data(body.model),
        abnormally_low_below=body.abnormally_low_below,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post(
    "/import",
    status_code=201,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/toml": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {"file": {"type": "string"}}}
                },
            }
        }
    },
)
async def import_tender(
    request: Request, uow: UowDep, by: Commissioner, vehicle: str, code: str | None = None
) -> TenderSummary:
    """A tender file (TOML, docs/evaluation.md) as the body, or uploaded as `file`: refused
    with every problem (422) and nothing written, or imported whole."""
    source = "the tender file"
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form() as form:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise TenderNotImported(["upload the tender file as `file`"])
            source = upload.filename or source
            raw = await upload.read()
    else:
        raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TenderNotImported([f"{source} is not text in UTF-8"]) from None
    return tenders.import_tender(
        uow, text, vehicle=vehicle, code=code, source=source, by=by.actor, now=datetime.now(UTC)
    )


@router.get("/{tender}")
def read_tender(uow: UowDep, by: Reader, tender: str) -> TenderSummary:
    return tender_views.tender_summary(uow, tender)


@router.get(LOT)
def read_lot(uow: UowDep, by: Reader, tender: str, lot: str) -> LotDetail:
    """The lot's bids: each evaluator's marks, the moderated marks, gates, low prices."""
    return tender_views.lot_detail(uow, tender, lot)


@router.post(LOT + "/bids", status_code=201)
def enter_bid(uow: UowDep, by: Commissioner, tender: str, lot: str, body: BidBody) -> BidSummary:
    return tenders.enter_bid(
        uow,
        tender,
        lot,
        bidder=body.bidder,
        hourly_rate=body.hourly_rate,
        provider=body.provider,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post(BID + "/marks")
def record_mark(
    uow: UowDep, by: Commissioner, tender: str, lot: str, bidder: str, body: MarkBody
) -> BidSummary:
    """One evaluator's own mark; given again, it replaces theirs."""
    return tenders.record_mark(
        uow,
        tender,
        lot,
        bidder,
        criterion=body.criterion,
        evaluator=body.evaluator or by.name,
        mark=body.mark,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.put(BID + "/moderation")
def agree_mark(
    uow: UowDep, by: Commissioner, tender: str, lot: str, bidder: str, body: ModerationBody
) -> BidSummary:
    """The moderated mark agreed for a criterion, with a note: the mark that scores."""
    return tenders.agree_mark(
        uow,
        tender,
        lot,
        bidder,
        criterion=body.criterion,
        mark=body.mark,
        note=body.note,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.put(BID + "/gates")
def record_gate(
    uow: UowDep, by: Commissioner, tender: str, lot: str, bidder: str, body: GateBody
) -> BidSummary:
    return tenders.record_gate(
        uow,
        tender,
        lot,
        bidder,
        criterion=body.criterion,
        passed=body.passed,
        reason=body.reason,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post(BID + "/low-price")
def accept_low_price(
    uow: UowDep, by: Commissioner, tender: str, lot: str, bidder: str, body: LowPriceBody
) -> BidSummary:
    """The bidder explained a price below the abnormally low threshold, and it was accepted."""
    return tenders.accept_low_price(
        uow, tender, lot, bidder, reason=body.reason, by=by.actor, now=datetime.now(UTC)
    )


@router.get(LOT + "/evaluation")
def evaluation(uow: UowDep, by: Reader, tender: str, lot: str) -> dict[str, Any]:
    """The lot's evaluation report: every score with its working, the total, rank, outcome
    and why; 409 while a mark awaits moderation or a gate its result."""
    report = tender_views.evaluate(uow, tender, lot)
    award = tender_views.lot_detail(uow, tender, lot).award
    return evaluation_data(report, award)


@router.post(LOT + "/award")
def award_lot(uow: UowDep, by: Commissioner, tender: str, lot: str, body: AwardBody) -> LotAward:
    """Award the lot as evaluated, naming any tied bidders who take the places left and why;
    the awarded bidders join the lot at `tier`, each with a contract on the terms given (by
    default the vehicle's term and the latest rate card). Its bids, marks and gates are then
    frozen."""
    return tenders.award_lot(
        uow,
        tender,
        lot,
        tier=body.tier,
        tie_winners=body.tie_winners,
        reason=body.reason,
        terms=AwardTerms(
            term=body.contract_term.as_term() if body.contract_term else None,
            rate_card=body.rate_card,
            payment_rules=body.payment_rules,
            obligations=body.obligations.as_obligations() if body.obligations else None,
        ),
        by=by.actor,
        now=datetime.now(UTC),
    )


def evaluation_data(report: LotEvaluation, award: LotAward | None) -> dict[str, Any]:
    lot = report.lot
    return {
        "lot": {
            "code": lot.code,
            "name": lot.name,
            "min_providers": lot.min_providers,
            "max_providers": lot.max_providers,
        },
        "model": report.model.describe(),
        "notes": list(report.notes),
        "rows": [
            {
                "bidder": row.bidder,
                "hourly_rate": str(row.hourly_rate),
                "scores": [
                    {
                        "criterion": score.criterion,
                        "points": None if score.points is None else str(score.points),
                        "shown": score.shown(),
                        "passed": score.passed,
                        "working": score.working,
                    }
                    for score in row.scores
                ],
                "total": None if row.total is None else str(row.total),
                "shown_total": None if row.total is None else str(shown(row.total)),
                "rank": row.rank,
                "outcome": row.outcome.value,
                "explanation": row.explanation,
            }
            for row in report.rows
        ],
        "awarded": list(report.awarded),
        "tied_at_cut_off": list(report.tied_at_cut_off),
        "can_be_awarded_as_designed": report.can_be_awarded_as_designed,
        "award": None
        if award is None
        else {
            "awarded": list(award.awarded),
            "tie_decision": award.tie_decision,
            "awarded_on": award.awarded_on.isoformat(),
            "awarded_by": award.awarded_by,
        },
    }
