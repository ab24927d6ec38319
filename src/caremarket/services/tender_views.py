"""Reading tenders: the list, a tender's lots and their status, a lot's bids, and a lot's
evaluation over what is stored (services/tenders.py enters and awards)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.evaluation import LotEvaluation, TenderLot, evaluate_lot, model_to_data
from caremarket.domain.market import Lot, Vehicle
from caremarket.domain.tenders import LotAward, Tender, TenderBid
from caremarket.services.ports import UnitOfWork


class EvaluationNotReady(Conflict):
    """The lot's bids cannot be scored yet (a mark not moderated, a gate not judged)."""


@dataclass(frozen=True)
class LotStatus:
    code: str
    name: str
    min_providers: int
    max_providers: int | None
    bids: int
    status: str
    awarded: tuple[str, ...] | None


@dataclass(frozen=True)
class TenderSummary:
    code: str
    name: str
    vehicle: str
    commissioners: tuple[str, ...]  # the vehicle's, by name
    model: dict[str, Any]
    model_description: str
    abnormally_low_below: Decimal | None
    created_at: datetime | None
    created_by: str
    lots: tuple[LotStatus, ...]


@dataclass(frozen=True)
class BidSummary:
    bidder: str
    provider: str | None
    hourly_rate: Decimal
    abnormally_low: bool
    low_price_accepted: str | None
    gates: dict[str, dict[str, Any]]  # code: {"passed": bool, "reason": str}
    marks: dict[str, dict[str, int]]  # criterion: {evaluator: mark}
    moderated: dict[str, dict[str, Any]]  # criterion: {"mark", "note", "agreed_by"}
    entered_by: str


@dataclass(frozen=True)
class LotDetail:
    tender: str
    tender_name: str
    vehicle: str
    lot: LotStatus
    bids: tuple[BidSummary, ...]
    award: LotAward | None
    ready: bool  # every bid can be scored
    not_ready_because: str | None


def evaluate(uow: UnitOfWork, tender: str, lot: str) -> LotEvaluation:
    """The lot's evaluation over what is stored; EvaluationNotReady says what is missing."""
    with uow:
        found = uow.tenders.get(tender)
        place = lot_of(uow.vehicles.get(found.vehicle), found, lot)
        return evaluated(uow, found, place)


def evaluate_all(uow: UnitOfWork, tender: str) -> tuple[Tender, tuple[LotEvaluation, ...]]:
    """Every lot with bids, in the vehicle's order."""
    with uow:
        found = uow.tenders.get(tender)
        vehicle = uow.vehicles.get(found.vehicle)
        with_bids = {bid.lot for bid in uow.tenders.bids(found)}
        return found, tuple(
            evaluated(uow, found, lot) for lot in vehicle.lots if lot.code in with_bids
        )


def list_tenders(uow: UnitOfWork) -> list[TenderSummary]:
    with uow:
        return [
            summary_of(uow, tender, uow.vehicles.get(tender.vehicle))
            for tender in uow.tenders.list()
        ]


def tender_summary(uow: UnitOfWork, tender: str) -> TenderSummary:
    with uow:
        found = uow.tenders.get(tender)
        return summary_of(uow, found, uow.vehicles.get(found.vehicle))


def lot_detail(uow: UnitOfWork, tender: str, lot: str) -> LotDetail:
    with uow:
        found = uow.tenders.get(tender)
        vehicle = uow.vehicles.get(found.vehicle)
        place = lot_of(vehicle, found, lot)
        bids = uow.tenders.bids(found, place)
        status = _lot_status(uow, found, place, bids, uow.tenders.awards(found))
        why = None
        try:
            evaluated(uow, found, place, bids)
        except EvaluationNotReady as error:
            why = str(error)
        return LotDetail(
            found.code,
            found.name,
            vehicle.code,
            status,
            tuple(bid_summary(bid, found) for bid in bids),
            uow.tenders.awards(found).get(place.code),
            why is None,
            why,
        )


def lot_of(vehicle: Vehicle, tender: Tender, code: str) -> Lot:
    for lot in vehicle.lots:
        if lot.code == code:
            return lot
    raise NotFound(f"tender {tender.code} is for vehicle {vehicle.code}, which has no lot {code}")


def evaluated(
    uow: UnitOfWork, tender: Tender, lot: Lot, bids: Sequence[TenderBid] | None = None
) -> LotEvaluation:
    stored = uow.tenders.bids(tender, lot) if bids is None else bids
    try:
        return evaluate_lot(
            tender.model,
            TenderLot.of(lot),
            [bid.bid() for bid in stored],
            abnormally_low_below=tender.abnormally_low_below,
        )
    except DomainError as error:
        raise EvaluationNotReady(f"lot {lot.code} cannot be evaluated yet: {error}") from None


def summary_of(uow: UnitOfWork, tender: Tender, vehicle: Vehicle) -> TenderSummary:
    bids = uow.tenders.bids(tender)
    awards = uow.tenders.awards(tender)
    return TenderSummary(
        code=tender.code,
        name=tender.name,
        vehicle=vehicle.code,
        commissioners=tuple(c.name for c in vehicle.commissioners),
        model=model_to_data(tender.model),
        model_description=tender.model.describe(),
        abnormally_low_below=tender.abnormally_low_below,
        created_at=tender.created_at,
        created_by=tender.created_by,
        lots=tuple(
            _lot_status(uow, tender, lot, [b for b in bids if b.lot == lot.code], awards)
            for lot in vehicle.lots
        ),
    )


def _lot_status(
    uow: UnitOfWork,
    tender: Tender,
    lot: Lot,
    bids: Sequence[TenderBid],
    awards: dict[str, LotAward],
) -> LotStatus:
    award = awards.get(lot.code)
    if award is not None:
        status = f"awarded to {', '.join(award.awarded) or 'nobody'}"
    elif not bids:
        status = "no bids"
    else:
        try:
            evaluation = evaluated(uow, tender, lot, bids)
        except EvaluationNotReady:
            status = "being evaluated"
        else:
            if not evaluation.can_be_awarded_as_designed:
                status = "short of its minimum: cannot be awarded as designed"
            elif evaluation.tied_at_cut_off:
                status = "ready to award: a tie at the cut-off to decide"
            else:
                status = "ready to award"
    return LotStatus(
        lot.code,
        lot.name,
        lot.min_providers,
        lot.max_providers,
        len(bids),
        status,
        None if award is None else award.awarded,
    )


def bid_summary(bid: TenderBid, tender: Tender) -> BidSummary:
    threshold = tender.abnormally_low_below
    return BidSummary(
        bidder=bid.bidder,
        provider=bid.provider,
        hourly_rate=bid.hourly_rate,
        abnormally_low=threshold is not None and bid.hourly_rate < threshold,
        low_price_accepted=bid.low_price_accepted,
        gates={c: {"passed": g.passed, "reason": g.reason} for c, g in bid.gates.items()},
        marks={c: dict(m) for c, m in bid.marks.items()},
        moderated={
            c: {"mark": m.mark, "note": m.note, "agreed_by": m.agreed_by}
            for c, m in bid.moderations.items()
        },
        entered_by=bid.entered_by,
    )
