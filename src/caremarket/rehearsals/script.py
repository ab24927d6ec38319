"""Reading a rehearsal file (TOML, see docs/rehearsals.md) into a script of events.

Everything that can be checked without a database is checked here, and each problem names
where it is: `event 3, field 'start_on': ...`. Names of things in the market (providers,
services, lots) are checked when the script is replayed, still naming the event.
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from caremarket.domain.calendar import LONDON
from caremarket.domain.errors import DomainError
from caremarket.domain.market import Tier
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.policies import InvalidPolicy, SourcingPolicy, policy_from_data
from caremarket.domain.postcodes import parse_postcode
from caremarket.domain.priority import Risk
from caremarket.domain.sourcing import DeclineReason

# The kinds of CSV import, in the order an empty database takes them (docs/formats.md).
IMPORT_KINDS = (
    "commissioners",
    "services",
    "zones",
    "providers",
    "postcodes",
    "rates",
    "vehicles",
    "lots",
    "memberships",
    "packages",
)
ACTIONS = ("request", "accept", "decline", "bid", "source", "tick")
E = TypeVar("E", bound=enum.Enum)


class InvalidRehearsal(DomainError):
    """A rehearsal file that cannot be replayed; the message says where and why."""


@dataclass(frozen=True)
class MarketFile:
    kind: str  # one of IMPORT_KINDS
    path: Path
    commissioner: str | None = None  # for files that leave out the commissioner column


@dataclass(frozen=True)
class Market:
    preset: str | None  # a demo preset's name
    files: tuple[MarketFile, ...]  # imported after the preset, in this order
    commissioner: str | None  # whose market is rehearsed; None: the only (or lead) one


@dataclass(frozen=True)
class LotPolicy:
    vehicle: str
    lot: str
    policy: SourcingPolicy | str  # a preset's code, or a whole policy


@dataclass(frozen=True)
class Policy:
    policy: SourcingPolicy | str | None  # None: the market's own (a demo preset sets one)
    lots: tuple[LotPolicy, ...] = ()


@dataclass(frozen=True)
class TierChange:
    vehicle: str
    lot: str
    provider: str
    tier: Tier


@dataclass(frozen=True)
class RequestCare:
    label: str  # how later events name the package
    person: str
    postcode: str
    service: str
    visits: str
    start_on: date
    risk: Risk = Risk.LOW
    carer_breakdown: bool = False
    fit_for_discharge_on: date | None = None
    commissioner: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class Accept:
    package: str  # a label given to a request in the file, or a package's reference
    provider: str
    start_on: date | None = None  # None: the date the request asked for


@dataclass(frozen=True)
class Decline:
    package: str
    provider: str
    reason: DeclineReason = DeclineReason.OTHER
    note: str = ""


@dataclass(frozen=True)
class Bid:
    package: str
    provider: str
    hourly_rate: Decimal
    earliest_start: date
    note: str = ""


@dataclass(frozen=True)
class Source:
    package: str  # a requested package already in the market (imported)


@dataclass(frozen=True)
class Tick:
    pass


Action = RequestCare | Accept | Decline | Bid | Source | Tick


@dataclass(frozen=True)
class Event:
    number: int  # counted from 1, as the file's [[events]] come
    at: datetime  # time-zone aware
    action: Action

    @property
    def kind(self) -> str:
        return _KIND[type(self.action)]


@dataclass(frozen=True)
class Script:
    title: str
    description: str
    market: Market
    policy: Policy
    tiers: tuple[TierChange, ...]
    events: tuple[Event, ...]


_KIND: dict[type, str] = {
    RequestCare: "request",
    Accept: "accept",
    Decline: "decline",
    Bid: "bid",
    Source: "source",
    Tick: "tick",
}


def load_script(path: Path) -> Script:
    """The rehearsal in a file; InvalidRehearsal names the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidRehearsal(f"cannot read {path}: {error.strerror}") from None
    try:
        return read_script(text, base=path.parent)
    except InvalidRehearsal as error:
        raise InvalidRehearsal(f"{path}: {error}") from None


def read_script(text: str, *, base: Path) -> Script:
    """A rehearsal from its TOML text; market files are found relative to `base`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidRehearsal(f"not TOML: {error}") from None
    top = _Table(data, "the file", ("title", "description", "market", "policy", "tiers", "events"))
    market = _market(top.table("market"), base)
    policy = _policy(top.table("policy", required=False))
    tiers = tuple(
        _tier(_Table(entry, f"tier change {n}", ("vehicle", "lot", "provider", "tier")))
        for n, entry in enumerate(top.tables("tiers"), start=1)
    )
    events = _events(top.tables("events", required=True))
    return Script(
        title=top.text("title", required=False) or "",
        description=top.text("description", required=False) or "",
        market=market,
        policy=policy,
        tiers=tiers,
        events=events,
    )


def _market(table: _Table, base: Path) -> Market:
    table.allow("preset", "files", "commissioner")
    preset = table.text("preset", required=False)
    files = tuple(
        _market_file(entry, n, base) for n, entry in enumerate(table.items("files"), start=1)
    )
    if preset is None and not files:
        raise table.problem("preset", "give a demo preset, CSV files to import, or both")
    return Market(preset, files, table.text("commissioner", required=False))


def _market_file(entry: Any, number: int, base: Path) -> MarketFile:
    where = f"[market] file {number}"
    if isinstance(entry, str):
        entry = {"file": entry}
    table = _Table(entry, where, ("file", "kind", "commissioner"))
    name = table.text("file")
    assert name is not None
    kind = table.text("kind", required=False) or _kind_of(name)
    if kind not in IMPORT_KINDS:
        raise table.problem(
            "kind",
            f"{kind!r} is not a kind of import: name the file after one ({', '.join(IMPORT_KINDS)})"
            " or give kind",
        )
    path = base / name
    if not path.is_file():
        raise table.problem("file", f"there is no file {path}")
    return MarketFile(kind, path, table.text("commissioner", required=False))


def _kind_of(name: str) -> str:
    stem = Path(name).name.lower()
    for suffix in (".csv.gz", ".csv"):
        stem = stem.removesuffix(suffix)
    return stem


def _policy(table: _Table | None) -> Policy:
    if table is None:
        return Policy(None)
    lots = tuple(
        _lot_policy(_Table(entry, f"[policy] lot {n}", None))
        for n, entry in enumerate(table.tables("lots"), start=1)
    )
    data = {k: v for k, v in table.data.items() if k != "lots"}
    return Policy(_policy_choice(data, table) if data else None, lots)


def _lot_policy(table: _Table) -> LotPolicy:
    vehicle, lot = table.text("vehicle"), table.text("lot")
    assert vehicle is not None and lot is not None
    data = {k: v for k, v in table.data.items() if k not in ("vehicle", "lot")}
    return LotPolicy(vehicle, lot, _policy_choice(data, table))


def _policy_choice(data: Mapping[str, Any], table: _Table) -> SourcingPolicy | str:
    if "preset" in data:
        if len(data) > 1:
            others = ", ".join(repr(k) for k in data if k != "preset")
            raise table.problem("preset", f"give a preset or a whole policy, not both ({others})")
        return str(data["preset"])
    try:
        return policy_from_data(data)
    except InvalidPolicy as error:
        raise InvalidRehearsal(f"{table.where}: {error}") from None


def _tier(table: _Table) -> TierChange:
    vehicle, lot, provider = table.text("vehicle"), table.text("lot"), table.text("provider")
    assert vehicle is not None and lot is not None and provider is not None
    tier = table.choice("tier", Tier)
    assert tier is not None
    return TierChange(vehicle, lot, provider, tier)


def _events(entries: list[Any]) -> tuple[Event, ...]:
    events: list[Event] = []
    labels: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        table = _Table(entry, f"event {number}", ("at", *ACTIONS))
        at = table.moment("at")
        if events and at < events[-1].at:
            raise table.problem(
                "at",
                f"{at.astimezone(LONDON):%Y-%m-%d %H:%M} is before event {number - 1}'s time:"
                " events come in the order they happen",
            )
        given = [name for name in ACTIONS if name in table.data]
        if len(given) != 1:
            found = f"found {', '.join(given)}" if given else "found none"
            raise table.problem(
                "at", f"an event does one thing: one of {', '.join(ACTIONS)} ({found})"
            )
        action = _action(given[0], table, number, labels)
        if isinstance(action, RequestCare):
            if action.label in labels:
                raise InvalidRehearsal(
                    f"event {number}, field 'label': {action.label!r} names an earlier request"
                )
            labels.add(action.label)
        events.append(Event(number, at, action))
    return tuple(events)


def _action(kind: str, event: _Table, number: int, labels: set[str]) -> Action:
    if kind == "tick":
        if event.data["tick"] is not True:
            raise event.problem("tick", "write tick = true: the clock moves on to the event's time")
        return Tick()
    where = f"event {number} ({kind})"
    value = event.data[kind]
    if not isinstance(value, Mapping):
        raise event.problem(kind, f"{kind} is a table of fields, e.g. {kind} = {{ package = ... }}")
    fields = _Table(value, where, _FIELDS[kind])
    if kind == "request":
        return _request(fields, number)
    package = fields.text("package")
    provider = fields.text("provider") if kind != "source" else None
    assert package is not None
    if kind == "source":
        return Source(package)
    assert provider is not None
    if kind == "accept":
        return Accept(package, provider, fields.date("start_on", required=False))
    if kind == "decline":
        reason = fields.choice("reason", DeclineReason, required=False) or DeclineReason.OTHER
        return Decline(package, provider, reason, fields.text("note", required=False) or "")
    rate, start = fields.money("hourly_rate"), fields.date("earliest_start")
    assert rate is not None and start is not None
    return Bid(package, provider, rate, start, fields.text("note", required=False) or "")


_FIELDS = {
    "request": (
        "label",
        "person",
        "postcode",
        "service",
        "visits",
        "start_on",
        "risk",
        "carer_breakdown",
        "fit_for_discharge_on",
        "commissioner",
        "reference",
    ),
    "accept": ("package", "provider", "start_on"),
    "decline": ("package", "provider", "reason", "note"),
    "bid": ("package", "provider", "hourly_rate", "earliest_start", "note"),
    "source": ("package",),
}


def _request(fields: _Table, number: int) -> RequestCare:
    person, postcode = fields.text("person"), fields.text("postcode")
    service, visits = fields.text("service"), fields.text("visits")
    start_on = fields.date("start_on")
    assert person and postcode and service and visits and start_on
    fields.check("postcode", postcode, parse_postcode)
    fields.check("visits", visits, parse_pattern)
    reference = fields.text("reference", required=False)
    return RequestCare(
        label=fields.text("label", required=False) or reference or f"request {number}",
        person=person,
        postcode=postcode,
        service=service,
        visits=visits,
        start_on=start_on,
        risk=fields.choice("risk", Risk, required=False) or Risk.LOW,
        carer_breakdown=fields.flag("carer_breakdown"),
        fit_for_discharge_on=fields.date("fit_for_discharge_on", required=False),
        commissioner=fields.text("commissioner", required=False),
        reference=reference,
    )


class _Table:
    """A TOML table read field by field; problems name the table (`event 3`) and field."""

    def __init__(self, data: Any, where: str, allowed: Iterable[str] | None) -> None:
        if not isinstance(data, Mapping):
            raise InvalidRehearsal(f"{where}: expected a table of fields, found {data!r}")
        self.data: Mapping[str, Any] = data
        self.where = where
        if allowed is not None:
            self.allow(*allowed)

    def allow(self, *names: str) -> None:
        for key in self.data:
            if key not in names:
                raise self.problem(key, f"not a field here (expected {', '.join(names)})")

    def problem(self, name: str, message: str) -> InvalidRehearsal:
        return InvalidRehearsal(f"{self.where}, field {name!r}: {message}")

    def check(self, name: str, value: str, parse: Callable[[str], object]) -> None:
        try:
            parse(value)
        except DomainError as error:
            raise self.problem(name, str(error)) from None

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self._value(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.problem(name, f"expected some text, found {value!r}")
        return value.strip()

    def date(self, name: str, *, required: bool = True) -> date | None:
        value = self._value(name, required)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.problem(name, f"{value!r} is not a date (YYYY-MM-DD)") from None

    def moment(self, name: str) -> datetime:
        """A date and time: London's unless it says otherwise."""
        value = self._value(name, True)
        if not isinstance(value, datetime):
            text = str(value).strip()
            try:
                if len(text) <= len("2026-11-20"):
                    raise ValueError(text)
                value = datetime.fromisoformat(text)
            except ValueError:
                raise self.problem(
                    name, f"{text!r} is not a date and time (e.g. 2026-11-20T15:00)"
                ) from None
        return value if value.tzinfo is not None else value.replace(tzinfo=LONDON)

    def flag(self, name: str) -> bool:
        value = self._value(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.problem(name, f"expected true or false, found {value!r}")
        return value

    def money(self, name: str) -> Decimal | None:
        value = self._value(name, True)
        try:
            amount = Decimal(str(value).strip().removeprefix("£"))
        except InvalidOperation:
            raise self.problem(name, f"{value!r} is not an amount of pounds (e.g. 18.40)") from None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            raise self.problem(name, f"{value!r} is not an amount in pounds and pence")
        return amount

    def choice(self, name: str, choices: type[E], *, required: bool = True) -> E | None:
        value = self._value(name, required)
        if value is None:
            return None
        for choice in choices:
            if str(value).strip().lower() == str(choice.value).lower():
                return choice
        allowed = ", ".join(str(c.value) for c in choices)
        raise self.problem(name, f"{value!r} is not one of {allowed}")

    def table(self, name: str, *, required: bool = True) -> Any:
        value = self._value(name, required)
        return None if value is None else _Table(value, f"[{name}]", None)

    def tables(self, name: str, *, required: bool = False) -> list[Any]:
        value = self._value(name, required)
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            raise self.problem(name, f"expected one or more [[{name}]] tables")
        return value

    def items(self, name: str) -> list[Any]:
        value = self._value(name, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.problem(name, f"expected a list, found {value!r}")
        return value

    def _value(self, name: str, required: bool) -> Any:
        if name not in self.data:
            if required:
                raise self.problem(name, "missing")
            return None
        return self.data[name]
