"""A vehicle for the worked tender of tests/unit/test_evaluation.py: lots N (2 to 3 providers),
S (1 to 3) and R (exactly 2), a 3 + 1 + 1 year term from 1 April 2027, the council's rate
card, and the five bidders known as providers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from caremarket.domain.access import Actor, Role
from caremarket.domain.market import Lot, Vehicle, VehicleKind
from caremarket.services import contracts
from caremarket.services.ports import UnitOfWork
from tests.builders import a_commissioner, a_provider, a_rate_card, a_service

EXAMPLE = Path(__file__).parents[2] / "examples" / "tender-evaluation.toml"
VEHICLE = "HC-2027"
BIDDERS = ("Alder", "Birch", "Cedar", "Damson", "Elm")
COMMISSIONER = Actor("commissioner@example.org", Role.COMMISSIONER)
EVALUATED_AT = datetime(2027, 3, 1, 10, tzinfo=UTC)
AWARDED_AT = datetime(2027, 3, 8, 10, tzinfo=UTC)
TERM_STARTS = date(2027, 4, 1)


def build_tender_market(
    uow: UnitOfWork,
    *,
    providers: tuple[str, ...] = BIDDERS,
    term_starts: date | None = TERM_STARTS,
    rate_card: bool = True,
) -> None:
    with uow:
        commissioner = uow.commissioners.find("HFD") or a_commissioner()
        lots = [
            Lot("N", "North", min_providers=2, max_providers=3),
            Lot("S", "South", min_providers=1, max_providers=3),
            Lot("R", "Rural", min_providers=2, max_providers=2),
        ]
        uow.vehicles.add(
            Vehicle(VEHICLE, "Home care 2027", VehicleKind.OPEN_FRAMEWORK, [commissioner], lots)
        )
        uow.providers.add_all(
            a_provider(name=name, cqc_location_ids=(f"1-20000000{n}",))
            for n, name in enumerate(providers)
        )
        if rate_card and not uow.rate_cards.list():
            uow.rate_cards.add(
                a_rate_card(commissioner, uow.services.find("PC") or a_service(), name="2027/28")
            )
        uow.commit()
    if term_starts is None:
        return
    contracts.set_term(
        uow,
        VEHICLE,
        starts_on=term_starts,
        initial_months=36,
        extension_months=(12, 12),
        by=COMMISSIONER,
        now=EVALUATED_AT,
    )
