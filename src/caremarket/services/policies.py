"""Sourcing policies as commissioners read and write them: which policy each commissioner
has set, and for which lots another; a policy chosen by a preset's code or from a file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from caremarket.domain.errors import NotFound
from caremarket.domain.market import Lot, Vehicle
from caremarket.domain.policies import PRESETS, InvalidPolicy, SourcingPolicy, policy_from_data
from caremarket.services.ports import PolicySetting, UnitOfWork


@dataclass(frozen=True)
class PolicyInForce:
    applies_to: str  # "every lot", or "lot HTLAH/O-A (O pathway zone A)"
    code: str
    name: str
    stages: str  # described: "all-at-once to preferred providers, 5 business hours; ..."
    source: str
    notes: tuple[str, ...]
    set_at: datetime
    set_by: str


@dataclass(frozen=True)
class CommissionerPolicies:
    code: str
    name: str
    policy: PolicyInForce | None  # None: none set yet, so its packages cannot be sourced
    lots: tuple[PolicyInForce, ...]  # lots with a policy of their own


def list_policies(uow: UnitOfWork, commissioner: str | None = None) -> list[CommissionerPolicies]:
    """Each commissioner's policy (or just one's) and its lots' own, described."""
    with uow:
        owners = [uow.commissioners.get(commissioner)] if commissioner else uow.commissioners.list()
        vehicles = uow.vehicles.list()
        listed = []
        for owner in owners:
            settings = uow.sourcings.policies(owner)
            general = next((s for s in settings if s.lot is None), None)
            listed.append(
                CommissionerPolicies(
                    owner.code,
                    owner.name,
                    None if general is None else _in_force(general, vehicles),
                    tuple(_in_force(s, vehicles) for s in settings if s.lot is not None),
                )
            )
        return listed


def chosen_policy(choice: str) -> SourcingPolicy | str:
    """A preset's code as it is, or the policy in a TOML file (a path ending in .toml)."""
    if choice in PRESETS:
        return choice
    if choice.lower().endswith(".toml") or Path(choice).is_file():
        return read_policy_file(Path(choice))
    raise NotFound(
        f"there is no policy preset {choice}: one of {', '.join(sorted(PRESETS))},"
        " or a policy file ending in .toml"
    )


def read_policy_file(path: Path) -> SourcingPolicy:
    """A policy written in TOML, in the data format of domain/policies.py (its fields at the
    top of the file, or under [policy]); InvalidPolicy says what is wrong, naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidPolicy(f"cannot read the policy file {path}: {error.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidPolicy(f"{path} is not TOML: {error}") from None
    if "stages" not in data and isinstance(data.get("policy"), dict):
        data = data["policy"]
    try:
        return policy_from_data(data)
    except InvalidPolicy as error:
        raise InvalidPolicy(f"{path}: {error}") from None


def _in_force(setting: PolicySetting, vehicles: list[Vehicle]) -> PolicyInForce:
    policy = setting.policy
    return PolicyInForce(
        applies_to="every lot" if setting.lot is None else _lot_name(setting.lot, vehicles),
        code=policy.code,
        name=policy.name,
        stages=policy.describe(),
        source=policy.source,
        notes=policy.notes,
        set_at=setting.set_at,
        set_by=setting.set_by,
    )


def _lot_name(lot: Lot, vehicles: list[Vehicle]) -> str:
    vehicle = next((v for v in vehicles if any(x is lot for x in v.lots)), None)
    where = f"{vehicle.code}/{lot.code}" if vehicle else lot.code
    return f"lot {where} ({lot.name})"
