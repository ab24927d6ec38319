"""Keeping tenders: the model as data, the bids by lot, each evaluator's marks, the moderated
marks and the awards; read back as frozen values of `domain/tenders.py`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select, update
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.domain.errors import NotFound
from caremarket.domain.evaluation import GateResult, model_from_data, model_to_data
from caremarket.domain.market import Lot, Provider, Vehicle
from caremarket.domain.tenders import LotAward, Moderation, Tender, TenderBid

T = t.tenders.c
B = t.tender_bids.c
M = t.tender_marks.c
D = t.tender_moderations.c
W = t.tender_awards.c


class SqlTenders:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, code: str) -> Tender | None:
        self.session.flush()
        row = self.session.execute(self._tenders().where(T.code == code)).one_or_none()
        return None if row is None else _tender(row)

    def get(self, code: str) -> Tender:
        tender = self.find(code)
        if tender is None:
            raise NotFound(f"there is no tender {code}")
        return tender

    def list(self) -> list[Tender]:
        """Newest first."""
        self.session.flush()
        rows = self.session.execute(self._tenders().order_by(T.created_at.desc(), T.id.desc()))
        return [_tender(row) for row in rows]

    def add(self, tender: Tender, vehicle: Vehicle) -> Tender:
        self.session.flush()  # the vehicle's id
        self.session.execute(
            insert(t.tenders).values(
                code=tender.code,
                name=tender.name,
                vehicle_id=vehicle.id,
                model=model_to_data(tender.model),
                abnormally_low_below=tender.abnormally_low_below,
                created_at=tender.created_at,
                created_by=tender.created_by,
            )
        )
        return self.get(tender.code)

    def bids(self, tender: Tender, lot: Lot | None = None) -> list[TenderBid]:
        """The tender's bids (for one lot, if given), lot by lot, in the order entered."""
        self.session.flush()
        query = (
            select(t.tender_bids, t.lots.c.code.label("lot"), t.providers.c.name.label("provider"))
            .join(t.lots, t.lots.c.id == B.lot_id)
            .outerjoin(t.providers, t.providers.c.id == B.provider_id)
            .where(B.tender_id == tender.id)
            .order_by(t.lots.c.id, B.id)
        )
        if lot is not None:
            query = query.where(B.lot_id == lot.id)
        rows = self.session.execute(query).all()
        ids = [row.id for row in rows]
        marks: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        moderations: dict[int, dict[str, Moderation]] = defaultdict(dict)
        if ids:
            for mark in self.session.execute(
                select(t.tender_marks).where(M.bid_id.in_(ids)).order_by(M.marked_at, M.evaluator)
            ):
                marks[mark.bid_id][mark.criterion][mark.evaluator] = mark.mark
            for agreed in self.session.execute(
                select(t.tender_moderations).where(D.bid_id.in_(ids))
            ):
                moderations[agreed.bid_id][agreed.criterion] = Moderation(
                    agreed.mark, agreed.note, agreed.agreed_by, agreed.agreed_at
                )
        return [
            _bid(row, {c: dict(m) for c, m in marks[row.id].items()}, moderations[row.id])
            for row in rows
        ]

    def find_bid(self, tender: Tender, lot: Lot, bidder: str) -> TenderBid | None:
        return next((b for b in self.bids(tender, lot) if b.bidder == bidder), None)

    def add_bid(
        self, tender: Tender, lot: Lot, bid: TenderBid, *, provider: Provider | None
    ) -> int:
        self.session.flush()
        result = self.session.execute(
            insert(t.tender_bids).values(
                tender_id=tender.id,
                lot_id=lot.id,
                bidder=bid.bidder,
                provider_id=None if provider is None else provider.id,
                hourly_rate=bid.hourly_rate,
                gates=_gates_data(bid.gates),
                low_price_accepted=bid.low_price_accepted,
                entered_at=bid.entered_at,
                entered_by=bid.entered_by,
            )
        )
        return int(result.inserted_primary_key[0])

    def set_mark(
        self, bid: TenderBid, criterion: str, evaluator: str, mark: int, *, at: datetime
    ) -> None:
        """The evaluator's mark for the criterion, replacing theirs if they marked it before."""
        self.session.execute(
            delete(t.tender_marks).where(
                M.bid_id == bid.id, M.criterion == criterion, M.evaluator == evaluator
            )
        )
        self.session.execute(
            insert(t.tender_marks).values(
                bid_id=bid.id, criterion=criterion, evaluator=evaluator, mark=mark, marked_at=at
            )
        )

    def set_moderation(self, bid: TenderBid, criterion: str, moderation: Moderation) -> None:
        self.session.execute(
            delete(t.tender_moderations).where(D.bid_id == bid.id, D.criterion == criterion)
        )
        self.session.execute(
            insert(t.tender_moderations).values(
                bid_id=bid.id,
                criterion=criterion,
                mark=moderation.mark,
                note=moderation.note,
                agreed_at=moderation.agreed_at,
                agreed_by=moderation.agreed_by,
            )
        )

    def set_gates(self, bid: TenderBid, gates: Mapping[str, GateResult]) -> None:
        self.session.execute(
            update(t.tender_bids).where(B.id == bid.id).values(gates=_gates_data(gates))
        )

    def accept_low_price(self, bid: TenderBid, reason: str) -> None:
        self.session.execute(
            update(t.tender_bids).where(B.id == bid.id).values(low_price_accepted=reason)
        )

    def awards(self, tender: Tender) -> dict[str, LotAward]:
        """The tender's lots awarded so far, by lot code."""
        self.session.flush()
        rows = self.session.execute(
            select(t.tender_awards, t.lots.c.code.label("lot"))
            .join(t.lots, t.lots.c.id == W.lot_id)
            .where(W.tender_id == tender.id)
            .order_by(t.lots.c.id)
        ).all()
        made: dict[int, list[str]] = {}
        for lot_id, reference in self.session.execute(
            select(t.contracts.c.lot_id, t.contracts.c.reference)
            .where(t.contracts.c.tender_id == tender.id)
            .order_by(t.contracts.c.id)
        ):
            made.setdefault(lot_id, []).append(reference)
        return {
            row.lot: LotAward(
                row.lot,
                tuple(row.awarded_bidders),
                row.tie_decision,
                row.awarded_on,
                row.awarded_by,
                tuple(made.get(row.lot_id, ())),
            )
            for row in rows
        }

    def add_award(self, tender: Tender, lot: Lot, award: LotAward, *, at: datetime) -> None:
        self.session.execute(
            insert(t.tender_awards).values(
                tender_id=tender.id,
                lot_id=lot.id,
                awarded_bidders=list(award.awarded),
                tie_decision=award.tie_decision,
                awarded_on=award.awarded_on,
                awarded_at=at,
                awarded_by=award.awarded_by,
            )
        )

    def _tenders(self) -> Any:
        return select(t.tenders, t.vehicles.c.code.label("vehicle")).join(
            t.vehicles, t.vehicles.c.id == T.vehicle_id
        )


def _tender(row: Row[Any]) -> Tender:
    return Tender(
        code=row.code,
        name=row.name,
        vehicle=row.vehicle,
        model=model_from_data(row.model),
        abnormally_low_below=row.abnormally_low_below,
        created_at=row.created_at,
        created_by=row.created_by,
        id=row.id,
    )


def _bid(
    row: Row[Any], marks: dict[str, dict[str, int]], moderations: dict[str, Moderation]
) -> TenderBid:
    return TenderBid(
        lot=row.lot,
        bidder=row.bidder,
        hourly_rate=row.hourly_rate,
        provider=row.provider,
        gates={
            code: GateResult(bool(result["passed"]), str(result.get("reason", "")))
            for code, result in row.gates.items()
        },
        low_price_accepted=row.low_price_accepted,
        marks=marks,
        moderations=moderations,
        entered_at=row.entered_at,
        entered_by=row.entered_by,
        id=row.id,
    )


def _gates_data(gates: Mapping[str, GateResult]) -> dict[str, dict[str, Any]]:
    return {code: {"passed": r.passed, "reason": r.reason} for code, r in gates.items()}
