"""Visit schedules from history on the database: a package's planned visits follow its pattern
changes and its suspensions; payment runs and ECM matching plan from them, so a visit
delivered in a hospital stay has no planned counterpart and is held."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.calendar import LONDON
from caremarket.domain.changes import propose_change
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.errors import NotFound
from caremarket.domain.package_suspensions import SuspensionAlreadyEnded, SuspensionRefused
from caremarket.domain.package_suspensions import SuspensionReason as Reason
from caremarket.domain.patterns import parse_pattern
from caremarket.domain.schedules import DateRange
from caremarket.imports.ecm import caremarket_row
from caremarket.services import ecm, payments, schedules
from caremarket.services.ports import AuditFilter
from tests.builders import A_MOMENT, a_provider
from tests.integration.ecm_market import MARCHES, build_ecm_market, provider_actor
from tests.integration.test_payment_runs import FINANCE, a_record, keep, kept, lines_of

__all__ = ["kept"]  # the fixture, from the payment runs' tests

FOUR_WEEKS = DateRange(date(2018, 4, 2), date(2018, 4, 29))  # Monday to Sunday
BROKER = Actor("broker@example.org", Role.BROKER)


def holder(ids: dict[str, int]) -> Actor:
    return Actor("coordinator@wyeside.example", Role.PROVIDER, provider_id=ids["provider"])


def planned(uow: SqlUnitOfWork, period: DateRange = FOUR_WEEKS) -> list[tuple[date, time, int]]:
    with uow:
        package = uow.packages.get("PKG-0001")
        return [
            (v.day, v.starts, v.minutes) for v in schedules.planned_visits(uow, [package], period)
        ]


def days(first: date, last: date) -> list[date]:
    return list(DateRange(first, last).days())


def test_a_pattern_changed_mid_period_plans_the_old_visits_before_and_the_new_after(
    uow: SqlUnitOfWork, kept
) -> None:
    """1x30 daily from 1 March; a change to 2x30 daily from Monday 16 April (approved on
    12 April), a rejected change to 3x30 daily, and a trusted-assessor reduction back to
    1x30 daily from Monday 23 April: two weeks of one call, one of two, one of one."""
    with uow:
        package = uow.packages.get("PKG-0001")
        provider = package.provider
        increase = propose_change(
            package,
            provider=provider,
            pattern=parse_pattern("2x30 daily"),
            effective_on=date(2018, 4, 16),
            reason="needs help at tea time",
            at=datetime(2018, 4, 10, 9, tzinfo=A_MOMENT.tzinfo),
            by="coordinator",
        )
        increase.decide(approve=True, at=datetime(2018, 4, 12, 9, tzinfo=A_MOMENT.tzinfo), by="b")
        rejected = propose_change(
            package,
            provider=provider,
            pattern=parse_pattern("3x30 daily"),
            effective_on=date(2018, 4, 18),
            reason="asked for more",
            at=datetime(2018, 4, 13, 9, tzinfo=A_MOMENT.tzinfo),
            by="coordinator",
        )
        rejected.decide(approve=False, at=datetime(2018, 4, 13, 10, tzinfo=A_MOMENT.tzinfo), by="b")
        reduction = propose_change(
            package,
            provider=provider,
            pattern=parse_pattern("1x30 daily"),
            effective_on=date(2018, 4, 23),
            reason="managing her tea herself",
            at=datetime(2018, 4, 20, 9, tzinfo=A_MOMENT.tzinfo),
            by="coordinator",
            reduction_limit=50,  # type: ignore[arg-type]
        )
        assert reduction.status.value == "applied"
        uow.changes.add_all([increase, rejected, reduction])
        uow.commit()
    morning, lunch = time(7, 30), time(15, 0)
    expected = [(d, morning, 30) for d in days(date(2018, 4, 2), date(2018, 4, 15))]
    for d in days(date(2018, 4, 16), date(2018, 4, 22)):
        expected += [(d, morning, 30), (d, lunch, 30)]
    expected += [(d, morning, 30) for d in days(date(2018, 4, 23), date(2018, 4, 29))]
    assert planned(uow) == expected
    assert len(expected) == 14 + 14 + 7


def test_a_hospital_stay_inside_four_weeks_plans_no_visits_on_its_days(
    uow: SqlUnitOfWork, kept
) -> None:
    """1x30 daily; a hospital stay from Wednesday 11 April, open until the provider ends it
    with its last day on Tuesday 17 April: no visits those seven days, 21 in all."""
    stay = schedules.record_suspension(
        uow,
        "PKG-0001",
        from_on=date(2018, 4, 11),
        to_on=None,
        reason=Reason.HOSPITAL,
        note="Admitted to the County Hospital",
        by=BROKER,
        now=A_MOMENT,
    )
    assert planned(uow) == [
        (d, time(7, 30), 30) for d in days(date(2018, 4, 2), date(2018, 4, 10))
    ]  # open: nothing from its first day on
    schedules.end_suspension(
        uow, "PKG-0001", stay.id, last_day=date(2018, 4, 17), by=holder(kept), now=A_MOMENT
    )
    expected = [
        (d, time(7, 30), 30)
        for d in days(date(2018, 4, 2), date(2018, 4, 10))
        + days(date(2018, 4, 18), date(2018, 4, 29))
    ]
    assert planned(uow) == expected and len(expected) == 21
    [shown] = schedules.list_suspensions(uow, "PKG-0001", viewer=FINANCE)
    assert (shown.from_on, shown.to_on, shown.reason) == (
        date(2018, 4, 11),
        date(2018, 4, 17),
        "hospital stay",
    )
    assert (shown.recorded_by, shown.ended_by) == (BROKER.name, holder(kept).name)
    with pytest.raises(SuspensionAlreadyEnded):
        schedules.end_suspension(
            uow, "PKG-0001", stay.id, last_day=date(2018, 4, 20), by=BROKER, now=A_MOMENT
        )
    with uow:
        trail, _ = uow.audit.search(
            AuditFilter(object_type="care package", object_ref="PKG-0001"), limit=10, offset=0
        )
        assert sorted(e.action for e in trail) == ["care suspended", "care suspension ended"]


def test_suspensions_of_a_package_do_not_overlap(uow: SqlUnitOfWork, kept) -> None:
    schedules.record_suspension(
        uow,
        "PKG-0001",
        from_on=date(2018, 4, 11),
        to_on=date(2018, 4, 17),
        reason=Reason.RESPITE,
        by=holder(kept),
        now=A_MOMENT,
    )
    with pytest.raises(SuspensionRefused, match="overlaps"):
        schedules.record_suspension(
            uow,
            "PKG-0001",
            from_on=date(2018, 4, 17),
            to_on=None,
            reason=Reason.AWAY,
            by=BROKER,
            now=A_MOMENT,
        )
    with pytest.raises(SuspensionRefused, match="starts on"):
        schedules.record_suspension(
            uow,
            "PKG-0001",
            from_on=date(2018, 2, 1),
            to_on=date(2018, 2, 2),
            reason=Reason.AWAY,
            by=BROKER,
            now=A_MOMENT,
        )


def test_another_provider_cannot_suspend_a_package_it_does_not_hold(
    uow: SqlUnitOfWork, kept
) -> None:
    other = a_provider(name="Marches Care")
    with uow:
        uow.providers.add(other)
        uow.flush()
        stranger = Actor("someone@marches.example", Role.PROVIDER, provider_id=other.id)
        uow.commit()
    with pytest.raises(NotFound):
        schedules.record_suspension(
            uow,
            "PKG-0001",
            from_on=date(2018, 4, 11),
            to_on=None,
            reason=Reason.HOSPITAL,
            by=stranger,
            now=A_MOMENT,
        )
    with pytest.raises(NotFound):
        schedules.list_suspensions(uow, "PKG-0001", viewer=stranger)


def test_a_visit_delivered_in_a_hospital_stay_is_held_as_not_planned_by_the_run(
    uow: SqlUnitOfWork, kept
) -> None:
    schedules.record_suspension(
        uow,
        "PKG-0001",
        from_on=date(2018, 4, 11),
        to_on=date(2018, 4, 17),
        reason=Reason.HOSPITAL,
        by=BROKER,
        now=A_MOMENT,
    )
    keep(uow, kept, a_record(date(2018, 4, 10)), a_record(date(2018, 4, 12)))
    run = payments.create_run(
        uow, "HFD", FOUR_WEEKS.first, FOUR_WEEKS.last, by=FINANCE, now=A_MOMENT
    )
    lines = {x.visit_id: x for x in lines_of(uow, run.reference)}
    assert not lines["V-0410"].held
    assert lines["V-0412"].held
    assert lines["V-0412"].paid == 0


def test_many_packages_schedules_are_read_together(uow: SqlUnitOfWork, kept) -> None:
    with uow:
        package = uow.packages.get("PKG-0001")
        found = schedules.schedules_of(uow, [package])
        assert found["PKG-0001"].visits(DateRange(date(2018, 4, 2), date(2018, 4, 2)))[
            0
        ].starts == (time(7, 30))
        assert schedules.schedules_of(uow, []) == {}


def test_a_visit_pushed_for_a_day_of_a_hospital_stay_is_held_as_not_planned(
    uow: SqlUnitOfWork,
) -> None:
    """PKG-2001 (Marches's, four 30-minute calls a day from 1 July 2017) in hospital on
    Tuesday 4 July: its first call on Monday matches, the one sent for Tuesday does not."""
    build_ecm_market(uow)
    schedules.record_suspension(
        uow,
        "PKG-2001",
        from_on=date(2017, 7, 4),
        to_on=date(2017, 7, 4),
        reason=Reason.HOSPITAL,
        by=BROKER,
        now=A_MOMENT,
    )
    monday = datetime(2017, 7, 3, 7, 30, tzinfo=LONDON)
    records = [
        VisitRecord(
            visit_id=visit_id,
            planned_start_at=start,
            planned_minutes=30,
            status=VisitStatus.COMPLETED,
            package_reference="PKG-2001",
            actual_start_at=start,
            actual_end_at=start + timedelta(minutes=30),
        )
        for visit_id, start in (("M-1", monday), ("M-2", monday + timedelta(days=1)))
    ]
    pushed = ecm.push_visits(
        uow,
        [caremarket_row(r) for r in records],
        provider=MARCHES,
        by=provider_actor(MARCHES),
        now=A_MOMENT,
    )
    assert pushed.queries == (("M-2", "not planned", True),)
