"""Read a tender evaluation from a TOML file (docs/evaluation.md): the model, the lots, the bids.

Standard library and the domain only, so it is tested without a database. Every error names
where it is: the file, then the criterion or the lot, the bidder and the field.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from caremarket.domain.errors import DomainError
from caremarket.domain.evaluation import (
    Bid,
    Criterion,
    EvaluationModel,
    GateResult,
    Kind,
    LotEvaluation,
    Marks,
    PriceBand,
    TenderLot,
    evaluate_tender,
)
from caremarket.domain.money import parse_money


class InvalidTenderFile(ValueError):
    """The file cannot be read as a tender evaluation; the message says where and why."""


@dataclass(frozen=True)
class TenderEvaluation:
    """A tender as its file gives it, ready to evaluate."""

    name: str
    commissioner: str
    evaluated_on: date | None
    model: EvaluationModel
    abnormally_low_below: Decimal | None
    lots: tuple[tuple[TenderLot, tuple[Bid, ...]], ...]

    def evaluate(self) -> tuple[LotEvaluation, ...]:
        return evaluate_tender(
            self.model, self.lots, abnormally_low_below=self.abnormally_low_below
        )


def read_tender(path: Path) -> TenderEvaluation:
    """The tender in the TOML file at ``path``; refused with the place and reason if malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidTenderFile(f"cannot read {path}: {error.strerror or error}") from None
    return parse_tender(text, source=path.name)


def parse_tender(text: str, *, source: str = "the tender file") -> TenderEvaluation:
    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise InvalidTenderFile(f"{source} is not valid TOML: {error}") from None
    return _Reader(source).tender(document)


_TENDER_KEYS = {"name", "commissioner", "evaluated_on", "abnormally_low_below"}
_CRITERION_KEYS = {"code", "name", "kind", "weight", "scale", "band"}
_LOT_KEYS = {"code", "name", "min_providers", "max_providers", "bids"}
_BID_KEYS = {"bidder", "hourly_rate", "gates", "marks", "low_price_accepted"}
_MARKS_KEYS = {"moderated", "evaluators"}


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def tender(self, document: Mapping[str, Any]) -> TenderEvaluation:
        _only(document, {"tender", "model", "lots"}, self._refuse, "")
        tender = self._table(document, "tender", "")
        _only(tender, _TENDER_KEYS, self._refuse, "[tender]")
        evaluated_on = tender.get("evaluated_on")
        if evaluated_on is not None and not (
            isinstance(evaluated_on, date) and not hasattr(evaluated_on, "hour")
        ):
            self._refuse("[tender] evaluated_on", "must be a date such as 2027-03-01")
        low = tender.get("abnormally_low_below")
        lots_raw = document.get("lots")
        if not isinstance(lots_raw, list) or not lots_raw:
            self._refuse("", "needs at least one [[lots]]")
        model = self.model(self._table(document, "model", ""))
        return TenderEvaluation(
            name=self._text(tender, "name", "[tender]"),
            commissioner=self._text(tender, "commissioner", "[tender]"),
            evaluated_on=evaluated_on,
            model=model,
            abnormally_low_below=(
                None if low is None else self._money(low, "[tender] abnormally_low_below")
            ),
            lots=tuple(self.lot(raw, i) for i, raw in enumerate(lots_raw, start=1)),
        )

    def model(self, raw: Mapping[str, Any]) -> EvaluationModel:
        _only(raw, {"code", "name", "criteria"}, self._refuse, "[model]")
        criteria = raw.get("criteria")
        if not isinstance(criteria, list) or not criteria:
            self._refuse("[model]", "needs its [[model.criteria]]")
        code = self._text(raw, "code", "[model]")
        built = tuple(self.criterion(c, i) for i, c in enumerate(criteria, start=1))
        try:
            return EvaluationModel(code, self._text(raw, "name", "[model]"), built)
        except DomainError as error:
            self._refuse("", str(error))  # it names the model

    def criterion(self, raw: Any, number: int) -> Criterion:
        where = f"criterion {number}"
        if not isinstance(raw, Mapping):
            self._refuse(where, "must be a table")
        code = self._text(raw, "code", where)
        where = f"criterion {code!r}"
        _only(raw, _CRITERION_KEYS, self._refuse, where)
        kind_text = self._text(raw, "kind", where)
        try:
            kind = Kind(kind_text)
        except ValueError:
            kinds = ", ".join(k.value for k in Kind)
            self._refuse(f"{where}, kind", f"{kind_text!r} is not one of {kinds}")
        band = raw.get("band")
        if band is not None:
            if not isinstance(band, Mapping):
                self._refuse(
                    f"{where}, band", "must be a table: { floor = 22.00, ceiling = 25.00 }"
                )
            _only(band, {"floor", "ceiling"}, self._refuse, f"{where}, band")
            floor = self._money(band.get("floor"), f"{where}, band floor")
            ceiling = self._money(band.get("ceiling"), f"{where}, band ceiling")
        try:
            return Criterion(
                code,
                raw.get("name", code),
                kind,
                self._whole(raw.get("weight", 0), f"{where}, weight"),
                scale=(
                    None
                    if raw.get("scale") is None
                    else self._whole(raw["scale"], f"{where}, scale")
                ),
                band=None if band is None else PriceBand(floor, ceiling),
            )
        except DomainError as error:
            named = str(error).startswith("criterion ")
            self._refuse("" if named else where, str(error))

    def lot(self, raw: Any, number: int) -> tuple[TenderLot, tuple[Bid, ...]]:
        where = f"lot {number}"
        if not isinstance(raw, Mapping):
            self._refuse(where, "must be a table")
        code = self._text(raw, "code", where)
        where = f"lot {code}"
        _only(raw, _LOT_KEYS, self._refuse, where)
        most = raw.get("max_providers")
        try:
            lot = TenderLot(
                code,
                self._text(raw, "name", where),
                self._whole(raw.get("min_providers", 1), f"{where}, min_providers"),
                None if most is None else self._whole(most, f"{where}, max_providers"),
            )
        except DomainError as error:
            self._refuse("", str(error))  # it names the lot
        bids = raw.get("bids")
        if not isinstance(bids, list) or not bids:
            self._refuse(where, "has no bids: add [[lots.bids]] after the lot")
        return lot, tuple(self.bid(b, where, i) for i, b in enumerate(bids, start=1))

    def bid(self, raw: Any, lot: str, number: int) -> Bid:
        where = f"{lot}, bid {number}"
        if not isinstance(raw, Mapping):
            self._refuse(where, "must be a table")
        bidder = self._text(raw, "bidder", where)
        where = f"{lot}, {bidder}"
        _only(raw, _BID_KEYS, self._refuse, where)
        rate = self._money(raw.get("hourly_rate"), f"{where}, hourly_rate")
        marks = self._table(raw, "marks", where, required=False)
        gates = self._table(raw, "gates", where, required=False)
        accepted = raw.get("low_price_accepted")
        if accepted is not None and (not isinstance(accepted, str) or not accepted.strip()):
            self._refuse(
                f"{where}, low_price_accepted",
                "must say why the low price was accepted, in words",
            )
        try:
            return Bid(
                bidder,
                rate,
                marks={
                    code: self.marks(value, f"{where}, marks for {code}")
                    for code, value in marks.items()
                },
                gates={
                    code: self.gate(value, f"{where}, gate {code}") for code, value in gates.items()
                },
                low_price_accepted=accepted,
            )
        except DomainError as error:
            raise InvalidTenderFile(f"{self.source}: {lot}, {error}") from None  # names the bidder

    def marks(self, raw: Any, where: str) -> Marks:
        if not isinstance(raw, Mapping):
            return Marks(self._whole(raw, where))
        _only(raw, _MARKS_KEYS, self._refuse, where)
        moderated = raw.get("moderated")
        evaluators = raw.get("evaluators", {})
        if not isinstance(evaluators, Mapping):
            self._refuse(f"{where}, evaluators", "must be a table: { Asha = 4, Ben = 3 }")
        return Marks(
            None if moderated is None else self._whole(moderated, f"{where}, moderated"),
            {who: self._whole(mark, f"{where}, {who}") for who, mark in evaluators.items()},
        )

    def gate(self, raw: Any, where: str) -> GateResult:
        if raw == "pass":
            return GateResult(True)
        if isinstance(raw, Mapping) and set(raw) == {"fail"} and isinstance(raw["fail"], str):
            if not raw["fail"].strip():
                self._refuse(where, "a failed gate needs the reason it failed")
            return GateResult(False, raw["fail"])
        self._refuse(where, 'must be "pass" or { fail = "the reason it failed" }')

    def _table(
        self, raw: Mapping[str, Any], key: str, where: str, *, required: bool = True
    ) -> Mapping[str, Any]:
        value = raw.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, Mapping):
            self._refuse(
                where, f"needs a [{key}] table" if value is None else f"{key} must be a table"
            )
        return value

    def _text(self, raw: Mapping[str, Any], key: str, where: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            self._refuse(_field(where, key), "needs some text")
        return value.strip()

    def _money(self, value: Any, where: str) -> Decimal:
        if value is None:
            self._refuse(where, "is missing: an amount in pounds and pence, such as 25.00")
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self._refuse(where, f"{value!r} is not an amount in pounds and pence")
        try:
            return parse_money(value)
        except ValueError as error:
            self._refuse(where, str(error))

    def _whole(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self._refuse(where, f"{value!r} is not a whole number")
        return value

    def _refuse(self, where: str, why: str) -> NoReturn:
        raise InvalidTenderFile(f"{self.source}: {where + ': ' if where else ''}{why}")


def _only(raw: Mapping[str, Any], known: set[str], refuse: Any, where: str) -> None:
    if unknown := sorted(set(raw) - known):
        refuse(where, f"unknown field {unknown[0]!r}; expected one of {', '.join(sorted(known))}")


def _field(where: str, key: str) -> str:
    """'lot N, name', '[tender] name', or 'name' at the top of the file."""
    if not where:
        return key
    return f"{where} {key}" if where.startswith("[") else f"{where}, {key}"
