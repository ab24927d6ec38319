"""Providers' applications to a vehicle, and suspending or removing a provider, on the real
database (the market of brokerage_market: vehicle LCR, lot O-A, four providers)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from caremarket.domain.access import Actor, Role
from caremarket.domain.contracts import Term
from caremarket.domain.errors import NotFound
from caremarket.domain.hand_backs import HandBackReason
from caremarket.domain.market import CqcRating, ProviderStatus, Tier
from caremarket.domain.packages import PackageStatus
from caremarket.domain.procurement import (
    Admission,
    AdmissionMode,
    AdmissionRules,
    AdmissionWindow,
    ApplicationAlreadyDecided,
    ApplicationNotAdmissible,
    ApplicationStatus,
    InvalidDecision,
)
from caremarket.domain.sourcing import Outcome
from caremarket.domain.suspensions import ProviderAction, ProviderStatusNotChanged
from caremarket.services import applications, brokerage, contracts
from caremarket.services.applications import ApplicationForm, ApplyingForAnotherProvider
from caremarket.services.contracts import ContractAward
from caremarket.services.hand_backs import hand_back_package
from caremarket.services.ports import AuditFilter
from tests.builders import AN_ADMIN, a_care_package, a_lot
from tests.integration.brokerage_market import (
    FRIDAY_3PM,
    MONDAY_10AM,
    PREFERRED,
    WEEK,
    start,
)

COMMISSIONER = Actor("commissioner@example.org", Role.COMMISSIONER)
IN_WINDOW = datetime(2027, 1, 5, 10, tzinfo=UTC)
OUTSIDE = datetime(2027, 2, 10, 10, tzinfo=UTC)
QUARTERLY = AdmissionRules(
    Admission(
        AdmissionMode.WINDOWS,
        (
            AdmissionWindow(date(2027, 1, 1), date(2027, 1, 14)),
            AdmissionWindow(date(2027, 4, 1), date(2027, 4, 14)),
        ),
    ),
    required_documents=frozenset({"insurance certificate", "safeguarding policy"}),
)


def a_form(**overrides) -> ApplicationForm:
    values = {
        "provider": "Kirkby Home Care",
        "cqc_location_ids": ("1-555555555",),
        "cqc_rating": CqcRating.GOOD,
        "insurance_expires_on": date(2028, 3, 31),
        "capacity": {"A": Decimal("120.5")},
        "documents": frozenset({"insurance certificate", "safeguarding policy"}),
        "lots": ("O-A",),
    }
    return ApplicationForm(**(values | overrides))


@pytest.fixture
def quarterly(uow, market) -> dict[str, Actor]:
    applications.set_admission(uow, "LCR", QUARTERLY, by=COMMISSIONER, now=IN_WINDOW)
    return market


def audit_of(uow, object_type: str, ref: str) -> list[str]:
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type=object_type, object_ref=ref), limit=20, offset=0
        )
        return [e.action for e in entries]


def test_the_admission_set_is_read_back_and_audited(uow, quarterly) -> None:
    assert applications.admission_of(uow, "LCR") == QUARTERLY
    assert audit_of(uow, "vehicle", "LCR") == ["admission set"]


def test_an_application_outside_an_open_window_is_refused_with_the_next_window(
    uow, quarterly
) -> None:
    with pytest.raises(ApplicationNotAdmissible) as refused:
        applications.apply(uow, "LCR", a_form(), by=COMMISSIONER, now=OUTSIDE)
    [problem] = refused.value.problems
    assert problem.rule == "window"
    assert "outside an open window; the next window is 1 April 2027 to 14 April 2027" in str(
        problem
    )
    assert applications.list_applications(uow, viewer=AN_ADMIN) == []


def test_a_malformed_cqc_id_and_an_inadequate_rating_are_each_named_and_nothing_is_kept(
    uow, quarterly
) -> None:
    form = a_form(
        cqc_location_ids=("1-555555555", "CQC-42"),
        cqc_rating=CqcRating.INADEQUATE,
        documents=frozenset({"insurance certificate"}),
    )
    with pytest.raises(ApplicationNotAdmissible) as refused:
        applications.apply(uow, "LCR", form, by=COMMISSIONER, now=IN_WINDOW)
    rules = [p.rule for p in refused.value.problems]
    assert rules == ["cqc-location-id", "cqc-rating", "documents"]
    message = str(refused.value)
    assert "CQC-42" in message
    assert "the CQC rates Kirkby Home Care Inadequate" in message
    assert "missing documents: safeguarding policy" in message
    assert applications.list_applications(uow, viewer=AN_ADMIN) == []
    with uow:
        assert uow.providers.find("Kirkby Home Care") is None


def test_a_vehicle_without_admission_set_takes_no_applications(uow, market) -> None:
    with pytest.raises(ApplicationNotAdmissible, match="closed to new providers"):
        applications.apply(uow, "LCR", a_form(), by=COMMISSIONER, now=IN_WINDOW)


def test_a_new_provider_is_added_when_its_application_is_approved_not_before(
    uow, quarterly
) -> None:
    made = applications.apply(uow, "LCR", a_form(), by=COMMISSIONER, now=IN_WINDOW)
    assert made.status is ApplicationStatus.SUBMITTED
    assert made.capacity == {"A": Decimal("120.5")}
    with uow:
        assert uow.providers.find("Kirkby Home Care") is None

    approved = applications.approve(
        uow, made.id, tier=Tier.APPROVED, by=COMMISSIONER, now=IN_WINDOW
    )
    assert approved.status is ApplicationStatus.APPROVED
    assert (approved.tier, approved.decided_by) == (Tier.APPROVED, COMMISSIONER.name)
    with uow:
        lot = uow.vehicles.get("LCR").lot("O-A")
        member = lot.membership_of(uow.providers.get("Kirkby Home Care"))
        assert member is not None and member.tier is Tier.APPROVED
        assert uow.applications.get(made.id).memberships == [member]
    assert audit_of(uow, "application", str(made.id)) == [
        "application approved",
        "application made",
    ]


def test_an_application_already_decided_cannot_be_decided_again(uow, quarterly) -> None:
    made = applications.apply(uow, "LCR", a_form(), by=COMMISSIONER, now=IN_WINDOW)
    rejected = applications.reject(
        uow, made.id, reasons=["no capacity in the zones we need"], by=COMMISSIONER, now=IN_WINDOW
    )
    assert rejected.reasons == ("no capacity in the zones we need",)
    with pytest.raises(ApplicationAlreadyDecided):
        applications.approve(uow, made.id, tier=Tier.APPROVED, by=COMMISSIONER, now=IN_WINDOW)
    assert applications.list_applications(uow, viewer=AN_ADMIN, status=ApplicationStatus.REJECTED)


def test_a_provider_applies_only_for_itself_and_sees_only_its_own_applications(
    uow, quarterly
) -> None:
    mersey = quarterly["Mersey Care"]
    with pytest.raises(ApplyingForAnotherProvider):
        applications.apply(uow, "LCR", a_form(), by=mersey, now=IN_WINDOW)
    own = a_form(provider="Mersey Care", cqc_location_ids=("1-100000000",))
    applications.apply(uow, "LCR", own, by=mersey, now=IN_WINDOW)
    applications.apply(uow, "LCR", a_form(), by=COMMISSIONER, now=IN_WINDOW)
    assert [a.provider for a in applications.list_applications(uow, viewer=mersey)] == [
        "Mersey Care"
    ]
    assert len(applications.list_applications(uow, viewer=AN_ADMIN)) == 2


def a_package_held_by(uow, name: str, reference: str) -> None:
    with uow:
        like = uow.packages.get("PKG-0001")
        uow.packages.add(
            a_care_package(
                reference=reference,
                commissioner=like.commissioner,
                zone=like.zone,
                service=like.service,
                person=like.person,
                lot=uow.vehicles.get("LCR").lot("O-A"),
                provider=uow.providers.get(name),
                status=PackageStatus.ACTIVE,
                start_on=date(2026, 10, 1),
                pathway="O",
            )
        )
        uow.commit()


def test_a_suspension_shows_its_effect_on_active_packages_before_it_is_confirmed(
    uow, market
) -> None:
    a_package_held_by(uow, "Mersey Care", "PKG-0100")
    effect = applications.suspension_effect(
        uow, "Mersey Care", ProviderAction.SUSPEND, on=date(2026, 11, 20)
    )
    assert (effect.count, effect.packages, effect.to_source_again) == (1, ("PKG-0100",), ())
    assert effect.weekly_hours == Decimal(14)
    assert effect.description == (
        "suspending Mersey Care keeps 1 active package (14 hours a week) with it;"
        " it receives no new offers"
    )
    with uow:
        assert uow.providers.get("Mersey Care").status is ProviderStatus.ACTIVE

    removal = applications.suspension_effect(
        uow, "Mersey Care", ProviderAction.REMOVE, on=date(2026, 11, 20)
    )
    assert removal.to_source_again == ("PKG-0100",)


def test_a_suspended_provider_is_not_offered_new_packages(uow, market) -> None:
    applications.confirm_status_change(
        uow,
        "Mersey Care",
        ProviderAction.SUSPEND,
        on=date(2026, 11, 20),
        reason="CQC warning notice",
        by=COMMISSIONER,
        now=IN_WINDOW,
        week=WEEK,
    )
    with uow:
        assert uow.providers.get("Mersey Care").status is ProviderStatus.SUSPENDED
    assert audit_of(uow, "provider", "Mersey Care") == ["provider suspended"]

    offers = start(uow).state.offers
    assert [o.provider for o in offers] == ["Anfield Homecare"]
    with pytest.raises(ProviderStatusNotChanged):
        applications.suspension_effect(
            uow, "Mersey Care", ProviderAction.SUSPEND, on=date(2026, 11, 20)
        )


def test_an_unknown_provider_or_application_is_not_found(uow, market) -> None:
    with pytest.raises(NotFound):
        applications.suspension_effect(uow, "Nobody", ProviderAction.SUSPEND, on=date.today())
    with pytest.raises(NotFound):
        applications.reject(uow, 999, reasons=["x"], by=COMMISSIONER, now=IN_WINDOW)


def a_second_lot(uow) -> None:
    """Lot O-B beside O-A on vehicle LCR, for applications to some lots and not others."""
    with uow:
        vehicle = uow.vehicles.get("LCR")
        vehicle.lots.append(a_lot(code="O-B", name="O pathway zone B", max_providers=None))
        uow.commit()


def test_a_commissioner_approves_some_lots_and_declines_the_others_with_reasons(
    uow, quarterly
) -> None:
    a_second_lot(uow)
    made = applications.apply(
        uow, "LCR", a_form(lots=("O-A", "O-B")), by=COMMISSIONER, now=IN_WINDOW
    )
    with pytest.raises(InvalidDecision, match="say why lot O-B is declined"):
        applications.approve(
            uow, made.id, tier=Tier.APPROVED, lots=["O-A"], by=COMMISSIONER, now=IN_WINDOW
        )
    with pytest.raises(InvalidDecision, match="did not apply for lot O-C"):
        applications.approve(
            uow, made.id, tier=Tier.APPROVED, lots=["O-C"], by=COMMISSIONER, now=IN_WINDOW
        )

    approved = applications.approve(
        uow,
        made.id,
        tier=Tier.APPROVED,
        lots=["O-A"],
        declined={"O-B": "zone B has enough providers"},
        reasons=["strong local workforce"],
        by=COMMISSIONER,
        now=IN_WINDOW,
    )

    assert approved.status is ApplicationStatus.APPROVED
    assert approved.admitted_lots == ("O-A",)
    assert approved.declined == {"O-B": "zone B has enough providers"}
    assert approved.general_reasons == ("strong local workforce",)
    with uow:
        vehicle = uow.vehicles.get("LCR")
        kirkby = uow.providers.get("Kirkby Home Care")
        assert vehicle.lot("O-A").membership_of(kirkby) is not None
        assert vehicle.lot("O-B").membership_of(kirkby) is None
    [shown] = applications.list_applications(uow, viewer=AN_ADMIN)
    assert shown.declined == {"O-B": "zone B has enough providers"}


def test_approving_a_known_provider_refreshes_its_cqc_rating_and_locations(uow, quarterly) -> None:
    a_second_lot(uow)
    mersey = quarterly["Mersey Care"]
    form = a_form(
        provider="Mersey Care",
        cqc_location_ids=("1-100000000", "1-200000000"),
        cqc_rating=CqcRating.OUTSTANDING,
        lots=("O-B",),
    )
    made = applications.apply(uow, "LCR", form, by=mersey, now=IN_WINDOW)

    applications.approve(uow, made.id, tier=Tier.PREFERRED, by=COMMISSIONER, now=IN_WINDOW)

    with uow:
        provider = uow.providers.get("Mersey Care")
        assert provider.cqc_rating is CqcRating.OUTSTANDING
        assert provider.cqc_location_ids == ("1-100000000", "1-200000000")
        entries, _ = uow.audit.search(
            AuditFilter(object_type="provider", object_ref="Mersey Care"), limit=5, offset=0
        )
        [refreshed] = [e for e in entries if e.action == "provider refreshed from its application"]
        assert refreshed.changes["cqc_rating"] == ["Good", "Outstanding"]
        assert refreshed.changes["cqc_location_ids"] == [
            ["1-100000000"],
            ["1-100000000", "1-200000000"],
        ]


def test_removing_a_provider_ends_its_places_and_sources_its_packages_again(uow, market) -> None:
    a_package_held_by(uow, "Mersey Care", "PKG-0100")
    preview = applications.suspension_effect(
        uow, "Mersey Care", ProviderAction.REMOVE, on=date(2026, 11, 20)
    )
    assert [(p.vehicle, p.lot, p.tier) for p in preview.places_ended] == [
        ("LCR", "O-A", "preferred")
    ]

    done = applications.confirm_status_change(
        uow,
        "Mersey Care",
        ProviderAction.REMOVE,
        on=date(2026, 11, 20),
        reason="contract terminated",
        by=COMMISSIONER,
        now=IN_WINDOW,
        week=WEEK,
    )

    assert done.sourced_again == ("PKG-0100",)
    with uow:
        mersey = uow.providers.get("Mersey Care")
        assert mersey.status is ProviderStatus.EXITED
        assert uow.vehicles.get("LCR").lot("O-A").membership_of(mersey) is None
        package = uow.packages.get("PKG-0100")
        # it keeps delivering care until a new provider starts
        assert (package.status, package.provider) == (PackageStatus.ACTIVE, mersey)
        sourcing = uow.sourcings.current(package)
        assert sourcing.cause == "provider removed"
        assert "Mersey Care" not in {c.provider for c in sourcing.state.candidates}
        assert {o.provider for o in sourcing.state.offers} == {"Anfield Homecare"}
        entries, _ = uow.audit.search(
            AuditFilter(object_type="provider", object_ref="Mersey Care"), limit=5, offset=0
        )
        [removed] = [e for e in entries if e.action == "provider removed"]
        assert removed.changes["places_ended"] == [
            {
                "vehicle": "LCR",
                "lot": "O-A",
                "provider": "Mersey Care",
                "tier": "preferred",
                "lead": None,
                "joined_on": None,
            }
        ]
        assert removed.reason == "contract terminated"


def test_a_removal_without_the_working_week_changes_nothing(uow, market) -> None:
    with pytest.raises(applications.WorkingWeekNeeded, match="to remove a provider"):
        applications.confirm_status_change(
            uow,
            "Mersey Care",
            ProviderAction.REMOVE,
            on=date(2026, 11, 20),
            reason="contract terminated",
            by=COMMISSIONER,
            now=IN_WINDOW,
        )
    with uow:
        assert uow.providers.get("Mersey Care").status is ProviderStatus.ACTIVE


def test_a_reinstated_provider_is_offered_new_packages_again(uow, market) -> None:
    day = date(2026, 11, 20)
    for action in (ProviderAction.SUSPEND, ProviderAction.REINSTATE):
        applications.confirm_status_change(
            uow,
            "Mersey Care",
            action,
            on=day,
            reason="CQC",
            by=COMMISSIONER,
            now=IN_WINDOW,
            week=WEEK,
        )
    with uow:
        assert uow.providers.get("Mersey Care").status is ProviderStatus.ACTIVE
    assert audit_of(uow, "provider", "Mersey Care") == [
        "provider reinstated",
        "provider suspended",
    ]
    offers = start(uow).state.offers
    assert {o.provider for o in offers} == {"Mersey Care", "Anfield Homecare"}
    with pytest.raises(ProviderStatusNotChanged, match="not suspended"):
        applications.suspension_effect(uow, "Mersey Care", ProviderAction.REINSTATE, on=day)


def test_a_provider_suspended_mid_round_is_asked_no_more_in_it(uow, market) -> None:
    """Liverpool: the preferred providers are offered PKG-0001 first; Dingle Care, approved,
    is suspended before the approved providers' stage and is not offered it then."""
    first = start(uow)
    assert {o.provider for o in first.state.offers} == set(PREFERRED)
    for name in ("Dingle Care", "Mersey Care"):  # one waiting its stage, one with an offer
        applications.confirm_status_change(
            uow,
            name,
            ProviderAction.SUSPEND,
            on=date(2026, 11, 20),
            reason="CQC warning notice",
            by=COMMISSIONER,
            now=FRIDAY_3PM,
            week=WEEK,
        )
    with uow:
        sourcing = uow.sourcings.current(uow.packages.get("PKG-0001"))
        outcomes = {o.provider: o.outcome for o in sourcing.state.offers}
        assert outcomes["Mersey Care"] is Outcome.WITHDRAWN
        assert outcomes["Anfield Homecare"] is None  # still open
        mersey = uow.providers.get("Mersey Care")
        [told, *_] = uow.notifications.for_provider(mersey.id, limit=5)
        assert "suspended or removed from the market" in told.body
        assert "placed elsewhere" not in told.body
        assert "Dingle Care" not in {c.provider for c in sourcing.state.candidates}
        entries, _ = uow.audit.search(
            AuditFilter(object_type="provider", object_ref="Dingle Care"), limit=5, offset=0
        )
        assert entries[0].changes["rounds_left"] == ["PKG-0001"]

    brokerage.tick(uow, now=MONDAY_10AM, week=WEEK)  # the preferred providers' window ends

    with uow:
        sourcing = uow.sourcings.current(uow.packages.get("PKG-0001"))
        approved_stage = {o.provider for o in sourcing.state.offers if o.stage == 1}
    assert approved_stage == {"Everton Carers"}


def test_a_package_already_handed_back_is_left_to_its_round_on_removal(uow, market) -> None:
    a_package_held_by(uow, "Mersey Care", "PKG-0100")
    hand_back_package(
        uow,
        "PKG-0100",
        reason=HandBackReason.STAFFING,
        by=market["Mersey Care"],
        now=FRIDAY_3PM,
        week=WEEK,
    )
    done = applications.confirm_status_change(
        uow,
        "Mersey Care",
        ProviderAction.REMOVE,
        on=date(2026, 11, 20),
        reason="contract terminated",
        by=COMMISSIONER,
        now=FRIDAY_3PM,
        week=WEEK,
    )
    assert (done.to_source_again, done.sourced_again) == (("PKG-0100",), ())
    with uow:
        rounds = uow.sourcings.rounds(uow.packages.get("PKG-0100"))
    assert [r.cause for r in rounds] == ["handed back"]


def test_removing_a_provider_ends_its_contracts_in_force_the_day_before(uow, market) -> None:
    award = ContractAward(
        vehicle="LCR",
        lot="O-A",
        provider="Mersey Care",
        commissioner="HFD",
        term=Term.of_years(date(2026, 4, 1), 3),
        rate_card="2017/18",
        awarded_on=date(2026, 3, 1),
    )
    contracts.award_contract(uow, award, by=COMMISSIONER, now=IN_WINDOW)
    later = ContractAward(**(vars(award) | {"term": Term.of_years(date(2027, 4, 1), 1)}))
    contracts.award_contract(uow, later, by=COMMISSIONER, now=IN_WINDOW)
    removal = {"on": date(2026, 11, 20)}
    preview = applications.suspension_effect(uow, "Mersey Care", ProviderAction.REMOVE, **removal)
    assert preview.contracts_ended == ("LCR-O-A-1",)  # the one not yet begun is left
    assert contracts.get_contract(uow, "LCR-O-A-1", viewer=COMMISSIONER, on=date(2026, 11, 1))

    done = applications.confirm_status_change(
        uow,
        "Mersey Care",
        ProviderAction.REMOVE,
        reason="contract terminated",
        by=COMMISSIONER,
        now=IN_WINDOW,
        week=WEEK,
        **removal,
    )
    assert done.contracts_ended == ("LCR-O-A-1",)
    ended = contracts.get_contract(uow, "LCR-O-A-1", viewer=COMMISSIONER, on=date(2026, 12, 1))
    assert (ended.ends_on, ended.status.value) == (date(2026, 11, 19), "ended")
    assert ended.end_reason == "provider removed: contract terminated"
    assert "contract ended early" in audit_of(uow, "contract", "LCR-O-A-1")
    with uow:
        entries, _ = uow.audit.search(
            AuditFilter(object_type="provider", object_ref="Mersey Care"), limit=5, offset=0
        )
        [removed] = [e for e in entries if e.action == "provider removed"]
        assert removed.changes["contracts_ended"] == ["LCR-O-A-1"]
