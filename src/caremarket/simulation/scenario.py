"""Reading a simulation scenario (TOML, see docs/simulation.md): a market, the options to
compare on it (a sourcing policy each, and changes to the market), horizon, replications and
seed. Each problem names where it is: `options 2, changes 1, field 'week': ...`."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from caremarket.domain.errors import DomainError
from caremarket.domain.market import Tier
from caremarket.domain.policies import PRESETS, InvalidPolicy, SourcingPolicy, policy_from_data
from caremarket.simulation.market import (
    Behaviour,
    Change,
    Market,
    NewProvider,
    Option,
    ProviderExit,
    RateUplift,
    Retier,
    ZoneRedesign,
)
from caremarket.simulation.presets import market_from_preset


class InvalidScenario(DomainError):
    """A scenario file that cannot be run; the message says where and why."""


@dataclass(frozen=True)
class Scenario:
    title: str
    market: Market
    options: tuple[Option, ...]
    weeks: float = 52.0
    replications: int = 20
    seed: int = 0
    warm_up_weeks: float = 0.0
    description: str = ""


BEHAVIOUR_FIELDS = {f.name for f in dataclasses.fields(Behaviour)}
DEMAND_FIELDS = {"discharge_share", "high_risk_share", "medium_risk_share"}


def read_data(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InvalidScenario(f"{path}: {error}") from None


def read_scenario(path: Path, *, market: Market | None = None) -> Scenario:
    """The scenario in a file; `market` a market already built (calibrated from the live
    database) for a file whose [market] says `calibrate`."""
    data = read_data(path)
    try:
        return scenario_from_data(data, market=market)
    except InvalidScenario as error:
        raise InvalidScenario(f"{path}: {error}") from None


def scenario_from_data(data: Mapping[str, Any], *, market: Market | None = None) -> Scenario:
    market = market or _market(_table(data, "market"), data)
    options = data.get("options")
    if not isinstance(options, list) or not options:
        raise InvalidScenario("a scenario needs at least one [[options]] (a policy to try)")
    common = _changes(data.get("changes", []), "changes")
    chosen = tuple(_option(n, option, common) for n, option in enumerate(options, start=1))
    for n, option in enumerate(chosen, start=1):
        _check_changes(market, option, f"options {n}")
    names = [o.name for o in chosen]
    if len(set(names)) != len(names):
        raise InvalidScenario("each of the [[options]] needs a name of its own")
    return Scenario(
        title=str(data.get("title", "A simulation")),
        description=str(data.get("description", "")),
        market=market,
        options=chosen,
        weeks=_number(data, "weeks", 52.0, "", above=0),
        replications=int(_number(data, "replications", 20, "", above=0)),
        seed=int(_number(data, "seed", 0, "")),
        warm_up_weeks=_number(data, "warm_up_weeks", 0.0, ""),
    )


def _market(table: Mapping[str, Any], data: Mapping[str, Any]) -> Market:
    if "calibrate" in table:
        raise InvalidScenario(
            "[market] calibrate: a market calibrated from the live database is built by"
            " `caremarket simulate` (it reads the database); give the file to it"
        )
    if "preset" not in table:
        raise InvalidScenario('[market] needs preset = "herefordshire" (a demo preset)')
    behaviour_table = _table(data, "behaviour")
    unknown = set(behaviour_table) - BEHAVIOUR_FIELDS
    if unknown:
        raise InvalidScenario(f"[behaviour]: no field {sorted(unknown)[0]!r}")
    behaviour = Behaviour(**{k: _plain(v) for k, v in behaviour_table.items()})
    demand_table = _table(data, "demand")
    unknown = set(demand_table) - DEMAND_FIELDS - {"mean_weeks"}
    if unknown:
        raise InvalidScenario(f"[demand]: no field {sorted(unknown)[0]!r}")
    try:
        return market_from_preset(
            str(table["preset"]),
            commissioner=table.get("commissioner"),
            headroom=Decimal(str(table.get("headroom", 5))),
            mean_weeks=float(demand_table.get("mean_weeks", 26)),
            cost_share=Decimal(str(table.get("cost_share", "0.95"))),
            demand={k: float(v) for k, v in demand_table.items() if k in DEMAND_FIELDS},
            behaviour=behaviour,
        )
    except (DomainError, InvalidOperation, ValueError) as error:
        raise InvalidScenario(f"[market]: {error}") from None


@dataclass(frozen=True)
class Calibration:
    """What a `[market] calibrate = "CODE"` asks of the live database."""

    commissioner: str
    on: date | None  # None: today
    weeks: int
    headroom: Decimal
    cost_share: Decimal
    behaviour: Behaviour
    demand: dict[str, float]


def calibration(data: Mapping[str, Any]) -> Calibration | None:
    """The calibration a scenario's [market] asks for, if it asks for one."""
    table = _table(data, "market")
    if "calibrate" not in table:
        return None
    try:
        on = table.get("on")
        if isinstance(on, str):
            on = date.fromisoformat(on)
        return Calibration(
            str(table["calibrate"]),
            on,
            int(table.get("weeks", 52)),
            Decimal(str(table.get("headroom", 5))),
            Decimal(str(table.get("cost_share", "0.95"))),
            Behaviour(**{k: _plain(v) for k, v in _table(data, "behaviour").items()}),
            {k: float(v) for k, v in _table(data, "demand").items() if k in DEMAND_FIELDS},
        )
    except (TypeError, ValueError, InvalidOperation) as error:
        raise InvalidScenario(f"[market]: {error}") from None


def _option(number: int, data: Any, common: tuple[Change, ...]) -> Option:
    where = f"options {number}"
    if not isinstance(data, Mapping):
        raise InvalidScenario(f"{where}: an option is a table")
    policy = _policy(data.get("policy"), where)
    changes = _changes(data.get("changes", []), f"{where}, changes")
    return Option(str(data.get("name") or policy.code), policy, (*common, *changes))


def _check_changes(market: Market, option: Option, where: str) -> None:
    """Changes name lots, zones and providers of the market (or providers an earlier change
    brought in)."""
    providers = set(market.providers)
    lots = {lot.code for lot in market.lots}
    for change in sorted(option.changes, key=lambda c: c.week):
        what = f"{where} ({option.name}), the change at week {change.week:g}"
        if isinstance(change, NewProvider):
            unknown = sorted(set(change.lots) - lots) or sorted(
                set(change.capacity) - set(market.zones)
            )
            if unknown:
                raise InvalidScenario(
                    f"{what}: there is no lot or zone {unknown[0]!r} in the market"
                )
            providers.add(change.name)
        elif isinstance(change, ProviderExit):
            if change.name not in providers:
                raise InvalidScenario(f"{what}: there is no provider {change.name!r} in the market")
            providers.discard(change.name)
        elif isinstance(change, ZoneRedesign):
            for code, members in change.lots.items():
                if code not in lots:
                    raise InvalidScenario(f"{what}: there is no lot {code!r} in the market")
                for name, _ in members:
                    if name not in providers:
                        raise InvalidScenario(
                            f"{what}: there is no provider {name!r} in the market"
                        )


def _policy(value: Any, where: str) -> SourcingPolicy:
    if isinstance(value, str):
        if value not in PRESETS:
            raise InvalidScenario(
                f"{where}, field 'policy': no policy preset {value!r} (one of"
                f" {', '.join(sorted(PRESETS))})"
            )
        return PRESETS[value]
    if isinstance(value, Mapping):
        try:
            return policy_from_data(value)
        except InvalidPolicy as error:
            raise InvalidScenario(f"{where}, field 'policy': {error}") from None
    raise InvalidScenario(f"{where}: give a policy: a preset's code, or a [policy] table")


def _changes(items: Any, where: str) -> tuple[Change, ...]:
    if not isinstance(items, list):
        raise InvalidScenario(f"{where}: write changes as [[changes]] tables")
    return tuple(_change(f"{where} {n}", item) for n, item in enumerate(items, start=1))


def _change(where: str, data: Mapping[str, Any]) -> Change:
    kind = data.get("kind")
    week = _number(data, "week", 0.0, where)
    try:
        if kind == "rate-uplift":
            return RateUplift(week, Decimal(str(data["percent"])))
        if kind == "new-provider":
            return NewProvider(
                week,
                str(data["name"]),
                {str(z): int(float(h) * 60) for z, h in dict(data["hours"]).items()},
                tuple(str(lot) for lot in data["lots"]),
                Tier(data.get("tier", "approved")),
                Decimal(str(data["cost_per_hour"])) if "cost_per_hour" in data else None,
            )
        if kind == "provider-exit":
            return ProviderExit(week, str(data["name"]))
        if kind == "zone-redesign":
            lots = {
                str(code): tuple(
                    (str(m["provider"]), Tier(m.get("tier", "approved"))) for m in members
                )
                for code, members in dict(data["lots"]).items()
            }
            return ZoneRedesign(week, lots)
        if kind == "tiers":
            return Retier(
                week,
                Tier(data["first"]) if "first" in data else None,
                Tier(data["rest"]) if "rest" in data else None,
                tuple((Tier(a), Tier(b)) for a, b in dict(data.get("mapping", {})).items()),
            )
    except KeyError as missing:
        raise InvalidScenario(f"{where} ({kind}): needs {missing.args[0]!r}") from None
    except (ValueError, TypeError, InvalidOperation) as error:
        raise InvalidScenario(f"{where} ({kind}): {error}") from None
    raise InvalidScenario(
        f"{where}, field 'kind': {kind!r} is not one of rate-uplift, new-provider,"
        " provider-exit, zone-redesign, tiers"
    )


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, Mapping):
        raise InvalidScenario(f"[{name}] is a table")
    return table


def _number(
    data: Mapping[str, Any], name: str, default: float, where: str, *, above: float | None = None
) -> float:
    value = data.get(name, default)
    place = f"{where}, field {name!r}" if where else f"field {name!r}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidScenario(f"{place}: {value!r} is not a number") from None
    if above is not None and number <= above:
        raise InvalidScenario(f"{place}: must be above {above:g}")
    return number


def _plain(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value
