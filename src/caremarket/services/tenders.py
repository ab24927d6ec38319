"""Tenders in the database: a vehicle's tender under an evaluation model, the bids for its
lots, each evaluator's marks, the moderated marks, gates and low prices accepted; and the
award, which admits the awarded bidders to the lot. Reading them, and evaluating a lot over
what is stored, is services/tender_views.py.

`domain/evaluation.py` scores and ranks, `domain/tenders.py` says what may be entered and how
a lot is awarded; each use case here reads what it needs, records an audit entry and commits
once. Once a lot is awarded, its bids, marks and gates are frozen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from caremarket.domain import tenders as rules
from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.calendar import LONDON
from caremarket.domain.errors import Conflict, NotFound
from caremarket.domain.evaluation import (
    Bid,
    EvaluationModel,
    GateResult,
    TenderLot,
    model_to_data,
)
from caremarket.domain.market import Lot, Provider, Tier, Vehicle
from caremarket.domain.tenders import (
    InvalidTenderEntry,
    LotAward,
    Moderation,
    Tender,
    TenderBid,
    TenderNotImported,
)
from caremarket.services.contracts import AwardTerms, contracts_for_award
from caremarket.services.ports import UnitOfWork
from caremarket.services.tender_views import (
    BidSummary,
    TenderSummary,
    bid_summary,
    evaluated,
    lot_of,
    summary_of,
)
from caremarket.tenders.file import InvalidTenderFile, parse_tender

TENDER = "tender"
VEHICLE_TERMS = AwardTerms()  # contracts on the vehicle's term and the latest rate card
PENNY = Decimal("0.01")
CODE_LENGTH = 32  # as the tables keep codes
NAME_LENGTH = 200  # as they keep names (evaluators' up to 254)


class TenderCodeTaken(Conflict):
    pass


class BidAlreadyEntered(Conflict):
    pass


# --- creating and importing ---------------------------------------------------------------


def create_tender(
    uow: UnitOfWork,
    vehicle: str,
    *,
    code: str,
    name: str,
    model: EvaluationModel,
    abnormally_low_below: Decimal | None = None,
    by: Actor,
    now: datetime,
) -> TenderSummary:
    """A tender for the vehicle's lots under `model`; bids are entered lot by lot after."""
    code, name = code.strip(), name.strip()
    if problems := _tender_problems(code, name, model):
        raise InvalidTenderEntry("; ".join(problems))
    _check_threshold(abnormally_low_below)
    with uow:
        found = uow.vehicles.get(vehicle)
        if uow.tenders.find(code) is not None:
            raise TenderCodeTaken(f"there is a tender {code} already")
        tender = uow.tenders.add(
            Tender(code, name, found.code, model, abnormally_low_below, now, by.name), found
        )
        uow.audit.record(
            entry(
                by,
                now,
                "tender created",
                (TENDER, code),
                {
                    "vehicle": found.code,
                    "name": name,
                    "model": model_to_data(model),
                    "abnormally_low_below": _text(abnormally_low_below),
                },
            )
        )
        uow.commit()
        return summary_of(uow, tender, found)


def import_tender(
    uow: UnitOfWork,
    text: str,
    *,
    vehicle: str,
    code: str | None = None,
    source: str = "the tender file",
    by: Actor,
    now: datetime,
) -> TenderSummary:
    """A tender file (docs/evaluation.md) for the vehicle: its model, bids, evaluators' and
    moderated marks, gates and low prices accepted. Every problem is reported together
    (TenderNotImported) and nothing written unless all is valid. The lots are the vehicle's,
    matched by code; their places (min and max providers) must be the file's. A bidder is
    linked to the known provider of the same name, if there is one. The tender's code is
    `code`, or else the model's."""
    try:
        read = parse_tender(text, source=source)
    except InvalidTenderFile as error:
        raise TenderNotImported([str(error)]) from None
    code = (code or read.model.code).strip()
    with uow:
        found = uow.vehicles.get(vehicle)
        problems = _tender_problems(code, read.name, read.model)
        if uow.tenders.find(code) is not None:
            problems.append(f"there is a tender {code} already: import it under another --code")
        lots: list[tuple[Lot, Sequence[Bid]]] = []
        codes = [tender_lot.code for tender_lot, _ in read.lots]
        problems += [
            f"lot {c}: the file has it more than once; give each lot's bids under one [[lots]]"
            for c in sorted({c for c in codes if codes.count(c) > 1})
        ]
        for tender_lot, bids in read.lots:
            lot = next((lot for lot in found.lots if lot.code == tender_lot.code), None)
            if lot is None:
                known = ", ".join(lot.code for lot in found.lots) or "none"
                problems.append(
                    f"lot {tender_lot.code}: vehicle {found.code} has no such lot"
                    f" (its lots: {known})"
                )
                continue
            problems += _places_problems(tender_lot, TenderLot.of(lot), found.code)
            bidders = [bid.bidder for bid in bids]
            problems += [
                f"lot {lot.code}: one bid per bidder; {b} has more than one"
                for b in sorted({b for b in bidders if bidders.count(b) > 1})
            ]
            for bid in bids:
                problems += _bid_problems(read.model, lot.code, bid)
            lots.append((lot, bids))
        if problems:
            raise TenderNotImported(problems)
        tender = uow.tenders.add(
            Tender(
                code, read.name, found.code, read.model, read.abnormally_low_below, now, by.name
            ),
            found,
        )
        note = f"as agreed in {source}"
        for lot, bids in lots:
            for bid in bids:
                _write_imported_bid(uow, tender, lot, bid, note=note, by=by, now=now)
        uow.audit.record(
            entry(
                by,
                now,
                "tender imported",
                (TENDER, code),
                {
                    "vehicle": found.code,
                    "source": source,
                    "model": model_to_data(read.model),
                    "abnormally_low_below": _text(read.abnormally_low_below),
                    "bids": {lot.code: [b.bidder for b in bids] for lot, bids in lots},
                },
            )
        )
        uow.commit()
        return summary_of(uow, tender, found)


# --- entering bids, marks, gates ----------------------------------------------------------


def enter_bid(
    uow: UnitOfWork,
    tender: str,
    lot: str,
    *,
    bidder: str,
    hourly_rate: Decimal,
    provider: str | None = None,
    by: Actor,
    now: datetime,
) -> BidSummary:
    """A bid for one of the tender's lots; `provider` links it to a known provider by name."""
    bidder = bidder.strip()
    Bid(bidder, hourly_rate)  # a name, and a positive rate
    if len(bidder) > NAME_LENGTH:
        raise InvalidTenderEntry(f"a bidder's name is at most {NAME_LENGTH} characters")
    if hourly_rate != hourly_rate.quantize(PENNY):
        raise InvalidTenderEntry(f"{bidder}: the hourly rate must be in pounds and pence")
    with uow:
        found, vehicle, place = _open_lot(uow, tender, lot)
        linked = _provider(uow, provider)
        if uow.tenders.find_bid(found, place, bidder) is not None:
            raise BidAlreadyEntered(f"lot {lot} of tender {tender} has a bid from {bidder} already")
        bid = TenderBid(place.code, bidder, hourly_rate, entered_at=now, entered_by=by.name)
        uow.tenders.add_bid(found, place, bid, provider=linked)
        _audit(
            uow,
            by,
            now,
            "bid entered",
            found,
            lot,
            bidder,
            {"hourly_rate": str(hourly_rate), "provider": provider},
        )
        uow.commit()
        return bid_summary(_bid(uow, found, place, bidder), found)


def record_mark(
    uow: UnitOfWork,
    tender: str,
    lot: str,
    bidder: str,
    *,
    criterion: str,
    evaluator: str,
    mark: int,
    by: Actor,
    now: datetime,
) -> BidSummary:
    """One evaluator's own mark for a marks criterion; a mark given again replaces theirs."""
    evaluator = evaluator.strip()
    if not evaluator or len(evaluator) > NAME_LENGTH:
        raise InvalidTenderEntry(
            f"say which evaluator gave the mark, in {NAME_LENGTH} characters at most"
        )
    with uow:
        found, _, place = _open_lot(uow, tender, lot)
        rules.check_mark(found.model, criterion, mark, who=evaluator)
        bid = _bid(uow, found, place, bidder)
        before = bid.marks.get(criterion, {}).get(evaluator)
        uow.tenders.set_mark(bid, criterion, evaluator, mark, at=now)
        _audit(
            uow,
            by,
            now,
            "mark recorded",
            found,
            lot,
            bidder,
            {"criterion": criterion, "evaluator": evaluator, "mark": [before, mark]},
        )
        uow.commit()
        return bid_summary(_bid(uow, found, place, bidder), found)


def agree_mark(
    uow: UnitOfWork,
    tender: str,
    lot: str,
    bidder: str,
    *,
    criterion: str,
    mark: int,
    note: str,
    by: Actor,
    now: datetime,
) -> BidSummary:
    """The moderated mark the evaluators agreed, with a note of how: it is the one scored."""
    note = note.strip()
    if not note:
        raise InvalidTenderEntry("say how the moderated mark was agreed, in a note")
    with uow:
        found, _, place = _open_lot(uow, tender, lot)
        rules.check_mark(found.model, criterion, mark, who="the moderated mark")
        bid = _bid(uow, found, place, bidder)
        before = bid.moderations.get(criterion)
        uow.tenders.set_moderation(bid, criterion, Moderation(mark, note, by.name, now))
        _audit(
            uow,
            by,
            now,
            "mark moderated",
            found,
            lot,
            bidder,
            {
                "criterion": criterion,
                "mark": [None if before is None else before.mark, mark],
                "evaluators": bid.marks.get(criterion, {}),
            },
            reason=note,
        )
        uow.commit()
        return bid_summary(_bid(uow, found, place, bidder), found)


def record_gate(
    uow: UnitOfWork,
    tender: str,
    lot: str,
    bidder: str,
    *,
    criterion: str,
    passed: bool,
    reason: str = "",
    by: Actor,
    now: datetime,
) -> BidSummary:
    """A pass/fail gate's result; a fail needs its reason."""
    result = GateResult(passed, reason.strip())
    with uow:
        found, _, place = _open_lot(uow, tender, lot)
        rules.gate_criterion(found.model, criterion)
        bid = _bid(uow, found, place, bidder)
        uow.tenders.set_gates(bid, {**bid.gates, criterion: result})
        _audit(
            uow,
            by,
            now,
            "gate recorded",
            found,
            lot,
            bidder,
            {"criterion": criterion, "passed": passed},
            reason=result.reason or None,
        )
        uow.commit()
        return bid_summary(_bid(uow, found, place, bidder), found)


def accept_low_price(
    uow: UnitOfWork,
    tender: str,
    lot: str,
    bidder: str,
    *,
    reason: str,
    by: Actor,
    now: datetime,
) -> BidSummary:
    """The bidder explained a price below the abnormally low threshold and it was accepted:
    the bid is scored like any other."""
    reason = reason.strip()
    if not reason:
        raise InvalidTenderEntry("say why the low price was accepted")
    with uow:
        found, _, place = _open_lot(uow, tender, lot)
        bid = _bid(uow, found, place, bidder)
        rules.check_low_price(bid.hourly_rate, found.abnormally_low_below, bidder)
        uow.tenders.accept_low_price(bid, reason)
        _audit(
            uow,
            by,
            now,
            "low price accepted",
            found,
            lot,
            bidder,
            {"hourly_rate": str(bid.hourly_rate)},
            reason=reason,
        )
        uow.commit()
        return bid_summary(_bid(uow, found, place, bidder), found)


# --- evaluating and awarding --------------------------------------------------------------


def award_lot(
    uow: UnitOfWork,
    tender: str,
    lot: str,
    *,
    tier: Tier = Tier.APPROVED,
    tie_winners: Sequence[str] = (),
    reason: str | None = None,
    terms: AwardTerms = VEHICLE_TERMS,
    by: Actor,
    now: datetime,
) -> LotAward:
    """Award the lot as its evaluation says, the commissioner naming which of any bidders
    tied at the cut-off take the places left, and why; admit each awarded bidder (a provider
    caremarket knows) to the lot at `tier`, with a contract on each covering commissioner's
    terms (`terms`; by default the vehicle's term and the commissioner's latest rate card).
    The lot's bids, marks and gates are then frozen. All of it, or nothing."""
    with uow:
        found, vehicle, place = _open_lot(uow, tender, lot)
        evaluation = evaluated(uow, found, place)
        awarded, decision = rules.decide_award(evaluation, tie_winners=tie_winners, reason=reason)
        providers = _awarded_providers(uow, found, place, awarded)
        on = now.astimezone(LONDON).date()
        for provider in providers:
            place.admit(provider, tier, joined_on=on)
        award = LotAward(place.code, awarded, decision, on, by.name)
        uow.tenders.add_award(found, place, award, at=now)
        made = contracts_for_award(
            uow,
            vehicle,
            place,
            providers,
            terms,
            awarded_on=on,
            tender_id=found.id,
            by=by,
            now=now,
        )
        award = replace(award, contracts=tuple(c.reference for c in made))
        _audit(
            uow,
            by,
            now,
            "lot awarded",
            found,
            lot,
            None,
            {
                "awarded": list(awarded),
                "tier": tier.value,
                "tied_at_cut_off": list(evaluation.tied_at_cut_off),
                "contracts": [c.reference for c in made],
            },
            reason=decision,
        )
        uow.commit()
        return award


# --- helpers ------------------------------------------------------------------------------


def _open_lot(uow: UnitOfWork, tender: str, lot: str) -> tuple[Tender, Vehicle, Lot]:
    """The tender, its vehicle and the lot, refused if the lot is awarded (frozen)."""
    found = uow.tenders.get(tender)
    vehicle = uow.vehicles.get(found.vehicle)
    place = lot_of(vehicle, found, lot)
    rules.check_open(place.code, uow.tenders.awards(found).get(place.code))
    return found, vehicle, place


def _bid(uow: UnitOfWork, tender: Tender, lot: Lot, bidder: str) -> TenderBid:
    bid = uow.tenders.find_bid(tender, lot, bidder)
    if bid is None:
        raise NotFound(f"lot {lot.code} of tender {tender.code} has no bid from {bidder}")
    return bid


def _provider(uow: UnitOfWork, name: str | None) -> Provider | None:
    if name is None or not name.strip():
        return None
    provider = uow.providers.find(name.strip())
    if provider is None:
        raise InvalidTenderEntry(f"caremarket knows no provider named {name.strip()}")
    return provider


def _awarded_providers(
    uow: UnitOfWork, tender: Tender, lot: Lot, awarded: Sequence[str]
) -> list[Provider]:
    """The providers the awarded bidders are: the one a bid is linked to, or else the known
    provider of the bidder's name. Refused, naming every stranger, if any is not known."""
    linked = {bid.bidder: bid.provider for bid in uow.tenders.bids(tender, lot)}
    providers, strangers = [], []
    for bidder in awarded:
        provider = uow.providers.find(linked.get(bidder) or bidder)
        if provider is None:
            strangers.append(bidder)
        else:
            providers.append(provider)
    if strangers:
        raise rules.LotNotAwardable(
            f"lot {lot.code}: {', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'}"
            " not a provider caremarket knows; add the provider (or link the bid to one)"
            " before the lot is awarded"
        )
    return providers


def _write_imported_bid(
    uow: UnitOfWork, tender: Tender, lot: Lot, bid: Bid, *, note: str, by: Actor, now: datetime
) -> None:
    entered = TenderBid(
        lot.code,
        bid.bidder,
        bid.hourly_rate,
        gates=bid.gates,
        low_price_accepted=bid.low_price_accepted,
        entered_at=now,
        entered_by=by.name,
    )
    bid_id = uow.tenders.add_bid(tender, lot, entered, provider=uow.providers.find(bid.bidder))
    stored = replace(entered, id=bid_id)
    for criterion, marks in bid.marks.items():
        for evaluator, mark in marks.by_evaluator.items():
            uow.tenders.set_mark(stored, criterion, evaluator, mark, at=now)
        if marks.moderated is not None:
            uow.tenders.set_moderation(
                stored, criterion, Moderation(marks.moderated, note, by.name, now)
            )


def _places_problems(given: TenderLot, lot: TenderLot, vehicle: str) -> list[str]:
    if (given.min_providers, given.max_providers) == (lot.min_providers, lot.max_providers):
        return []
    return [
        f"lot {lot.code}: the file says it takes {_places(given)} providers; vehicle {vehicle}'s"
        f" lot {lot.code} takes {_places(lot)} — the vehicle's lot decides, so correct the file"
    ]


def _places(lot: TenderLot) -> str:
    return (
        f"{lot.min_providers} to {'any number' if lot.max_providers is None else lot.max_providers}"
    )


def _tender_problems(code: str, name: str, model: EvaluationModel) -> list[str]:
    """What the tables cannot keep: names longer than their columns."""
    problems = []
    if not code or len(code) > CODE_LENGTH:
        problems.append(f"a tender's code is 1 to {CODE_LENGTH} characters, not {code!r}")
    if not name or len(name) > NAME_LENGTH:
        problems.append(f"a tender's name is 1 to {NAME_LENGTH} characters")
    problems += [
        f"criterion {c.code!r}: a criterion's code is at most {CODE_LENGTH} characters"
        for c in model.criteria
        if len(c.code) > CODE_LENGTH
    ]
    return problems


def _bid_problems(model: EvaluationModel, lot: str, bid: Bid) -> list[str]:
    problems = []
    if len(bid.bidder) > NAME_LENGTH:
        problems.append(f"lot {lot}: a bidder's name is at most {NAME_LENGTH} characters")
    for evaluator in {who for marks in bid.marks.values() for who in marks.by_evaluator}:
        if len(evaluator) > NAME_LENGTH:
            problems.append(f"lot {lot}, {bid.bidder}: an evaluator's name is too long")
    for criterion, marks in bid.marks.items():
        given = dict(marks.by_evaluator)
        if marks.moderated is not None:
            given["the moderated mark"] = marks.moderated
        for who, mark in given.items():
            try:
                rules.check_mark(model, criterion, mark, who=who)
            except InvalidTenderEntry as error:
                problems.append(f"lot {lot}, {bid.bidder}: {error}")
                break
    for criterion in bid.gates:
        try:
            rules.gate_criterion(model, criterion)
        except InvalidTenderEntry as error:
            problems.append(f"lot {lot}, {bid.bidder}: {error}")
    return problems


def _check_threshold(amount: Decimal | None) -> None:
    if amount is not None and (
        not amount.is_finite() or amount <= 0 or amount != amount.quantize(PENNY)
    ):
        raise InvalidTenderEntry(
            "the abnormally low threshold is an hourly rate in pounds and pence, above £0"
        )


def _audit(
    uow: UnitOfWork,
    by: Actor,
    now: datetime,
    action: str,
    tender: Tender,
    lot: str,
    bidder: str | None,
    changes: dict[str, Any],
    reason: str | None = None,
) -> None:
    where = {"lot": lot} | ({"bidder": bidder} if bidder is not None else {})
    uow.audit.record(entry(by, now, action, (TENDER, tender.code), where | changes, reason))


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)
