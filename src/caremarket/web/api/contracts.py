"""Terms and contracts: a vehicle's term and extension decisions; contracts awarded, varied
(rate uplifts, extension decisions) and ended early; the contract register. Commissioners
and administrators write; everyone reads, a provider only its own contracts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from caremarket.domain.access import MARKET_READERS, POLICY_SETTERS
from caremarket.domain.calendar import LONDON
from caremarket.domain.contracts import DEFAULT_PAYMENT_RULES, Obligations, Term
from caremarket.domain.market import Tier
from caremarket.services import contracts
from caremarket.services.accounts import Principal
from caremarket.services.contracts import ContractAward, ContractSummary, TermSummary
from caremarket.web.access import allow
from caremarket.web.deps import UowDep

router = APIRouter(tags=["contracts"])
Commissioner = Annotated[Principal, allow(*POLICY_SETTERS)]
Reader = Annotated[Principal, allow(*MARKET_READERS)]
Months = Annotated[int, Field(ge=1, le=600)]


class TermBody(BaseModel):
    starts_on: date
    initial_months: Months = Field(description="36 for three years.")
    extension_months: list[Months] = Field(
        default_factory=list, description="Each optional extension: [12, 12] for 3 + 1 + 1."
    )

    def as_term(self) -> Term:
        return Term(self.starts_on, self.initial_months, tuple(self.extension_months))


class ExtensionBody(BaseModel):
    option: int = Field(ge=1, description="The first extension is option 1.")
    taken: bool
    decided_on: date
    reason: str = Field(min_length=1, max_length=1000)


class ObligationsBody(BaseModel):
    accept_within_hours: Decimal = Field(gt=0, max_digits=6, decimal_places=2)
    ecm_compliance_percent: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    open_book: bool = False

    def as_obligations(self) -> Obligations:
        return Obligations(**self.model_dump())


class AwardBody(BaseModel):
    vehicle: str
    lot: str
    provider: str
    commissioner: str = Field(description="Whose local terms apply: one of the vehicle's.")
    rate_card: str = Field(description="The commissioner's rate card, by name.")
    term: TermBody
    awarded_on: date
    payment_rules: str = Field(DEFAULT_PAYMENT_RULES, min_length=1, max_length=200)
    obligations: ObligationsBody | None = Field(
        None,
        description="Default: accept within the sourcing policy's first window (24 hours"
        " without one), 95% ECM compliance, no open book.",
    )
    tier: Tier | None = Field(None, description="Admits a provider not yet in the lot.")
    tender_id: int | None = None
    reference: str | None = Field(None, max_length=64, description="Default: VEHICLE-LOT-n.")


class UpliftBody(BaseModel):
    percent: Decimal = Field(ge=0, max_digits=6, decimal_places=3)
    effective_from: date
    agreed_on: date
    reason: str = Field(min_length=1, max_length=1000)


class EndBody(BaseModel):
    on: date = Field(description="The contract's last day.")
    reason: str = Field(min_length=1, max_length=1000)


@router.get("/vehicles/{code}/term")
def vehicle_term(uow: UowDep, by: Reader, code: str) -> TermSummary | None:
    """The vehicle's term as things stand (null until set)."""
    return contracts.term_of(uow, code)


@router.put("/vehicles/{code}/term")
def set_vehicle_term(uow: UowDep, by: Commissioner, code: str, body: TermBody) -> TermSummary:
    return contracts.set_term(
        uow,
        code,
        starts_on=body.starts_on,
        initial_months=body.initial_months,
        extension_months=tuple(body.extension_months),
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post("/vehicles/{code}/extensions")
def decide_vehicle_extension(
    uow: UowDep, by: Commissioner, code: str, body: ExtensionBody
) -> TermSummary:
    """Take or decline the vehicle's next extension option."""
    return contracts.decide_vehicle_extension(
        uow,
        code,
        option=body.option,
        taken=body.taken,
        decided_on=body.decided_on,
        reason=body.reason,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.get("/contracts")
def contract_register(
    uow: UowDep,
    by: Reader,
    commissioner: str | None = None,
    provider: str | None = None,
    vehicle: str | None = None,
    expiring_before: date | None = None,
    on: date | None = None,
) -> list[ContractSummary]:
    """The register, with each contract's status on `on` (default today); a provider sees
    its own."""
    return contracts.contract_register(
        uow,
        viewer=by.actor,
        on=on or _today(),
        commissioner=commissioner,
        provider=provider,
        vehicle=vehicle,
        expiring_before=expiring_before,
    )


@router.get("/contracts/{contract}")
def read_contract(
    uow: UowDep, by: Reader, contract: str, on: date | None = None
) -> ContractSummary:
    return contracts.get_contract(uow, contract, viewer=by.actor, on=on or _today())


@router.post("/contracts", status_code=201)
def award_contract(uow: UowDep, by: Commissioner, body: AwardBody) -> ContractSummary:
    """Award a contract; a provider not in the lot is admitted at `tier`."""
    award = ContractAward(
        vehicle=body.vehicle,
        lot=body.lot,
        provider=body.provider,
        commissioner=body.commissioner,
        term=body.term.as_term(),
        rate_card=body.rate_card,
        awarded_on=body.awarded_on,
        payment_rules=body.payment_rules,
        obligations=body.obligations.as_obligations() if body.obligations else None,
        tier=body.tier,
        tender_id=body.tender_id,
        reference=body.reference,
    )
    return contracts.award_contract(uow, award, by=by.actor, now=datetime.now(UTC))


@router.post("/contracts/{contract}/uplifts")
def uplift_contract(
    uow: UowDep, by: Commissioner, contract: str, body: UpliftBody
) -> ContractSummary:
    """A rate uplift from a date within the contract's term (uplifts compound)."""
    return contracts.uplift_contract(
        uow,
        contract,
        percent=body.percent,
        effective_from=body.effective_from,
        agreed_on=body.agreed_on,
        reason=body.reason,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post("/contracts/{contract}/extensions")
def decide_contract_extension(
    uow: UowDep, by: Commissioner, contract: str, body: ExtensionBody
) -> ContractSummary:
    return contracts.decide_contract_extension(
        uow,
        contract,
        option=body.option,
        taken=body.taken,
        agreed_on=body.decided_on,
        reason=body.reason,
        by=by.actor,
        now=datetime.now(UTC),
    )


@router.post("/contracts/{contract}/end")
def end_contract(uow: UowDep, by: Commissioner, contract: str, body: EndBody) -> ContractSummary:
    """End the contract early: `on` is its last day."""
    return contracts.end_contract(
        uow, contract, on=body.on, reason=body.reason, by=by.actor, now=datetime.now(UTC)
    )


def _today() -> date:
    return datetime.now(LONDON).date()
