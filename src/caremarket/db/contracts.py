"""Keeping terms and contracts: a vehicle's term with its extension decisions, and contracts
with their variations, read back as domain values (a contract with its variations applied in
the order they were agreed, so a stored contract passes the domain's checks again)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.domain.contracts import (
    Contract,
    Extension,
    ExtensionDecision,
    Obligations,
    RateUplift,
    Term,
    Variation,
)
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Commissioner, Lot, Provider, Vehicle

VT = t.vehicle_terms.c
VX = t.vehicle_extensions.c
C = t.contracts.c
CV = t.contract_variations.c
UPLIFT, EXTENSION = "uplift", "extension"


class SqlTerms:
    """Each vehicle's term, and the decisions on its extension options."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, vehicle: Vehicle) -> Term | None:
        self.session.flush()
        row = self.session.execute(
            select(t.vehicle_terms).where(VT.vehicle_id == vehicle.id)
        ).one_or_none()
        if row is None:
            return None
        decisions = self.session.execute(
            select(t.vehicle_extensions).where(VX.vehicle_id == vehicle.id).order_by(VX.option)
        )
        return Term(
            row.starts_on,
            row.initial_months,
            tuple(row.extension_months),
            tuple(
                ExtensionDecision(d.option, d.taken, d.decided_on, d.decided_by, d.reason)
                for d in decisions
            ),
        )

    def set(self, vehicle: Vehicle, term: Term, *, at: datetime, by: str) -> None:
        """Keep the term's start and periods; its decisions are kept one by one (decide)."""
        self.session.flush()
        self.session.execute(delete(t.vehicle_terms).where(VT.vehicle_id == vehicle.id))
        self.session.execute(
            insert(t.vehicle_terms).values(
                vehicle_id=vehicle.id,
                starts_on=term.starts_on,
                initial_months=term.initial_months,
                extension_months=list(term.extension_months),
                set_at=at,
                set_by=by,
            )
        )

    def decide(self, vehicle: Vehicle, decision: ExtensionDecision) -> None:
        self.session.execute(
            insert(t.vehicle_extensions).values(
                vehicle_id=vehicle.id,
                option=decision.option,
                taken=decision.taken,
                decided_on=decision.decided_on,
                decided_by=decision.by,
                reason=decision.reason,
            )
        )


class SqlContracts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, contract: Contract, *, at: datetime, by: str) -> None:
        self.session.flush()  # the ids of the vehicle, lot, provider (a new member) ...
        term = contract.term
        contract.id = self.session.scalar(
            insert(t.contracts)
            .values(
                reference=contract.reference,
                commissioner_id=contract.commissioner.id,
                lot_id=contract.lot.id,
                provider_id=contract.provider.id,
                rate_card_id=self._rate_card_id(contract),
                payment_rules=contract.payment_rules,
                accept_within_hours=contract.obligations.accept_within_hours,
                ecm_compliance_percent=contract.obligations.ecm_compliance_percent,
                open_book=contract.obligations.open_book,
                starts_on=term.starts_on,
                initial_months=term.initial_months,
                extension_months=list(term.extension_months),
                awarded_on=contract.awarded_on,
                tender_id=contract.tender_id,
                ended_on=contract.ended_on,
                end_reason=contract.end_reason,
                created_at=at,
                created_by=by,
            )
            .returning(C.id)
        )
        for variation in contract.variations:
            self.add_variation(contract, variation, at=at)

    def add_variation(self, contract: Contract, variation: Variation, *, at: datetime) -> None:
        values: dict[str, Any] = {
            "contract_id": contract.id,
            "agreed_on": variation.agreed_on,
            "agreed_by": variation.by,
            "reason": variation.reason,
            "recorded_at": at,
        }
        if isinstance(variation, RateUplift):
            values |= {
                "kind": UPLIFT,
                "percent": variation.percent,
                "effective_from": variation.effective_from,
            }
        else:
            values |= {"kind": EXTENSION, "option": variation.option, "taken": variation.taken}
        self.session.execute(insert(t.contract_variations).values(**values))

    def record_end(self, contract: Contract) -> None:
        self.session.execute(
            update(t.contracts)
            .where(C.id == contract.id)
            .values(ended_on=contract.ended_on, end_reason=contract.end_reason)
        )

    def find(self, reference: str) -> Contract | None:
        found = self._read(select(t.contracts).where(C.reference == reference))
        return found[0] if found else None

    def get(self, reference: str) -> Contract:
        contract = self.find(reference)
        if contract is None:
            raise NotFound(f"there is no contract {reference}")
        return contract

    def search(
        self,
        *,
        commissioner: str | None = None,
        provider: str | None = None,
        provider_id: int | None = None,
        vehicle: str | None = None,
    ) -> list[Contract]:
        """Vehicle by vehicle, lot by lot, the earliest first."""
        query = (
            select(t.contracts)
            .join(t.lots, t.lots.c.id == C.lot_id)
            .join(t.vehicles, t.vehicles.c.id == t.lots.c.vehicle_id)
            .order_by(t.vehicles.c.code, t.lots.c.id, C.starts_on, C.id)
        )
        if commissioner is not None:
            query = query.join(t.commissioners, t.commissioners.c.id == C.commissioner_id).where(
                t.commissioners.c.code == commissioner
            )
        if provider is not None:
            query = query.join(t.providers, t.providers.c.id == C.provider_id).where(
                t.providers.c.name == provider
            )
        if provider_id is not None:
            query = query.where(C.provider_id == provider_id)
        if vehicle is not None:
            query = query.where(t.vehicles.c.code == vehicle)
        return self._read(query)

    def count_in_lot(self, lot: Lot) -> int:
        self.session.flush()
        return self.session.scalar(select(func.count()).where(C.lot_id == lot.id)) or 0

    def awarded(
        self, commissioner: Commissioner, lot: Lot, provider: Provider, starts_on: date
    ) -> str | None:
        """The reference of the same award made before, if any."""
        self.session.flush()
        return self.session.scalar(
            select(C.reference).where(
                C.commissioner_id == commissioner.id,
                C.lot_id == lot.id,
                C.provider_id == provider.id,
                C.starts_on == starts_on,
            )
        )

    def _rate_card_id(self, contract: Contract) -> int | None:
        if contract.rate_card is None:
            return None
        rc = t.rate_cards.c
        found = self.session.scalar(
            select(rc.id).where(
                rc.commissioner_id == contract.commissioner.id, rc.name == contract.rate_card
            )
        )
        if found is None:
            raise NotFound(f"{contract.commissioner.name} has no rate card {contract.rate_card}")
        return found

    def _read(self, query: Any) -> list[Contract]:
        self.session.flush()
        rows = self.session.execute(query).all()
        if not rows:
            return []
        lots = self._load(Lot, {r.lot_id for r in rows})
        providers = self._load(Provider, {r.provider_id for r in rows})
        commissioners = self._load(Commissioner, {r.commissioner_id for r in rows})
        vehicles = self._load(Vehicle, {lot.vehicle_id for lot in lots.values()})  # type: ignore[attr-defined]
        cards = dict(
            self.session.execute(
                select(t.rate_cards.c.id, t.rate_cards.c.name).where(
                    t.rate_cards.c.id.in_({r.rate_card_id for r in rows if r.rate_card_id})
                )
            ).all()
        )
        variations = self._variations([r.id for r in rows])
        contracts = []
        for row in rows:
            lot = lots[row.lot_id]
            contract = Contract(
                reference=row.reference,
                vehicle=vehicles[lot.vehicle_id],  # type: ignore[attr-defined]
                lot=lot,
                provider=providers[row.provider_id],
                commissioner=commissioners[row.commissioner_id],
                term=Term(row.starts_on, row.initial_months, tuple(row.extension_months)),
                rate_card=cards.get(row.rate_card_id),
                payment_rules=row.payment_rules,
                obligations=Obligations(
                    accept_within_hours=row.accept_within_hours,
                    ecm_compliance_percent=row.ecm_compliance_percent,
                    open_book=row.open_book,
                ),
                awarded_on=row.awarded_on,
                tender_id=row.tender_id,
                id=row.id,
            )
            for variation in variations.get(row.id, ()):
                contract.vary(variation)
            contract.ended_on, contract.end_reason = row.ended_on, row.end_reason
            contracts.append(contract)
        return contracts

    def _load(self, cls: type, ids: Iterable[int]) -> dict[int, Any]:
        found = self.session.scalars(select(cls).where(cls.id.in_(set(ids))))  # type: ignore[attr-defined]
        return {item.id: item for item in found}

    def _variations(self, contract_ids: Sequence[int]) -> dict[int, list[Variation]]:
        rows = self.session.execute(
            select(t.contract_variations)
            .where(CV.contract_id.in_(contract_ids))
            .order_by(CV.contract_id, CV.agreed_on, CV.id)
        )
        by_contract: dict[int, list[Variation]] = {}
        for row in rows:
            variation: Variation
            if row.kind == UPLIFT:
                variation = RateUplift(
                    row.percent, row.effective_from, row.agreed_on, row.agreed_by, row.reason
                )
            else:
                variation = Extension(
                    row.option, row.taken, row.agreed_on, row.agreed_by, row.reason
                )
            by_contract.setdefault(row.contract_id, []).append(variation)
        return by_contract
