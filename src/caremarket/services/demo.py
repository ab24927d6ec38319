"""Loading a demo preset into the database, in one commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from caremarket.demo import PRESETS, preset_names
from caremarket.demo.preset import Preset
from caremarket.domain.access import Actor
from caremarket.domain.audit import entry
from caremarket.domain.errors import DomainError
from caremarket.domain.policies import PRESETS as POLICIES
from caremarket.services import brokerage, contracts
from caremarket.services.contracts import ContractAward
from caremarket.services.ports import UnitOfWork


class PresetAlreadyLoaded(DomainError):
    """The preset's commissioners (or its providers' names) are already in the database."""


@dataclass(frozen=True)
class PresetSummary:
    presets: tuple[str, ...]
    commissioners: tuple[str, ...]
    report_on: date  # the day the published tables describe (the latest, for several)
    zones: int
    providers: int
    packages: int
    postcodes: int  # added to the gazetteer
    policies: tuple[str, ...] = ()  # "HFD: herefordshire": the sourcing policies set

    def __str__(self) -> str:
        text = (
            f"{', '.join(self.commissioners)}: {self.zones} zones, {self.providers} providers,"
            f" {self.packages} care packages, {self.postcodes} postcodes"
            f" (its reports describe {self.report_on.day} {self.report_on:%B %Y})"
        )
        if self.policies:
            text += f"; sourcing policy {', '.join(self.policies)}"
        return text


def load_preset(uow: UnitOfWork, name: str, *, by: Actor, now: datetime) -> PresetSummary:
    """Add a preset ("all" for every one) to the database; refuses if it is already there."""
    names = preset_names(name)
    with uow:
        services = {s.code: s for s in uow.services.list()}
        known = set(services)
        presets: list[Preset] = []
        for preset_name in names:
            preset = PRESETS[preset_name](services)
            services.update(preset.services)
            presets.append(preset)
        _refuse_if_loaded(uow, presets)
        uow.services.add_all(s for code, s in services.items() if code not in known)
        added_postcodes = 0
        for preset in presets:
            added_postcodes += uow.postcodes.load(preset.postcodes)
            _add(uow, preset)
            _set_policies(uow, preset, by=by, now=now)
            _award_contracts(uow, preset, by=by, now=now)
            uow.audit.record(
                entry(
                    by,
                    now,
                    "demo preset loaded",
                    ("preset", preset.name),
                    {"packages": len(preset.packages), "providers": len(preset.providers)},
                ),
                *(
                    entry(
                        by,
                        now,
                        "care package created",
                        ("care package", p.reference),
                        reason=f"the {preset.name} demo preset",
                    )
                    for p in preset.packages
                ),
            )
        uow.commit()
    return PresetSummary(
        presets=tuple(names),
        commissioners=tuple(c.code for p in presets for c in p.commissioners),
        report_on=max(p.report_on for p in presets),
        zones=sum(len(p.zones) for p in presets),
        providers=sum(len(p.providers) for p in presets),
        packages=sum(len(p.packages) for p in presets),
        postcodes=added_postcodes,
        policies=tuple(f"{c}: {policy}" for p in presets for c, policy in p.policies.items()),
    )


def _refuse_if_loaded(uow: UnitOfWork, presets: list[Preset]) -> None:
    for preset in presets:
        there = [c.code for c in preset.commissioners if uow.commissioners.find(c.code)]
        if there:
            raise PresetAlreadyLoaded(
                f"the {preset.name} preset is already loaded (commissioner"
                f" {', '.join(there)} exists)."
            )
        taken = [p.name for p in preset.providers if uow.providers.find(p.name)]
        if taken:
            raise PresetAlreadyLoaded(
                f"the {preset.name} preset cannot be loaded: providers named"
                f" {', '.join(taken)} already exist."
            )


def _set_policies(uow: UnitOfWork, preset: Preset, *, by: Actor, now: datetime) -> None:
    """Each commissioner's council model, so that requests on a demo database are sourced."""
    uow.flush()  # the commissioners' ids
    owners = {c.code: c for c in preset.commissioners}
    for code, policy in preset.policies.items():
        brokerage.keep_policy(uow, owners[code], POLICIES[policy], by=by, now=now)


def _award_contracts(uow: UnitOfWork, preset: Preset, *, by: Actor, now: datetime) -> None:
    """Each vehicle's term, then its contracts (audited one by one, as awards are)."""
    vehicles = {v.code: v for v in preset.vehicles}
    for code, term in preset.terms.items():
        uow.terms.set(vehicles[code], term, at=now, by=by.name)
        uow.audit.record(
            entry(
                by, now, "term set", ("vehicle", code), {"before": None, "after": term.describe()}
            )
        )
    for award in preset.contracts:
        contracts.add_contract(
            uow,
            ContractAward(
                vehicle=award.vehicle,
                lot=award.lot,
                provider=award.provider,
                commissioner=award.commissioner,
                term=award.term,
                rate_card=award.rate_card,
                awarded_on=award.awarded_on,
            ),
            by=by,
            now=now,
        )


def _add(uow: UnitOfWork, preset: Preset) -> None:
    uow.commissioners.add_all(preset.commissioners)
    uow.partnerships.add_all(preset.partnerships)
    uow.zones.add_all(preset.zones)
    uow.providers.add_all(preset.providers)
    uow.vehicles.add_all(preset.vehicles)
    uow.rate_cards.add_all(preset.rate_cards)
    uow.people.add_all(preset.people)
    uow.packages.add_all(preset.packages)
