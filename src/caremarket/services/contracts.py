"""Terms and contracts: a vehicle's term and the decisions on its extension options; awarding
a contract for a provider in a lot on one commissioner's local terms; varying it (rate
uplifts, extension decisions) and ending it early; and the contract register.

The domain (`domain/contracts.py`) decides; here each use case reads what it needs, records
the change in the audit trail and commits once. Another service that awards inside its own
unit of work (a tender's awards) calls `add_contract`, which neither opens nor commits, or
`contracts_for_award`, which makes the contracts a lot's award brings.

Defaults an award takes unless told otherwise (see `domain/contracts.py`): the payment rules
`DEFAULT_PAYMENT_RULES`; obligations to accept a package within the first window of the
sourcing policy that applies to the lot (the lot's own, else the commissioner's; 24 hours
where none is set), 95% of visits logged by electronic call monitoring, no open book.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from caremarket.domain import contracts as rules
from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.calendar import LONDON
from caremarket.domain.contracts import (
    DEFAULT_PAYMENT_RULES,
    Contract,
    ContractStatus,
    Extension,
    ExtensionDecision,
    InvalidAward,
    Obligations,
    RateCardOfAnotherCommissioner,
    RateUplift,
    Term,
    long_date,
)
from caremarket.domain.errors import Conflict, DomainError, NotFound
from caremarket.domain.market import Commissioner, Lot, Provider, Tier, Vehicle
from caremarket.domain.rates import RateCard
from caremarket.reports.tables import Column, Measure, Row, Table
from caremarket.services.ports import UnitOfWork

CONTRACT = "contract"
VEHICLE = "vehicle"


class ContractAlreadyAwarded(Conflict):
    pass


class NoTermSet(DomainError):
    """A vehicle's extension cannot be decided before its term is set."""


@dataclass(frozen=True)
class ContractAward:
    """What a contract is awarded with. `tier` admits a provider not yet in the lot;
    `obligations` None takes the defaults; `reference` None takes VEHICLE-LOT-n."""

    vehicle: str
    lot: str
    provider: str
    commissioner: str
    term: Term
    rate_card: str
    awarded_on: date
    payment_rules: str = DEFAULT_PAYMENT_RULES
    obligations: Obligations | None = None
    tier: Tier | None = None
    tender_id: int | None = None
    reference: str | None = None


@dataclass(frozen=True)
class AwardTerms:
    """The terms of the contracts a tender's award makes, where the commissioner gives them.
    `term` None: the vehicle's own term (the award must come before it starts); `rate_card`
    None: the commissioner's rate card with the latest rates."""

    term: Term | None = None
    rate_card: str | None = None
    payment_rules: str = DEFAULT_PAYMENT_RULES
    obligations: Obligations | None = None


@dataclass(frozen=True)
class TermSummary:
    vehicle: str
    description: str  # "3 + 1 + 1 years from 7 November 2016"
    starts_on: date
    initial_months: int
    extension_months: tuple[int, ...]
    ends_on: date  # as things stand
    latest_end: date
    next_option: int | None
    decide_by: date | None
    decisions: tuple[ExtensionDecision, ...]


@dataclass(frozen=True)
class VariationSummary:
    kind: str  # "uplift" or "extension"
    agreed_on: date
    by: str
    reason: str
    percent: Decimal | None = None
    effective_from: date | None = None
    option: int | None = None
    taken: bool | None = None

    @property
    def description(self) -> str:
        if self.kind == "uplift":
            assert self.percent is not None and self.effective_from is not None
            return f"Rates up {self.percent.normalize():f}% from {long_date(self.effective_from)}"
        return f"Extension option {self.option} {'taken' if self.taken else 'declined'}"


@dataclass(frozen=True)
class ContractSummary:
    """A contract as the register shows it, on the day `on`."""

    reference: str
    vehicle: str
    lot: str
    lot_name: str
    provider: str
    commissioner: str
    commissioner_name: str
    term: str
    starts_on: date
    ends_on: date  # as things stand: extensions taken, or the day it ended early
    latest_end: date
    next_option: int | None
    decide_by: date | None
    status: ContractStatus
    on: date
    uplift_percent: Decimal  # every uplift in effect on `on`, compounded
    rate_card: str | None
    payment_rules: str
    accept_within_hours: Decimal
    ecm_compliance_percent: Decimal
    open_book: bool
    awarded_on: date
    tender_id: int | None
    ended_on: date | None
    end_reason: str | None
    extension_months: tuple[int, ...]
    variations: tuple[VariationSummary, ...]


# a vehicle's term


def set_term(
    uow: UnitOfWork,
    vehicle: str,
    *,
    starts_on: date,
    initial_months: int,
    extension_months: Sequence[int] = (),
    by: Actor,
    now: datetime,
) -> TermSummary:
    """Set how long the vehicle runs; decisions already recorded must still fit it."""
    with uow:
        found = uow.vehicles.get(vehicle)
        before = uow.terms.find(found)
        term = Term(
            starts_on,
            initial_months,
            tuple(extension_months),
            before.decisions if before else (),
        )
        uow.terms.set(found, term, at=now, by=by.name)
        found.starts_on = starts_on
        uow.audit.record(
            entry(
                by,
                now,
                "term set",
                (VEHICLE, vehicle),
                {"before": before.describe() if before else None, "after": term.describe()},
            )
        )
        uow.commit()
        return _term_summary(vehicle, term)


def term_of(uow: UnitOfWork, vehicle: str) -> TermSummary | None:
    with uow:
        term = uow.terms.find(uow.vehicles.get(vehicle))
        return _term_summary(vehicle, term) if term else None


def rate_cards_of(uow: UnitOfWork, vehicle: str) -> list[str]:
    """The names of the rate cards of the vehicle's commissioners, for a contract to pay by."""
    with uow:
        owners = set(uow.vehicles.get(vehicle).commissioners)
        return sorted({c.name for c in uow.rate_cards.list() if c.commissioner in owners})


def decide_vehicle_extension(
    uow: UnitOfWork,
    vehicle: str,
    *,
    option: int,
    taken: bool,
    decided_on: date,
    reason: str,
    by: Actor,
    now: datetime,
) -> TermSummary:
    """Take or decline the vehicle's next extension option. Its contracts have terms of their
    own: each is varied by `vary_contract`."""
    with uow:
        found = uow.vehicles.get(vehicle)
        term = uow.terms.find(found)
        if term is None:
            raise NoTermSet(f"{vehicle} has no term yet: set its term first")
        decided = term.decide(option, taken=taken, on=decided_on, by=by.name, reason=reason.strip())
        uow.terms.decide(found, decided.decisions[-1])
        uow.audit.record(
            entry(
                by,
                now,
                "extension taken" if taken else "extension declined",
                (VEHICLE, vehicle),
                {
                    "option": option,
                    "decided_on": decided_on.isoformat(),
                    "ends_on": [term.ends_on.isoformat(), decided.ends_on.isoformat()],
                },
                reason=reason.strip(),
            )
        )
        uow.commit()
        return _term_summary(vehicle, decided)


# contracts


def award_contract(
    uow: UnitOfWork, award: ContractAward, *, by: Actor, now: datetime
) -> ContractSummary:
    """Award a contract, admitting the provider to the lot first if it is not in it yet."""
    with uow:
        contract = add_contract(uow, award, by=by, now=now)
        uow.commit()
        return summary_of(contract, on=_today(now))


def add_contract(uow: UnitOfWork, award: ContractAward, *, by: Actor, now: datetime) -> Contract:
    """Award a contract inside a unit of work already open, audited, without committing: for
    a service that commits the contract with something else (a tender's award)."""
    vehicle = uow.vehicles.get(award.vehicle)
    commissioner = uow.commissioners.get(award.commissioner)
    provider = uow.providers.get(award.provider)
    lot = vehicle.lot(award.lot)
    card = _rate_card(uow, commissioner, award.rate_card)
    obligations = award.obligations or rules.default_obligations(
        uow.sourcings.policy(commissioner, lot) or uow.sourcings.policy(commissioner)
    )
    same = uow.contracts.awarded(commissioner, lot, provider, award.term.starts_on)
    if same is not None:
        raise ContractAlreadyAwarded(
            f"{provider.name} already has contract {same} for lot {lot.code} from"
            f" {long_date(award.term.starts_on)} on {commissioner.name}'s terms"
        )
    reference = award.reference or (
        f"{vehicle.code}-{lot.code}-{uow.contracts.count_in_lot(lot) + 1}"
    )
    if uow.contracts.find(reference) is not None:
        raise ContractAlreadyAwarded(f"there is a contract {reference} already")
    contract, admitted = rules.award(
        reference=reference,
        vehicle=vehicle,
        vehicle_term=uow.terms.find(vehicle),
        lot=award.lot,
        provider=provider,
        commissioner=commissioner,
        term=award.term,
        rate_card=card,
        payment_rules=award.payment_rules,
        obligations=obligations,
        awarded_on=award.awarded_on,
        tier=award.tier,
        tender_id=award.tender_id,
    )
    uow.contracts.add(contract, at=now, by=by.name)
    uow.audit.record(
        entry(
            by,
            now,
            "contract awarded",
            (CONTRACT, reference),
            {
                "vehicle": vehicle.code,
                "lot": lot.code,
                "provider": provider.name,
                "commissioner": commissioner.code,
                "term": award.term.describe(),
                "rate_card": card.name,
                "payment_rules": contract.payment_rules,
                "accept_within_hours": str(obligations.accept_within_hours),
                "ecm_compliance_percent": str(obligations.ecm_compliance_percent),
                "open_book": obligations.open_book,
                "awarded_on": award.awarded_on.isoformat(),
                "tender_id": award.tender_id,
                "admitted_at_tier": admitted.tier.value if admitted else None,
            },
        )
    )
    return contract


def contracts_for_award(
    uow: UnitOfWork,
    vehicle: Vehicle,
    lot: Lot,
    providers: Sequence[Provider],
    terms: AwardTerms,
    *,
    awarded_on: date,
    tender_id: int | None,
    by: Actor,
    now: datetime,
) -> list[Contract]:
    """The contracts a lot's award makes, inside a unit of work already open: one for each
    awarded provider and each commissioner whose zones the lot covers (every commissioner of
    the vehicle where the lot names no zones), on that commissioner's terms."""
    term = terms.term or _vehicle_term_for_award(uow, vehicle, awarded_on)
    owners = {z.commissioner.code: z.commissioner for z in lot.zones} or {
        c.code: c for c in vehicle.commissioners
    }
    made = []
    for commissioner in sorted(owners.values(), key=lambda c: c.code):
        card = terms.rate_card or _latest_rate_card(uow, commissioner).name
        for provider in providers:
            award = ContractAward(
                vehicle=vehicle.code,
                lot=lot.code,
                provider=provider.name,
                commissioner=commissioner.code,
                term=term,
                rate_card=card,
                awarded_on=awarded_on,
                payment_rules=terms.payment_rules,
                obligations=terms.obligations,
                tender_id=tender_id,
            )
            made.append(add_contract(uow, award, by=by, now=now))
    return made


def uplift_contract(
    uow: UnitOfWork,
    reference: str,
    *,
    percent: Decimal,
    effective_from: date,
    agreed_on: date,
    reason: str,
    by: Actor,
    now: datetime,
) -> ContractSummary:
    """Raise the contract's rates by `percent` from `effective_from` (uplifts compound)."""
    variation = RateUplift(percent, effective_from, agreed_on, by.name, reason.strip())
    return _vary(uow, reference, variation, by=by, now=now, action="rate uplift agreed")


def decide_contract_extension(
    uow: UnitOfWork,
    reference: str,
    *,
    option: int,
    taken: bool,
    agreed_on: date,
    reason: str,
    by: Actor,
    now: datetime,
) -> ContractSummary:
    variation = Extension(option, taken, agreed_on, by.name, reason.strip())
    action = "extension taken" if taken else "extension declined"
    return _vary(uow, reference, variation, by=by, now=now, action=action)


def end_contract(
    uow: UnitOfWork, reference: str, *, on: date, reason: str, by: Actor, now: datetime
) -> ContractSummary:
    """End a contract early: `on` is its last day."""
    with uow:
        contract = uow.contracts.get(reference)
        before = contract.ends_on
        contract.end(on, reason=reason)
        uow.contracts.record_end(contract)
        uow.audit.record(
            entry(
                by,
                now,
                "contract ended early",
                (CONTRACT, reference),
                {"ends_on": [before.isoformat(), on.isoformat()]},
                reason=contract.end_reason,
            )
        )
        uow.commit()
        return summary_of(contract, on=_today(now))


def contracts_ending_with(uow: UnitOfWork, provider: Provider, on: date) -> list[Contract]:
    """The provider's contracts that a removal from `on` ends: those in force the day before
    (their last day); inside a unit of work already open."""
    last_day = on - timedelta(days=1)
    return [
        c
        for c in uow.contracts.search(provider_id=provider.id)
        if c.status_on(last_day) is ContractStatus.IN_FORCE
    ]


def end_contracts_with(
    uow: UnitOfWork, provider: Provider, *, on: date, reason: str, by: Actor, now: datetime
) -> list[str]:
    """End, the day before `on`, the provider's contracts in force then, audited, inside a
    unit of work already open (a removal commits them with the rest)."""
    ended = []
    for contract in contracts_ending_with(uow, provider, on):
        before = contract.ends_on
        contract.end(on - timedelta(days=1), reason=reason)
        uow.contracts.record_end(contract)
        uow.audit.record(
            entry(
                by,
                now,
                "contract ended early",
                (CONTRACT, contract.reference),
                {"ends_on": [before.isoformat(), contract.ends_on.isoformat()]},
                reason=contract.end_reason,
            )
        )
        ended.append(contract.reference)
    return ended


def get_contract(uow: UnitOfWork, reference: str, *, viewer: Actor, on: date) -> ContractSummary:
    """One contract; another provider's does not exist for a provider (NotFound)."""
    with uow:
        contract = uow.contracts.get(reference)
        if viewer.role is Role.PROVIDER and contract.provider.id != viewer.provider_id:
            raise NotFound(f"there is no contract {reference}")
        return summary_of(contract, on=on)


def contract_register(
    uow: UnitOfWork,
    *,
    viewer: Actor,
    on: date,
    commissioner: str | None = None,
    provider: str | None = None,
    vehicle: str | None = None,
    expiring_before: date | None = None,
) -> list[ContractSummary]:
    """Contracts vehicle by vehicle and lot by lot, with their status on `on`; a provider sees
    its own. `expiring_before`: those not yet over on `on` whose end, as things stand, comes
    before that date."""
    own = None
    if viewer.role is Role.PROVIDER:
        if viewer.provider_id is None:
            raise NotFound("the provider this account acts for no longer exists")
        own = viewer.provider_id
    with uow:
        found = uow.contracts.search(
            commissioner=commissioner, provider=provider, provider_id=own, vehicle=vehicle
        )
        if expiring_before is not None:
            found = [
                c
                for c in found
                if c.ends_on < expiring_before
                and c.status_on(on) in (ContractStatus.IN_FORCE, ContractStatus.NOT_STARTED)
            ]
        return [summary_of(c, on=on) for c in found]


REGISTER_COLUMNS = (
    "Reference",
    "Provider",
    "Vehicle",
    "Lot",
    "Commissioner",
    "Starts",
    "Ends",
    "Next extension",
    "Decide by",
    "Latest end",
    "Status",
    "Uplift in force",
)


def register_table(rows: Sequence[ContractSummary], *, on: date, whose: str) -> Table:
    """The register as a report table, for CSV and the command line (dates as ISO text)."""
    return Table(
        title="Contract register",
        commissioner=whose,
        on=on,
        columns=tuple(Column(heading, Measure.LABEL) for heading in REGISTER_COLUMNS),
        rows=tuple(Row(register_cells(r)) for r in rows),
    )


def register_cells(row: ContractSummary) -> tuple[str, ...]:
    return (
        row.reference,
        row.provider,
        row.vehicle,
        row.lot,
        row.commissioner,
        row.starts_on.isoformat(),
        row.ends_on.isoformat(),
        f"option {row.next_option}" if row.next_option else "",
        row.decide_by.isoformat() if row.decide_by else "",
        row.latest_end.isoformat(),
        row.status.value,
        percent_text(row.uplift_percent),
    )


def percent_text(percent: Decimal) -> str:
    """An uplift as people read it: '5.58%' (to two places, half-up), '0%'."""
    shown = percent.quantize(Decimal("0.01")).normalize()
    return f"{shown:f}%"


def summary_of(contract: Contract, *, on: date) -> ContractSummary:
    due = contract.next_decision
    return ContractSummary(
        reference=contract.reference,
        vehicle=contract.vehicle.code,
        lot=contract.lot.code,
        lot_name=contract.lot.name,
        provider=contract.provider.name,
        commissioner=contract.commissioner.code,
        commissioner_name=contract.commissioner.name,
        term=contract.term.describe(),
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        latest_end=contract.latest_end,
        next_option=due.option if due else None,
        decide_by=due.decide_by if due else None,
        status=contract.status_on(on),
        on=on,
        uplift_percent=_plain(contract.uplift_percent_on(on)),
        rate_card=contract.rate_card,
        payment_rules=contract.payment_rules,
        accept_within_hours=_plain(contract.obligations.accept_within_hours),
        ecm_compliance_percent=_plain(contract.obligations.ecm_compliance_percent),
        open_book=contract.obligations.open_book,
        awarded_on=contract.awarded_on,
        tender_id=contract.tender_id,
        ended_on=contract.ended_on,
        end_reason=contract.end_reason,
        extension_months=contract.term.extension_months,
        variations=tuple(_variation(v) for v in contract.variations),
    )


def _vary(
    uow: UnitOfWork,
    reference: str,
    variation: RateUplift | Extension,
    *,
    by: Actor,
    now: datetime,
    action: str,
) -> ContractSummary:
    with uow:
        contract = uow.contracts.get(reference)
        before = contract.ends_on
        contract.vary(variation)
        uow.contracts.add_variation(contract, variation, at=now)
        summary = _variation(variation)
        changes: dict[str, object] = {"variation": summary.description}
        if isinstance(variation, Extension):
            changes["ends_on"] = [before.isoformat(), contract.ends_on.isoformat()]
        uow.audit.record(
            entry(by, now, action, (CONTRACT, reference), changes, reason=variation.reason)
        )
        uow.commit()
        return summary_of(contract, on=_today(now))


def _plain(value: Decimal) -> Decimal:
    """Without trailing zeros or an exponent: 3.5 for 3.500, 100 for 1E+2."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def _vehicle_term_for_award(uow: UnitOfWork, vehicle: Vehicle, awarded_on: date) -> Term:
    """The vehicle's term for contracts awarded before it starts (extensions still open)."""
    term = uow.terms.find(vehicle)
    if term is None:
        raise InvalidAward(
            f"vehicle {vehicle.code} has no term: set it (Market, Contracts) or give the"
            " contracts' term with the award"
        )
    if awarded_on > term.starts_on:
        raise InvalidAward(
            f"vehicle {vehicle.code}'s term began on {long_date(term.starts_on)}, before this"
            f" award ({long_date(awarded_on)}): give the contracts' term with the award"
        )
    return Term(term.starts_on, term.initial_months, term.extension_months)


def _latest_rate_card(uow: UnitOfWork, commissioner: Commissioner) -> RateCard:
    """The commissioner's card whose newest rate takes effect last (by name where equal)."""
    cards = [c for c in uow.rate_cards.list() if c.commissioner is commissioner]
    if not cards:
        raise InvalidAward(
            f"{commissioner.name} has no rate card: add one before contracts are awarded"
        )
    return max(
        cards, key=lambda c: (max((ln.effective_from for ln in c.lines), default=date.min), c.name)
    )


def _rate_card(uow: UnitOfWork, commissioner: Commissioner, name: str) -> RateCard:
    card = uow.rate_cards.find(commissioner, name)
    if card is not None:
        return card
    others = [c for c in uow.rate_cards.list(name=name) if c.commissioner is not commissioner]
    if others:
        raise RateCardOfAnotherCommissioner(
            f"rate card {name} is {others[0].commissioner.name}'s: a contract on"
            f" {commissioner.name}'s terms pays by one of its own rate cards"
        )
    raise InvalidAward(f"{commissioner.name} has no rate card {name!r}")


def _variation(variation: RateUplift | Extension) -> VariationSummary:
    if isinstance(variation, RateUplift):
        return VariationSummary(
            "uplift",
            variation.agreed_on,
            variation.by,
            variation.reason,
            percent=_plain(variation.percent),
            effective_from=variation.effective_from,
        )
    return VariationSummary(
        "extension",
        variation.agreed_on,
        variation.by,
        variation.reason,
        option=variation.option,
        taken=variation.taken,
    )


def _term_summary(vehicle: str, term: Term) -> TermSummary:
    due = term.next_decision
    return TermSummary(
        vehicle=vehicle,
        description=term.describe(),
        starts_on=term.starts_on,
        initial_months=term.initial_months,
        extension_months=term.extension_months,
        ends_on=term.ends_on,
        latest_end=term.latest_end,
        next_option=due.option if due else None,
        decide_by=due.decide_by if due else None,
        decisions=term.decisions,
    )
