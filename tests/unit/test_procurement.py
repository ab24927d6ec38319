"""Joining a vehicle: admission windows, providers' applications, and suspending or removing
a provider.

An application outside an open window, with a malformed CQC ID, or from an 'Inadequate'
provider is refused with a clear reason; a suspension shows its effect on active packages
before it is confirmed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.errors import InvalidMembership
from caremarket.domain.market import (
    CqcRating,
    ProviderStatus,
    Tier,
    Vehicle,
    VehicleKind,
)
from caremarket.domain.packages import PackageStatus
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.procurement import (
    Admission,
    AdmissionMode,
    AdmissionRules,
    AdmissionWindow,
    Application,
    ApplicationAlreadyDecided,
    ApplicationNotAdmissible,
    ApplicationStatus,
    InvalidAdmission,
    InvalidDecision,
    approve,
    is_admissible,
    problems,
    quarterly_windows,
    refresh,
    reject,
)
from caremarket.domain.suspensions import (
    HeldPackages,
    ProviderAction,
    ProviderStatusNotChanged,
    confirm,
    effect_of,
)
from tests.builders import a_care_package, a_lot, a_provider, a_zone

QUARTERLY = Admission(
    AdmissionMode.WINDOWS, quarterly_windows(date(2024, 1, 1), date(2024, 12, 31))
)


def a_vehicle() -> Vehicle:
    return Vehicle(
        "STH-DPS",
        "St Helens home care dynamic market",
        VehicleKind.DYNAMIC_MARKET,
        lots=[
            a_lot(code=code, zones=[a_zone(code=code, areas=())], max_providers=2)
            for code in ("NORTH", "SOUTH")
        ],
    )


def the_rules(**overrides: Any) -> AdmissionRules:
    values: dict[str, Any] = {
        "admission": QUARTERLY,
        "required_documents": frozenset({"insurance certificate", "safeguarding policy"}),
        "insured_until": date(2024, 12, 31),
    }
    return AdmissionRules(**(values | overrides))


def an_application(**overrides: Any) -> Application:
    values: dict[str, Any] = {
        "provider_name": "Haydock Home Care",
        "cqc_location_ids": ("1-101634823",),
        "cqc_rating": CqcRating.GOOD,
        "insurance_expires_on": date(2025, 3, 31),
        "capacity": {"NORTH": Decimal(700)},
        "documents": frozenset({"insurance certificate", "safeguarding policy"}),
        "lots": ("NORTH",),
        "applied_on": date(2024, 4, 3),
    }
    return Application(**(values | overrides))


# admission


def test_quarterly_windows_are_the_first_fourteen_days_of_each_quarter() -> None:
    assert [(w.opens_on, w.closes_on) for w in QUARTERLY.windows] == [
        (date(2024, 1, 1), date(2024, 1, 14)),
        (date(2024, 4, 1), date(2024, 4, 14)),
        (date(2024, 7, 1), date(2024, 7, 14)),
        (date(2024, 10, 1), date(2024, 10, 14)),
    ]


def test_a_quarterly_market_is_open_only_in_its_windows_and_names_the_next() -> None:
    assert QUARTERLY.is_open(date(2024, 4, 14))
    assert not QUARTERLY.is_open(date(2024, 4, 15))
    assert QUARTERLY.next_window(date(2024, 4, 15)) == AdmissionWindow(
        date(2024, 7, 1), date(2024, 7, 14)
    )
    assert QUARTERLY.next_window(date(2024, 4, 2)).opens_on == date(2024, 4, 1)  # type: ignore[union-attr]
    assert QUARTERLY.next_window(date(2024, 10, 15)) is None
    assert QUARTERLY.describe(date(2024, 5, 1)) == (
        "closed until the next window, 1 July 2024 to 14 July 2024"
    )


def test_a_dynamic_market_is_always_open_and_a_closed_framework_never() -> None:
    assert Admission(AdmissionMode.ALWAYS_OPEN).is_open(date(2030, 1, 1))
    assert not Admission(AdmissionMode.CLOSED).is_open(date(2030, 1, 1))
    assert Admission(AdmissionMode.CLOSED).next_window(date(2030, 1, 1)) is None


def test_windows_must_be_given_for_windowed_admission_and_must_not_overlap() -> None:
    with pytest.raises(InvalidAdmission):
        Admission(AdmissionMode.WINDOWS)
    with pytest.raises(InvalidAdmission, match="overlap"):
        Admission(
            AdmissionMode.WINDOWS,
            (
                AdmissionWindow(date(2024, 1, 1), date(2024, 1, 31)),
                AdmissionWindow(date(2024, 1, 31), date(2024, 2, 14)),
            ),
        )
    with pytest.raises(InvalidAdmission):
        AdmissionWindow(date(2024, 2, 1), date(2024, 1, 1))


# applications


def test_an_application_meeting_every_rule_is_admissible() -> None:
    assert problems(an_application(), a_vehicle(), the_rules()) == ()


def test_an_application_outside_an_open_window_is_refused_saying_when_the_next_opens() -> None:
    found = problems(an_application(applied_on=date(2024, 5, 1)), a_vehicle(), the_rules())
    assert [str(p) for p in found] == [
        "applied on 1 May 2024, outside an open window;"
        " the next window is 1 July 2024 to 14 July 2024"
    ]


def test_an_application_with_a_malformed_cqc_id_is_refused_saying_what_one_looks_like() -> None:
    found = problems(an_application(cqc_location_ids=("101634823",)), a_vehicle(), the_rules())
    assert [p.rule for p in found] == ["cqc-location-id"]
    assert "'1-' followed by digits" in str(found[0])


def test_an_application_from_an_inadequate_provider_is_refused_unless_the_rules_allow_it() -> None:
    inadequate = an_application(cqc_rating=CqcRating.INADEQUATE)
    found = problems(inadequate, a_vehicle(), the_rules())
    assert [str(p) for p in found] == ["the CQC rates Haydock Home Care Inadequate"]
    assert is_admissible(inadequate, a_vehicle(), the_rules(inadequate_allowed=True))


def test_every_problem_is_listed_not_only_the_first() -> None:
    application = an_application(
        cqc_location_ids=("1-101634823", "CQC-1"),
        cqc_rating=CqcRating.INADEQUATE,
        documents=frozenset({"insurance certificate"}),
        insurance_expires_on=date(2024, 6, 30),
        lots=("NORTH", "EAST"),
        applied_on=date(2024, 2, 1),
        capacity={"NORTH": Decimal(-5)},
    )
    found = problems(application, a_vehicle(), the_rules())
    assert [p.rule for p in found] == [
        "cqc-location-id",
        "cqc-rating",
        "documents",
        "insurance",
        "window",
        "lots",
        "capacity",
    ]
    assert "missing documents: safeguarding policy" in [str(p) for p in found]
    assert "vehicle STH-DPS has no lot EAST" in [str(p) for p in found]
    assert "the insurance expires on 30 June 2024; it must cover at least 31 December 2024" in [
        str(p) for p in found
    ]


def test_capacity_is_offered_only_in_the_vehicles_zones() -> None:
    application = an_application(capacity={"NORTH": Decimal(700), "WEST": Decimal(20)})
    found = problems(application, a_vehicle(), the_rules())
    assert [str(p) for p in found] == [
        "capacity is offered in zone WEST, which no lot of vehicle STH-DPS covers"
    ]


def test_a_closed_framework_refuses_every_application() -> None:
    rules = the_rules(admission=Admission(AdmissionMode.CLOSED))
    found = problems(an_application(), a_vehicle(), rules)
    assert [str(p) for p in found] == [
        "the vehicle is closed to new providers (applied on 3 April 2024)"
    ]


def test_approving_admits_the_provider_to_each_lot_applied_for_at_the_tier() -> None:
    vehicle = a_vehicle()
    application = an_application(lots=("NORTH", "SOUTH"))
    provider = approve(
        application, vehicle, the_rules(), tier=Tier.APPROVED, on=date(2024, 4, 20), by="panel"
    )
    assert provider.name == "Haydock Home Care"
    assert provider.cqc_location_ids == ("1-101634823",)
    for code in ("NORTH", "SOUTH"):
        membership = vehicle.lot(code).membership_of(provider)
        assert membership is not None
        assert (membership.tier, membership.joined_on) == (Tier.APPROVED, date(2024, 4, 20))
    assert application.status is ApplicationStatus.APPROVED
    assert (application.decided_on, application.decided_by) == (date(2024, 4, 20), "panel")
    assert len(application.memberships) == 2


def test_an_application_with_problems_cannot_be_approved_and_all_are_named() -> None:
    application = an_application(cqc_rating=CqcRating.INADEQUATE, applied_on=date(2024, 5, 1))
    with pytest.raises(ApplicationNotAdmissible) as refused:
        approve(application, a_vehicle(), the_rules(), tier=Tier.APPROVED, on=date(2024, 5, 2),
                by="panel")  # fmt: skip
    assert len(refused.value.problems) == 2
    assert "Inadequate" in str(refused.value) and "outside an open window" in str(refused.value)
    assert application.status is ApplicationStatus.SUBMITTED


def test_approval_admits_to_all_the_lots_or_to_none() -> None:
    vehicle = a_vehicle()
    vehicle.lot("SOUTH").admit(a_provider(name="A"), Tier.APPROVED)
    vehicle.lot("SOUTH").admit(a_provider(name="B"), Tier.APPROVED)  # SOUTH is full
    application = an_application(lots=("NORTH", "SOUTH"))
    with pytest.raises(InvalidMembership, match="maximum of 2"):
        approve(application, vehicle, the_rules(), tier=Tier.APPROVED, on=date(2024, 4, 20),
                by="panel")  # fmt: skip
    assert vehicle.lot("NORTH").members == []
    assert application.status is ApplicationStatus.SUBMITTED


def test_a_rejection_gives_its_reasons() -> None:
    application = an_application(cqc_rating=CqcRating.INADEQUATE)
    found = problems(application, a_vehicle(), the_rules())
    reject(application, on=date(2024, 4, 20), by="panel", reasons=[str(p) for p in found])
    assert application.status is ApplicationStatus.REJECTED
    assert application.reasons == ("the CQC rates Haydock Home Care Inadequate",)
    with pytest.raises(InvalidDecision, match="at least one reason"):
        reject(an_application(), on=date(2024, 4, 20), by="panel", reasons=[])


def test_an_application_status_moves_only_forward() -> None:
    application = an_application()
    reject(application, on=date(2024, 4, 20), by="panel", reasons=["capacity not evidenced"])
    with pytest.raises(ApplicationAlreadyDecided, match="already rejected on 20 April 2024"):
        approve(application, a_vehicle(), the_rules(), tier=Tier.APPROVED, on=date(2024, 4, 21),
                by="panel")  # fmt: skip
    with pytest.raises(ApplicationAlreadyDecided):
        reject(application, on=date(2024, 4, 21), by="panel", reasons=["again"])


def test_an_application_cannot_be_decided_before_it_was_made() -> None:
    with pytest.raises(InvalidDecision):
        reject(an_application(), on=date(2024, 4, 1), by="panel", reasons=["too early"])


flaws = st.fixed_dictionaries(
    {
        "cqc-location-id": st.booleans(),
        "cqc-rating": st.booleans(),
        "documents": st.booleans(),
        "insurance": st.booleans(),
        "window": st.booleans(),
        "lots": st.booleans(),
    }
)


@given(flaws=flaws, inadequate_allowed=st.booleans())
def test_an_application_has_a_problem_for_each_rule_it_breaks_and_none_otherwise(
    flaws: dict[str, bool], inadequate_allowed: bool
) -> None:
    application = an_application(
        cqc_location_ids=("1-123" if flaws["cqc-location-id"] else "1-101634823",),
        cqc_rating=CqcRating.INADEQUATE if flaws["cqc-rating"] else CqcRating.REQUIRES_IMPROVEMENT,
        documents=frozenset({"insurance certificate"} if flaws["documents"] else
                            {"insurance certificate", "safeguarding policy", "business plan"}),
        insurance_expires_on=date(2024, 12, 1) if flaws["insurance"] else date(2025, 1, 1),
        applied_on=date(2024, 9, 1) if flaws["window"] else date(2024, 7, 14),
        lots=("NORTH", "WEST") if flaws["lots"] else ("SOUTH",),
    )  # fmt: skip
    rules = the_rules(inadequate_allowed=inadequate_allowed)
    broken = {rule for rule, flawed in flaws.items() if flawed}
    if inadequate_allowed:
        broken.discard("cqc-rating")
    found = problems(application, a_vehicle(), rules)
    assert {p.rule for p in found} == broken
    assert is_admissible(application, a_vehicle(), rules) == (not broken)


# suspension and removal


def packages_of(provider: Any) -> list[Any]:
    zone_a, zone_b = a_zone(code="A"), a_zone(code="B")
    north, south = a_lot(code="NORTH"), a_lot(code="SOUTH")
    other = a_provider(name="Someone Else")
    return [
        a_care_package(reference="P1", zone=zone_a, lot=north, provider=provider),
        a_care_package(reference="P2", zone=zone_a, lot=north, provider=provider,
                       pattern=parse_pattern("1x60 Mon-Fri")),
        a_care_package(reference="P3", zone=zone_b, lot=south, provider=provider),
        a_care_package(reference="P4", zone=zone_b, lot=south, provider=provider,
                       status=PackageStatus.ENDED),
        a_care_package(reference="P5", zone=zone_b, lot=south, provider=provider,
                       start_on=date(2030, 1, 1)),
        a_care_package(reference="P6", zone=zone_a, lot=north, provider=other),
    ]  # fmt: skip


def test_a_suspension_shows_its_effect_on_active_packages_before_it_is_confirmed() -> None:
    provider = a_provider()
    effect = effect_of(ProviderAction.SUSPEND, provider, packages_of(provider), on=date(2024, 5, 1))
    assert provider.status is ProviderStatus.ACTIVE  # nothing changed yet
    assert [p.reference for p in effect.packages] == ["P1", "P2", "P3"]
    assert (effect.count, effect.weekly_hours) == (3, Decimal(33))
    assert effect.by_zone_and_lot == (
        HeldPackages("A", "NORTH", 2, Decimal(19)),
        HeldPackages("B", "SOUTH", 1, Decimal(14)),
    )
    assert effect.to_source_again == ()
    assert len(effect.kept_without_new_offers) == 3
    assert effect.describe() == (
        "suspending Wyeside Home Care keeps 3 active packages (33 hours a week) with it;"
        " it receives no new offers"
    )

    change = confirm(effect, by="commissioner@example.org", reason="CQC rated Inadequate")
    assert provider.status is ProviderStatus.SUSPENDED
    assert (change.before, change.after, change.on) == (
        ProviderStatus.ACTIVE,
        ProviderStatus.SUSPENDED,
        date(2024, 5, 1),
    )
    assert change.reason == "CQC rated Inadequate"


def test_a_removal_shows_the_packages_that_must_be_sourced_again() -> None:
    provider = a_provider(status=ProviderStatus.SUSPENDED)
    effect = effect_of(ProviderAction.REMOVE, provider, packages_of(provider), on=date(2024, 5, 1))
    assert [p.reference for p in effect.to_source_again] == ["P1", "P2", "P3"]
    assert effect.describe() == (
        "removing Wyeside Home Care leaves 3 active packages (33 hours a week) to be sourced again"
    )
    confirm(effect, by="commissioner@example.org", reason="contract terminated")
    assert provider.status is ProviderStatus.EXITED


def test_only_an_active_provider_is_suspended_and_a_removed_one_stays_removed() -> None:
    with pytest.raises(ProviderStatusNotChanged, match="is suspended and cannot be suspended"):
        effect_of(
            ProviderAction.SUSPEND,
            a_provider(status=ProviderStatus.SUSPENDED),
            [],
            on=date(2024, 5, 1),
        )
    with pytest.raises(ProviderStatusNotChanged, match="already left"):
        effect_of(
            ProviderAction.REMOVE, a_provider(status=ProviderStatus.EXITED), [], on=date(2024, 5, 1)
        )


def test_a_suspension_is_confirmed_only_with_who_and_why() -> None:
    provider = a_provider()
    effect = effect_of(ProviderAction.SUSPEND, provider, [], on=date(2024, 5, 1))
    with pytest.raises(InvalidDecision):
        confirm(effect, by="commissioner@example.org", reason=" ")
    assert provider.status is ProviderStatus.ACTIVE


def test_a_removal_ends_the_providers_places_and_its_subcontractors_through_it() -> None:
    lead, sub, other = a_provider(), a_provider(name="Sub Care"), a_provider(name="Other Care")
    vehicle = a_vehicle()
    north = vehicle.lot("NORTH")
    north.admit(lead, Tier.LEAD)
    north.admit(sub, Tier.SUBCONTRACTOR, lead=lead)
    vehicle.lot("SOUTH").admit(other, Tier.APPROVED)
    effect = effect_of(ProviderAction.REMOVE, lead, [], on=date(2024, 5, 1), vehicles=[vehicle])
    assert [(p.lot.code, p.provider, p.tier) for p in effect.places_ended] == [
        ("NORTH", "Wyeside Home Care", Tier.LEAD),
        ("NORTH", "Sub Care", Tier.SUBCONTRACTOR),
    ]
    assert len(north.members) == 2  # nothing changed yet

    confirm(effect, by="commissioner@example.org", reason="contract terminated")
    assert north.members == []
    assert [m.provider for m in vehicle.lot("SOUTH").members] == [other]


def test_a_reinstatement_lifts_a_suspension_and_keeps_the_packages() -> None:
    provider = a_provider(status=ProviderStatus.SUSPENDED)
    effect = effect_of(
        ProviderAction.REINSTATE, provider, packages_of(provider), on=date(2024, 5, 1)
    )
    assert (len(effect.kept), effect.to_source_again) == (3, ())
    assert effect.describe().startswith("reinstating Wyeside Home Care: it receives new offers")
    confirm(effect, by="commissioner@example.org", reason="CQC re-inspected: Good")
    assert provider.status is ProviderStatus.ACTIVE
    with pytest.raises(ProviderStatusNotChanged, match="not suspended"):
        effect_of(ProviderAction.REINSTATE, provider, [], on=date(2024, 5, 1))


def test_a_partial_approval_joins_the_lots_approved_and_records_why_the_others_are_not() -> None:
    vehicle = a_vehicle()
    application = an_application(lots=("NORTH", "SOUTH"))
    with pytest.raises(InvalidDecision, match="at least one lot"):
        approve(application, vehicle, the_rules(), tier=Tier.APPROVED, on=date(2024, 4, 5),
                by="panel", lots=[])  # fmt: skip
    provider = approve(
        application,
        vehicle,
        the_rules(),
        tier=Tier.APPROVED,
        on=date(2024, 4, 5),
        by="panel",
        declined={"SOUTH": "no demand in the south"},
    )
    assert vehicle.lot("NORTH").membership_of(provider) is not None
    assert vehicle.lot("SOUTH").membership_of(provider) is None
    assert application.admitted_lots == ("NORTH",)
    assert application.declined == {"SOUTH": "no demand in the south"}
    assert application.reasons == ("lot SOUTH declined: no demand in the south",)


def test_approval_brings_a_known_provider_up_to_date_from_its_application() -> None:
    provider = a_provider(status=ProviderStatus.EXITED, cqc_rating=CqcRating.REQUIRES_IMPROVEMENT)
    application = an_application(cqc_location_ids=("1-101634823", "1-200000001"))
    assert refresh(provider, application) == {
        "cqc_rating": ["Requires improvement", "Good"],
        "cqc_location_ids": [["1-101634823"], ["1-101634823", "1-200000001"]],
        "status": ["exited", "active"],
    }
    assert refresh(provider, application) == {}
