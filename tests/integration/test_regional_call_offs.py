"""Call-offs from a regional framework (issue 5, item 5), on the liverpool-city-region preset:
six councils on one extra care housing FPS, each calling off for its own area under its own
sourcing policy and rates, one provider registration serving them all."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from caremarket.demo import liverpool_city_region as lcr
from caremarket.demo.places import read_postcodes
from caremarket.domain.access import Actor, Role
from caremarket.domain.market import CqcRating, Lot, Tier, Vehicle, VehicleKind
from caremarket.domain.money import WEEKS_PER_YEAR
from caremarket.domain.packages import PackageStatus, Person
from caremarket.domain.procurement import Admission, AdmissionMode, AdmissionRules
from caremarket.domain.rates import RateCard, RateLine
from caremarket.domain.sourcing import BidAboveCap
from caremarket.holidays import working_week
from caremarket.reports.render import as_text
from caremarket.services import applications, brokerage, reports
from caremarket.services.applications import ApplicationForm
from caremarket.services.demo import load_preset
from caremarket.services.policies import list_policies
from caremarket.services.requests import CareRequest, request_care
from tests.builders import (
    A_MOMENT,
    AN_ADMIN,
    a_care_package,
    a_commissioner,
    a_provider,
    a_rate_card,
    a_service,
    a_zone,
)

LONDON = ZoneInfo("Europe/London")
WEEK = working_week()
MONDAY_10AM = datetime(2026, 11, 23, 10, tzinfo=LONDON)
COMMISSIONER = Actor("commissioner@lcr.example.org", Role.COMMISSIONER)
BROKER = Actor("broker@lcr.example.org", Role.BROKER)
NEWCOMER = "Mersey Ferry Extra Care"
START = date(2026, 12, 7)


@pytest.fixture
def region(uow):
    """The preset loaded (a second or so: the tests that use it are marked slow)."""
    load_preset(uow, lcr.NAME, by=AN_ADMIN, now=A_MOMENT)
    return uow


def admitted_once(uow, lots: tuple[str, ...]) -> Actor:
    """A provider new to caremarket applies once to the shared vehicle for two councils'
    lots and is approved: one provider, one CQC registration, a membership in each lot."""
    applications.set_admission(
        uow,
        lcr.VEHICLE,
        AdmissionRules(Admission(AdmissionMode.ALWAYS_OPEN)),
        by=COMMISSIONER,
        now=MONDAY_10AM - timedelta(days=7),
    )
    form = ApplicationForm(
        provider=NEWCOMER,
        cqc_location_ids=("1-2345678901",),
        cqc_rating=CqcRating.GOOD,
        insurance_expires_on=date(2028, 3, 31),
        capacity={"LIV-S": Decimal(40), "STH-C": Decimal(30)},
        lots=lots,
    )
    made = applications.apply(
        uow, lcr.VEHICLE, form, by=COMMISSIONER, now=MONDAY_10AM - timedelta(days=7)
    )
    applications.approve(
        uow, made.id, tier=Tier.APPROVED, by=COMMISSIONER, now=MONDAY_10AM - timedelta(days=6)
    )
    with uow:
        [provider] = [p for p in uow.providers.list() if p.name == NEWCOMER]
        vehicle = uow.vehicles.get(lcr.VEHICLE)
        held = [lot.code for lot in vehicle.lots if lot.membership_of(provider)]
        assert held == list(lots)
        return Actor(f"staff of {NEWCOMER}", Role.PROVIDER, provider.id)


def request(uow, council: str, person: str) -> str:
    """A request for extra care for a person at a real postcode of the council's area."""
    with uow:
        owner = uow.commissioners.get(council)
        postcode = min(p.postcode for p in uow.people.list(commissioner=owner))
    return request_care(
        uow,
        CareRequest(council, person, postcode, lcr.SERVICE, "3x30 daily", START),
        by=BROKER,
        now=MONDAY_10AM,
        week=WEEK,
    )


def round_of(uow, reference: str):
    with uow:
        sourcing = uow.sourcings.current(uow.packages.get(reference))
        offered = [o.provider for o in sourcing.state.offers if o.open]
        return sourcing.state, offered


@pytest.mark.slow
def test_a_provider_admitted_once_is_offered_packages_by_two_councils_on_their_own_terms(
    region,
) -> None:
    uow = region
    staff = admitted_once(uow, ("ECH-LIV", "ECH-STH"))
    liverpool = request(uow, "LIV", "LIV-P-CALLOFF")
    st_helens = request(uow, "STH", "STH-P-CALLOFF")

    # Liverpool's policy: its preferred providers have 5 business hours first.
    state, offered = round_of(uow, liverpool)
    assert state.policy.code == "liverpool"
    assert state.rate_cap == lcr.RATES["LIV"]
    assert offered == ["Otterspool Promenade Care", "Calderstones Care at Home"]
    # St Helens's policy: a mini-competition among its approved providers, at once, capped
    # by St Helens's own rate, not Liverpool's.
    state, offered = round_of(uow, st_helens)
    assert state.policy.code == "st-helens"
    assert state.rate_cap == lcr.RATES["STH"] == Decimal("15.90")
    assert NEWCOMER in offered
    with pytest.raises(BidAboveCap, match="above the rate card's £15.90"):
        brokerage.place_bid(
            uow,
            st_helens,
            by=staff,
            hourly_rate=Decimal("16.00"),
            earliest_start=START,
            now=MONDAY_10AM,
            week=WEEK,
        )
    brokerage.place_bid(
        uow,
        st_helens,
        by=staff,
        hourly_rate=Decimal("15.50"),
        earliest_start=START,
        now=MONDAY_10AM + timedelta(minutes=30),
        week=WEEK,
    )

    # Past Liverpool's window, the approved providers are asked: the newcomer among them.
    brokerage.tick(uow, now=MONDAY_10AM + timedelta(hours=6), week=WEEK)
    state, offered = round_of(uow, liverpool)
    assert NEWCOMER in offered
    assert state.stage == 1
    brokerage.accept_offer(
        uow,
        liverpool,
        by=staff,
        start_on=START,
        now=MONDAY_10AM + timedelta(hours=6, minutes=5),
        week=WEEK,
    )

    # St Helens's competition closes after its 8 business hours: the only bid wins.
    brokerage.tick(uow, now=MONDAY_10AM + timedelta(days=1, hours=3), week=WEEK)
    with uow:
        for reference, lot in ((liverpool, "ECH-LIV"), (st_helens, "ECH-STH")):
            package = uow.packages.get(reference)
            assert package.status is PackageStatus.ACTIVE
            assert package.provider.name == NEWCOMER
            assert package.lot.code == lot
        assert len([p for p in uow.providers.list() if p.name == NEWCOMER]) == 1


@pytest.mark.slow
def test_a_preset_provider_serving_three_councils_gets_each_councils_offer(region) -> None:
    uow = region
    liverpool = request(uow, "LIV", "LIV-P-PRESET")
    knowsley = request(uow, "KNO", "KNO-P-PRESET")
    halton = request(uow, "HAL", "HAL-P-PRESET")
    # Calderstones Care at Home: preferred in Liverpool, approved in Knowsley and St Helens.
    state, offered = round_of(uow, liverpool)
    assert "Calderstones Care at Home" in offered
    state, offered = round_of(uow, knowsley)
    assert (state.policy.code, state.rate_cap) == ("st-helens", Decimal("16.60"))
    assert "Calderstones Care at Home" in offered
    # Halton's single provider is awarded its packages at once (its subcontractor is not
    # asked); the vehicle is the same.
    with uow:
        package = uow.packages.get(halton)
        assert package.status is PackageStatus.ACTIVE
        assert package.provider.name == lcr.HALTON_LEAD
        assert package.lot.code == "ECH-HAL"


@pytest.mark.slow
def test_each_council_has_its_own_policy_and_rate_card(region) -> None:
    policies = {c.code: c.policy.code for c in list_policies(region) if c.policy}
    assert policies == {code: policy for code, _n, _l, policy, _f in lcr.COUNCILS}
    with region:
        for code, rate in lcr.RATES.items():
            [card] = region.rate_cards.list(commissioner=region.commissioners.get(code))
            assert [line.amount for line in card.lines] == [rate]
        vehicle = region.vehicles.get(lcr.VEHICLE)
        assert sorted(c.code for c in vehicle.commissioners) == sorted(lcr.RATES)


@pytest.mark.slow
def test_vehicle_use_reproduces_the_presets_caseloads_at_each_councils_rates(region) -> None:
    table = reports.vehicle_use(region, vehicle=lcr.VEHICLE, on=lcr.REPORT_ON)
    all_hours = sum(hours for _people, hours in lcr.CASELOADS.values())
    names = {code: name for code, name, *_ in lcr.COUNCILS}
    providers = {
        code: {
            p
            for p, tiers in lcr.MEMBERSHIPS.items()
            if tiers.get(code) in (Tier.PREFERRED, Tier.APPROVED, Tier.LEAD)
        }
        for code in lcr.RATES
    }
    for code, (people, hours) in lcr.CASELOADS.items():
        weekly = hours * lcr.RATES[code]
        assert table.row(names[code]).cells[1:6] == (
            people,
            people,
            Decimal(hours),
            weekly,
            weekly * WEEKS_PER_YEAR,
        ), code
        assert table.value(names[code], "Providers used") <= len(providers[code])
        assert table.value(names[code], "Share of hours") == Decimal(hours * 100) / all_hours
    assert table.totals.cells[1:4] == (168, 168, Decimal(1464))
    assert table.totals.cells[6] == len(lcr.MEMBERSHIPS)
    printed = as_text(table)
    # 432 h x £16.20 = £6,998.40 a week, £363,916.80 a year (52 weeks)
    assert "Liverpool City Council           48      48           432        £6,998" in printed
    assert "£363,917" in printed
    # in all £23,984.70 a week: 1,464 hours at six councils' rates
    assert (
        table.totals.cells[4]
        == sum(hours * lcr.RATES[code] for code, (_p, hours) in lcr.CASELOADS.items())
        == Decimal("23984.70")
    )


@pytest.mark.slow
def test_people_live_at_real_postcodes_in_their_own_councils_area(region) -> None:
    lad_of = {row["postcode"]: row["lad_code"] for row in read_postcodes(lcr.POSTCODE_FILE)}
    councils = {code: lad for code, _name, lad, *_ in lcr.COUNCILS}
    with region:
        for code, lad in councils.items():
            people = region.people.list(commissioner=region.commissioners.get(code))
            assert people and {lad_of[p.postcode] for p in people} == {lad}, code
            packages = region.packages.list(commissioner=region.commissioners.get(code))
            requested = [p for p in packages if p.status is PackageStatus.REQUESTED]
            assert len(requested) == lcr.REQUESTED
            joint = [p for p in packages if any(f.funder == lcr.ICB for f in p.funding)]
            assert joint and all(f.share == 50 for p in joint for f in p.funding)


def a_shared_lot_market(uow) -> None:
    """Councils AAA (£16.00 an hour) and BBB (£18.00) on one vehicle with a single lot over
    both their zones; two providers in it; a requested package for each council."""
    with uow:
        councils = {
            code: a_commissioner(code=code, name=f"Council {code}", pathway_rules=None)
            for code in ("AAA", "BBB")
        }
        care = a_service(code="ECH", name="Extra care")
        zones = {
            "AAA": a_zone(commissioner=councils["AAA"], code="A", areas=("CH41",)),
            "BBB": a_zone(commissioner=councils["BBB"], code="B", areas=("WA8",)),
        }
        lot = Lot("SHARED", "One lot for both", zones=list(zones.values()))
        for n, name in enumerate(("Shared Care", "Other Care")):
            lot.admit(a_provider(name=name, cqc_location_ids=(f"1-20000000{n}",)), Tier.APPROVED)
        uow.vehicles.add(
            Vehicle("FPS", "Shared FPS", VehicleKind.DPS, list(councils.values()), lots=[lot])
        )
        for code, postcode in (("AAA", "CH41 1AA"), ("BBB", "WA8 0AA")):
            owner = councils[code]
            uow.packages.add(
                a_care_package(
                    reference=f"{code}-1",
                    commissioner=owner,
                    zone=zones[code],
                    service=care,
                    person=Person(owner, f"{code}-P1", postcode),
                    start_on=START,
                    status=PackageStatus.REQUESTED,
                )
            )
        uow.rate_cards.add_all(
            [
                a_rate_card(councils["AAA"], care, "16.00"),
                a_rate_card(councils["BBB"], care, "18.00"),
            ]
        )
        uow.commit()


def test_on_one_shared_lot_each_council_sources_under_its_own_policy_and_rates(uow) -> None:
    a_shared_lot_market(uow)
    brokerage.set_policy(uow, "AAA", "st-helens", by=AN_ADMIN, now=MONDAY_10AM)
    brokerage.set_policy(uow, "BBB", "st-helens", by=AN_ADMIN, now=MONDAY_10AM)
    # AAA's own policy for the shared lot is AAA's alone: BBB keeps its general policy.
    brokerage.set_policy(uow, "AAA", "wirral", lot=("FPS", "SHARED"), by=AN_ADMIN, now=MONDAY_10AM)
    for reference in ("AAA-1", "BBB-1"):
        brokerage.start_sourcing(uow, reference, by=BROKER, now=MONDAY_10AM, week=WEEK)
    state, offered = round_of(uow, "AAA-1")
    assert (state.policy.code, state.rate_cap) == ("wirral", Decimal("16.00"))
    assert offered == ["Shared Care", "Other Care"]
    state, offered = round_of(uow, "BBB-1")
    assert (state.policy.code, state.rate_cap) == ("st-helens", Decimal("18.00"))
    assert offered == ["Shared Care", "Other Care"]


def test_the_bid_cap_is_the_rate_in_force_on_the_councils_newest_card(uow) -> None:
    a_shared_lot_market(uow)
    with uow:
        owner = uow.commissioners.get("BBB")
        care = uow.services.get("ECH")
        uow.rate_cards.add(
            RateCard(owner, "2026/27", [RateLine(care, Decimal("18.90"), date(2026, 4, 1))])
        )
        uow.commit()
    brokerage.set_policy(uow, "BBB", "st-helens", by=AN_ADMIN, now=MONDAY_10AM)
    brokerage.start_sourcing(uow, "BBB-1", by=BROKER, now=MONDAY_10AM, week=WEEK)
    state, _offered = round_of(uow, "BBB-1")
    assert state.rate_cap == Decimal("18.90")  # not the 2017/18 card's £18.00
