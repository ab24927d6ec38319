"""Rehearsals on the real database: each example replays to its council's outcomes, and a
file that cannot be replayed says which event or table is wrong."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.packages import PackageStatus
from caremarket.domain.sourcing import Offer, Outcome, Sourcing
from caremarket.holidays import working_week
from caremarket.rehearsals.report import Rehearsal, as_text
from caremarket.rehearsals.script import InvalidRehearsal, load_script, read_script
from caremarket.services.rehearsal import NotEmpty, rehearse

EXAMPLES = Path(__file__).parents[2] / "examples"
LONDON = ZoneInfo("Europe/London")
WEEK = working_week()
HALTON_MARKET = """
[market]
files = ["halton/commissioners.csv", "halton/services.csv", "halton/zones.csv",
         "halton/providers.csv", "halton/postcodes.csv", "halton/vehicles.csv",
         "halton/lots.csv", "halton/memberships.csv"]
[policy]
preset = "halton"
"""
A_REQUEST = """
[[events]]
at = 2026-11-19T10:00:00
[events.request]
label = "widnes"
person = "HAL-P1"
postcode = "WA8 0AG"
service = "PC"
visits = "3x30 daily"
start_on = 2026-11-23
"""


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def empty(empty_database_url: str) -> Iterator[SqlUnitOfWork]:
    """A unit of work on an empty, migrated database of its own (SQLite, then PostgreSQL)."""
    engine = make_engine(empty_database_url)
    migrate.upgrade(engine)
    yield SqlUnitOfWork(make_session_factory(engine))
    engine.dispose()


def example(uow: SqlUnitOfWork, name: str) -> Rehearsal:
    return rehearse(uow, load_script(EXAMPLES / f"{name}.toml"), week=WEEK)


def script(text: str) -> object:
    return read_script(text, base=EXAMPLES)


def round_of(uow: SqlUnitOfWork, reference: str) -> Sourcing:
    with uow:
        sourcing = uow.sourcings.current(uow.packages.get(reference))
        assert sourcing is not None
        return sourcing.state


def offers(uow: SqlUnitOfWork, reference: str, stage: int) -> list[Offer]:
    """The offers of a stage, counted from 1."""
    return [o for o in round_of(uow, reference).offers if o.stage == stage - 1]


def placed(uow: SqlUnitOfWork, reference: str) -> tuple[PackageStatus, str | None, str | None]:
    with uow:
        package = uow.packages.get(reference)
        return (
            package.status,
            package.provider.name if package.provider else None,
            package.lot.code if package.lot else None,
        )


def lines_at(rehearsal: Rehearsal, at: datetime) -> list[str]:
    return [line for step in rehearsal.steps if step.at == at for line in step.lines]


def test_liverpool_hands_a_friday_package_to_approved_providers_on_monday_at_ten(empty) -> None:
    rehearsal = example(empty, "liverpool")
    friday = rehearsal.outcome("friday-discharge")
    assert (friday.reference, friday.provider, friday.start_on) == (
        "LIV-R00001",
        "Sefton Park Home Support",
        date(2026, 11, 24),
    )
    assert friday.requested_at == friday.first_offer_at == london(2026, 11, 20, 15)
    assert friday.awarded_at == london(2026, 11, 23, 10, 40)
    assert friday.business_time_to_award == timedelta(hours=5, minutes=40)

    preferred = offers(empty, "LIV-R00001", stage=1)
    assert [o.provider for o in preferred] == ["Dingle Vale Homecare", "Toxteth Park Care"]
    assert {o.ends_at for o in preferred} == {london(2026, 11, 23, 10)}
    assert [o.outcome for o in preferred] == [Outcome.DECLINED, Outcome.EXPIRED]
    approved = offers(empty, "LIV-R00001", stage=2)
    assert [o.provider for o in approved] == [
        "Mersey Bank Carers",
        "Sefton Park Home Support",
        "Otterspool Care at Home",
    ]
    assert {o.made_at for o in approved} == {london(2026, 11, 23, 10)}  # not before

    still_open = lines_at(rehearsal, london(2026, 11, 23, 9, 30))
    assert still_open == [
        "LIV-R00001 (friday-discharge): stage 1 still open with Toxteth Park Care"
        " until Mon 23 Nov 2026 10:00"
    ]
    handover = next(s for s in rehearsal.steps if s.at == london(2026, 11, 23, 10))
    assert handover.heading == "the clock: a window closes"
    assert "stage 2: all-at-once to approved providers, 24 hours" in handover.lines[1]
    assert lines_at(rehearsal, london(2026, 11, 23, 10, 5)) == [
        "LIV-R00001 (friday-discharge): refused: Toxteth Park Care has no open offer for this"
        " package"
    ]

    monday = rehearsal.outcome("monday-north")
    assert (monday.provider, monday.awarded_at) == (
        "Walton Hall Homecare",
        london(2026, 11, 23, 12, 15),
    )
    assert placed(empty, "LIV-R00002") == (PackageStatus.ACTIVE, "Walton Hall Homecare", "NORTH")
    assert (
        "already been awarded to another provider"
        in lines_at(rehearsal, london(2026, 11, 23, 12, 20))[0]
    )
    assert rehearsal.waiting == ()


def test_st_helens_scores_each_mini_competition_and_breaks_a_tie_by_the_earlier_bid(
    empty,
) -> None:
    rehearsal = example(empty, "st-helens")
    haydock = rehearsal.outcome("haydock")
    assert (haydock.provider, haydock.start_on, haydock.awarded_at) == (
        "Sherdley Park Homecare",
        date(2026, 11, 19),
        london(2026, 11, 17, 17),
    )
    town = rehearsal.outcome("town-centre")
    assert (town.provider, town.start_on, town.awarded_at) == (
        "Parr Mount Home Support",
        date(2026, 11, 24),
        london(2026, 11, 17, 17, 30),
    )
    bids = round_of(empty, "STH-R00001").bids
    assert [(b.provider, str(b.hourly_rate)) for b in bids] == [
        ("Rainford Care", "19.20"),
        ("Haydock Lane Carers", "18.40"),  # its £21.00 bid was refused: above the cap
        ("Sherdley Park Homecare", "19.90"),
    ]
    assert lines_at(rehearsal, london(2026, 11, 17, 11)) == [
        "STH-R00001 (haydock): refused: a bid of £21.00 an hour is above the rate card's £20.20"
    ]
    scored = lines_at(rehearsal, london(2026, 11, 17, 17, 30))
    assert (
        "bids scored (price 40, earliest-start 40, quality 20): Parr Mount Home Support 93.97,"
        " Rainford Care 93.97, Haydock Lane Carers 50.71; a tie, won by the earlier bid"
        " (Parr Mount Home Support)"
    ) in scored[0]


@pytest.mark.slow
def test_leicestershire_asks_the_lead_provider_first_then_supplementary_providers(
    empty,
) -> None:
    rehearsal = example(empty, "leicestershire")
    assert placed(empty, "LCC-R00001") == (PackageStatus.ACTIVE, "Beacon Hill Homecare", "L02")
    assert [o.provider for o in offers(empty, "LCC-R00001", stage=1)] == ["Beacon Hill Homecare"]

    assert [o.provider for o in offers(empty, "LCC-R00002", stage=1)] == ["Great Central Care"]
    supplementary = offers(empty, "LCC-R00002", stage=2)
    assert [o.provider for o in supplementary] == [
        "Kibworth Harcourt Care",
        "Ashby Folville Carers",
        "Stathern Home Support",
    ]
    assert {o.made_at for o in supplementary} == {london(2026, 11, 18, 12)}  # on the decline
    assert placed(empty, "LCC-R00002") == (PackageStatus.ACTIVE, "Stathern Home Support", "S09")

    melton = rehearsal.outcome("melton")
    assert melton.status == "waiting" and melton.provider is None
    assert {o.made_at for o in offers(empty, "LCC-R00003", stage=2)} == {
        london(2026, 11, 18, 17)  # the lead's 4 business hours from 13:00
    }
    assert [w.label for w in rehearsal.waiting] == ["melton"]


@pytest.mark.slow
def test_herefordshire_sends_d_pathway_packages_to_their_half_and_o_pathway_to_the_zone(
    empty,
) -> None:
    rehearsal = example(empty, "herefordshire")
    with empty:
        pathways = {
            ref: empty.packages.get(ref).pathway
            for ref in ("HFD-R00001", "HFD-R00002", "HFD-R00003")
        }
    assert pathways == {"HFD-R00001": "D", "HFD-R00002": "D", "HFD-R00003": "O"}
    north = [o.provider for o in offers(empty, "HFD-R00001", stage=1)]
    assert north == ["Hergest Ridge Carers", "Lugg Bridge Care at Home"]  # Complex A & B
    south = [o.provider for o in offers(empty, "HFD-R00002", stage=1)]
    assert south == ["Wormsley Grange Care", "Hergest Ridge Carers"]  # Complex C,D,E
    zone_d = [o.provider for o in offers(empty, "HFD-R00003", stage=1)]
    assert zone_d == ["Marcle Ridge Homecare", "Bircher Common Care"]  # O-D
    assert placed(empty, "HFD-R00001") == (
        PackageStatus.ACTIVE,
        "Lugg Bridge Care at Home",
        "D-AB",
    )
    assert placed(empty, "HFD-R00002") == (PackageStatus.ACTIVE, "Hergest Ridge Carers", "D-CDE")
    assert placed(empty, "HFD-R00003") == (PackageStatus.WAITING, None, None)
    assert [w.label for w in rehearsal.waiting] == ["golden-valley"]
    assert rehearsal.outcome("golden-valley").first_offer_at == london(2026, 11, 16, 10)


def test_halton_awards_every_package_directly_to_the_single_provider(empty) -> None:
    rehearsal = example(empty, "halton")
    for label, at in (
        ("widnes", london(2026, 11, 19, 10)),
        ("runcorn-discharge", london(2026, 11, 19, 14, 30)),
    ):
        outcome = rehearsal.outcome(label)
        assert (outcome.provider, outcome.awarded_at, outcome.first_offer_at) == (
            "Halton Castle Care",
            at,
            None,
        )
    assert rehearsal.outcome("widnes").start_on == date(2026, 11, 23)
    assert round_of(empty, "HAL-R00001").offers == ()
    assert lines_at(rehearsal, london(2026, 11, 19, 15)) == [
        "HAL-R00001 (widnes): refused: Runcorn Bridge Homecare was never offered it"
    ]


def test_wirral_offers_across_the_commission_and_keeps_the_existing_caseload(empty) -> None:
    rehearsal = example(empty, "wirral")
    everyone = [o.provider for o in offers(empty, "WIR-R00001", stage=1)]
    assert everyone == [
        "Bidston Hill Homecare",
        "Dee Estuary Care",
        "Leasowe Lighthouse Carers",
        "Mersey Ferry Home Support",
    ]
    assert rehearsal.outcome("birkenhead").provider == "Dee Estuary Care"
    assert [(w.label, w.need_score) for w in rehearsal.waiting] == [
        ("heswall-discharge", 105),
        ("wallasey", 0),
    ]
    assert placed(empty, "WIR-00001") == (PackageStatus.ACTIVE, "Bidston Hill Homecare", "ALL")
    assert "2 care packages in place" in rehearsal.market


def test_the_text_tells_each_step_and_ends_with_the_outcomes(empty) -> None:
    text = as_text(example(empty, "liverpool"))
    assert text.startswith("Rehearsal: Liverpool")
    assert "Mon 23 Nov 2026 10:00  the clock: a window closes\n" in text
    assert (
        "  LIV-R00001 (friday-discharge): awarded to Sefton Park Home Support, starting"
        " Tue 24 Nov 2026\n"
        "      requested Fri 20 Nov 2026 15:00 → first offer 0 min later → awarded"
        " Mon 23 Nov 2026 10:40, 2 days 19 h 40 min after the request; 5 h 40 min of business"
        " hours\n"
    ) in text
    assert text.endswith("Waiting list at the end: nobody is waiting\n")


def test_a_tier_changed_for_the_rehearsal_changes_who_is_asked_first(empty) -> None:
    text = (EXAMPLES / "liverpool.toml").read_text()
    text = text.replace(
        '[policy]\npreset = "liverpool"\n',
        '[policy]\npreset = "liverpool"\n\n[[tiers]]\nvehicle = "LIV-HOMECARE"\nlot = "CENTRAL"\n'
        'provider = "Otterspool Care at Home"\ntier = "preferred"\n',
    )
    rehearse(empty, script(text), week=WEEK)
    assert [o.provider for o in offers(empty, "LIV-R00001", stage=1)] == [
        "Dingle Vale Homecare",
        "Toxteth Park Care",
        "Otterspool Care at Home",
    ]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (
            A_REQUEST.replace("WA8 0AG", "L8 0PY"),
            "event 1 (request): L8 0PY is not in any zone",
        ),
        (A_REQUEST.replace('"PC"', '"LIVE-IN"'), "event 1 (request): there is no service type"),
        (
            A_REQUEST + "[[events]]\nat = 2026-11-19T11:00:00\n"
            'accept = { package = "widnes", provider = "Nobody Care" }\n',
            "event 2, field 'provider': there is no provider 'Nobody Care' in the market",
        ),
        (
            A_REQUEST + "[[events]]\nat = 2026-11-19T11:00:00\n"
            'accept = { package = "runcorn", provider = "Halton Castle Care" }\n',
            "event 2, field 'package': no request earlier in the file is labelled 'runcorn'",
        ),
        (
            A_REQUEST + '[[events]]\nat = 2026-11-19T11:00:00\nsource = { package = "widnes" }\n',
            "event 2 (source): HAL-R00001 is active: only a requested package can be sourced",
        ),
    ],
)
def test_an_event_that_cannot_be_replayed_is_named(empty, events: str, expected: str) -> None:
    with pytest.raises(InvalidRehearsal) as caught:
        rehearse(empty, script(HALTON_MARKET + events), week=WEEK)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("market", "expected"),
    [
        (
            HALTON_MARKET.replace('"halton/zones.csv",', '"liverpool/zones.csv",'),
            "[market] file 3 (zones.csv): nothing imported: line 2",
        ),
        (
            HALTON_MARKET.replace('preset = "halton"', 'preset = "narnia"'),
            "[policy]: there is no policy preset narnia",
        ),
        (
            HALTON_MARKET.replace("[market]\n", '[market]\ncommissioner = "LIV"\n'),
            "[market], field 'commissioner': there is no commissioner LIV",
        ),
        (
            HALTON_MARKET + '[[policy.lots]]\nvehicle = "HAL-HOMECARE"\nlot = "NOPE"\n'
            'preset = "wirral"\n',
            "[policy] lot 1: vehicle HAL-HOMECARE has no lot NOPE",
        ),
        (
            HALTON_MARKET + '[[tiers]]\nvehicle = "HAL-HOMECARE"\nlot = "BOROUGH"\n'
            'provider = "Nobody Care"\ntier = "approved"\n',
            "tier change 1: there is no provider Nobody Care",
        ),
    ],
)
def test_a_market_or_policy_that_cannot_be_built_is_named(
    empty, market: str, expected: str
) -> None:
    with pytest.raises(InvalidRehearsal) as caught:
        rehearse(empty, script(market + A_REQUEST), week=WEEK)
    assert expected in str(caught.value)


def test_a_preset_that_does_not_exist_is_named(empty) -> None:
    with pytest.raises(InvalidRehearsal, match=r"\[market\], field 'preset': there is no demo"):
        rehearse(empty, script('[market]\npreset = "narnia"\n' + A_REQUEST), week=WEEK)


def test_a_rehearsal_refuses_a_database_that_holds_a_market(empty) -> None:
    rehearse(empty, script(HALTON_MARKET + A_REQUEST), week=WEEK)
    with pytest.raises(NotEmpty):
        rehearse(empty, script(HALTON_MARKET + A_REQUEST), week=WEEK)
