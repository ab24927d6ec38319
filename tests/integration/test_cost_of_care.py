"""Cost-of-care scenarios, the gap to the commissioned rates and open-book submissions, on
both databases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.cost_of_care import Component, InvalidCostInputs
from caremarket.domain.errors import NotFound
from caremarket.domain.packages import Person
from caremarket.domain.patterns import parse_pattern
from caremarket.services import cost_of_care as coc
from caremarket.services.ports import AuditFilter
from tests.builders import (
    A_MOMENT,
    a_care_package,
    a_commissioner,
    a_provider,
    a_rate_card,
    a_service,
    a_zone,
)

D = Decimal
ON = date(2017, 8, 1)
WORKED = {  # the hand-worked example of tests/unit/test_cost_of_care.py: £31.50 an hour
    "hourly_pay": "12", "visit_minutes": "30", "travel_minutes_per_visit": "15",
    "miles_per_visit": "3", "pence_per_mile": "45", "training_percent": "5",
    "holiday_weeks": "4", "sick_pay_percent": "2", "ni_percent": "15",
    "ni_threshold_a_year": "5200", "weekly_paid_hours": "25", "pension_percent": "3",
    "pension_threshold_a_year": "7800", "overheads_per_hour": "5", "surplus_percent": "3",
}  # fmt: skip
COMMISSIONER = Actor("commissioner@example.org", Role.COMMISSIONER)


@pytest.fixture
def costed(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """Zones A and E at £15.80 an hour; Wyeside has 14 hours a week in A, Golden Valley 7 in
    A and 14 in E."""
    with uow:
        council = a_commissioner()
        service = a_service()
        zone_a = a_zone(commissioner=council)
        zone_e = a_zone(commissioner=council, code="E", name="Zone E", areas=("HR2",))
        wyeside, valley = a_provider(), a_provider(name="Golden Valley Care", cqc_location_ids=())
        uow.commissioners.add(council)
        uow.services.add(service)
        uow.zones.add_all([zone_a, zone_e])
        uow.providers.add_all([wyeside, valley])
        uow.rate_cards.add(a_rate_card(council, service))
        for number, (zone, provider, pattern) in enumerate(
            [(zone_a, wyeside, "4x30 daily"), (zone_a, valley, "2x30 daily"),
             (zone_e, valley, "4x30 daily")], start=1
        ):  # fmt: skip
            person = Person(commissioner=council, reference=f"P-{number}", postcode="HR6 8AA")
            uow.people.add(person)
            uow.packages.add(
                a_care_package(
                    reference=f"PKG-{number}",
                    commissioner=council,
                    zone=zone,
                    person=person,
                    service=service,
                    provider=provider,
                    pattern=parse_pattern(pattern),
                )
            )
        uow.commit()
    return uow


def save_worked(uow: SqlUnitOfWork, **overrides) -> None:
    values = {
        "commissioner": "HFD",
        "name": "Worked",
        "effective_from": date(2017, 4, 1),
        "inputs": WORKED,
        "zones": {"E": ("25", "8")},
        "by": COMMISSIONER,
        "now": A_MOMENT,
    }
    coc.save_scenario(uow, **(values | overrides))


def test_a_saved_scenario_reads_back_and_is_audited(costed: SqlUnitOfWork) -> None:
    save_worked(costed)
    scenario = coc.scenario_of(costed, commissioner="HFD", name="Worked")
    assert scenario.price_in("A").per_hour == D("31.50")
    assert scenario.travel_in("E").miles_per_visit == 8
    save_worked(costed, inputs={"hourly_pay": "12.50"}, zones=None)
    again = coc.scenario_of(costed, commissioner="HFD", name="Worked")
    assert again.inputs.hourly_pay == D("12.50")
    assert again.inputs.overheads_per_hour == 5  # kept from before
    assert again.travel_in("E").travel_minutes_per_visit == 25
    with costed:
        trail, _ = costed.audit.search(
            AuditFilter(object_type="cost-of-care scenario"), limit=10, offset=0
        )
        actions = sorted(e.action for e in trail)
        changed = next(e.changes for e in trail if e.action.endswith("changed"))
    assert actions == ["cost-of-care scenario changed", "cost-of-care scenario saved"]
    assert changed == {"hourly_pay": ["12", "12.50"]}


def test_unusable_inputs_are_refused_together_and_nothing_is_saved(costed) -> None:
    with pytest.raises(InvalidCostInputs) as refused:
        save_worked(costed, inputs={"hourly_pay": "-3"}, zones={"E": ("x", "1"), "Q": ("1", "1")})
    assert set(refused.value.problems) == {"hourly_pay", "zone Q"}
    with pytest.raises(InvalidCostInputs) as refused:
        save_worked(costed, inputs={"hourly_pay": "-3", "visit_minutes": "0"})
    assert set(refused.value.problems) == {"hourly_pay"}
    assert coc.list_scenarios(costed, commissioner="HFD") == []


def test_the_gap_by_zone_compares_the_model_with_the_rate_card(costed) -> None:
    save_worked(costed)
    gaps = {g.code: g for g in coc.gap_by_zone(costed, "HFD", ON)}
    zone_a = gaps["A"]
    assert zone_a.weekly_hours == 21  # 14 + 7
    assert zone_a.model_rate == D("31.50")
    assert zone_a.commissioned_rate == D("15.80")
    assert zone_a.gap_per_hour == D("-15.70")
    assert zone_a.annual_gap == D("-15.70") * 21 * 52
    rural = coc.scenario_of(costed, commissioner="HFD", name="Worked").price_in("E").per_hour
    assert gaps["E"].model_rate == rural > zone_a.model_rate
    assert gaps["E"].gap_per_hour == D("15.80") - rural


def test_a_providers_gap_weights_the_zones_by_its_hours(costed) -> None:
    save_worked(costed)
    table = coc.cost_of_care_report(costed, commissioner="HFD", on=ON)
    rural = coc.scenario_of(costed, commissioner="HFD").price_in("E").per_hour
    valley_model = (D("31.50") * 7 + rural * 14) / 21
    assert table.value("Golden Valley Care", "Model rate") == valley_model
    assert table.value("Wyeside Home Care", "Gap an hour") == D("-15.70")
    assert table.value("All zones", "Weekly hours") == 35


def test_with_no_scenario_saved_the_defaults_are_used(costed) -> None:
    gaps = coc.gap_by_zone(costed, "HFD", ON)
    assert {g.code: g.model_rate for g in gaps}["A"] == D("33.18")


def test_the_scenario_in_force_on_the_day_is_chosen(costed) -> None:
    save_worked(costed)
    save_worked(costed, name="Next year", effective_from=date(2018, 4, 1),
                inputs={"hourly_pay": "13"})  # fmt: skip
    assert coc.scenario_of(costed, commissioner="HFD", on=ON).name == "Worked"
    assert coc.scenario_of(costed, commissioner="HFD", on=date(2018, 5, 1)).name == "Next year"
    compared = coc.compare_scenarios(costed, commissioner="HFD", names=["Worked", "Next year"])
    assert compared.rows[0].cells[1] == D("31.50")
    assert compared.rows[0].cells[2] > D("31.50")
    with pytest.raises(NotFound):
        coc.scenario_of(costed, commissioner="HFD", name="Nothing")


def test_a_provider_submits_its_open_book_and_sees_only_its_own(costed) -> None:
    save_worked(costed)
    with costed:
        ids = {p.name: p.id for p in costed.providers.list()}
    wyeside = Actor("coordinator@wyeside.example", Role.PROVIDER, ids["Wyeside Home Care"])
    valley = Actor("office@valley.example", Role.PROVIDER, ids["Golden Valley Care"])
    lines = {Component.CONTACT: "12.50", Component.MILEAGE: "2.00", Component.SURPLUS: ""}
    year = {"period_start": date(2017, 4, 1), "period_end": date(2018, 3, 31)}
    coc.submit_open_book(costed, commissioner="HFD", **year, lines=lines, by=wyeside, now=A_MOMENT)
    coc.submit_open_book(costed, commissioner="HFD", period_start=date(2017, 4, 1),
                         period_end=date(2018, 3, 31), lines={Component.CONTACT: "13"},
                         by=valley, now=A_MOMENT)  # fmt: skip
    [own] = coc.open_book_comparisons(costed, commissioner="HFD", on=ON, by=wyeside)
    assert own.title == "Open book: Wyeside Home Care"
    assert own.value(Component.CONTACT, "Difference") == D("0.50")
    assert own.value(Component.MILEAGE, "Difference") == D("-0.70")
    assert own.value(Component.SURPLUS, "Provider's cost an hour") is None
    assert own.value("Total", "Provider's cost an hour") == D("14.50")
    assert own.value("Total", "Model's cost an hour") == D("31.50")
    everyone = coc.open_book_comparisons(costed, commissioner="HFD", on=ON, by=COMMISSIONER)
    assert len(everyone) == 2
    assert [s.provider for s in coc.open_book_submissions(costed, by=valley)] == [
        "Golden Valley Care"
    ]
    with pytest.raises(NotFound):
        coc.submit_open_book(costed, commissioner="HFD", period_start=ON, period_end=ON,
                             lines=lines, by=COMMISSIONER, now=A_MOMENT)  # fmt: skip
    with pytest.raises(InvalidCostInputs):
        coc.submit_open_book(costed, commissioner="HFD", period_start=ON, period_end=ON,
                             lines={"Biscuits": "1"}, by=wyeside, now=A_MOMENT)  # fmt: skip
