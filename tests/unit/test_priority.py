"""The waiting list's order: need first, then who asked first."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from caremarket.domain.priority import Need, NeedWeights, Risk, in_order_of_need, need_score

TODAY = date(2026, 11, 23)


def test_a_person_fit_to_leave_hospital_comes_before_a_low_risk_request_at_home() -> None:
    at_home = Need(requested_on=TODAY - timedelta(days=10))
    in_hospital = Need(requested_on=TODAY, fit_for_discharge_on=TODAY)
    assert in_order_of_need([("home", at_home), ("ward", in_hospital)], TODAY) == ["ward", "home"]


def test_every_day_of_delay_in_hospital_adds_to_the_need() -> None:
    need = Need(requested_on=TODAY, fit_for_discharge_on=TODAY - timedelta(days=3))
    assert need.delay_days(TODAY) == 3
    assert need_score(need, TODAY) == 40 + 3 * 5


def test_leaving_hospital_on_bridging_care_ends_the_delay() -> None:
    need = Need(requested_on=TODAY, fit_for_discharge_on=TODAY - timedelta(days=3), discharged=True)
    assert need.delay_days(TODAY) == 0
    assert need_score(need, TODAY) == 0


def test_the_score_is_explained_by_its_parts() -> None:
    need = Need(requested_on=TODAY - timedelta(days=4), risk=Risk.HIGH, carer_breakdown=True)
    assert need_score(need, TODAY) == 4 + 30 + 20


def test_a_discharge_date_still_to_come_adds_nothing_yet() -> None:
    need = Need(requested_on=TODAY, fit_for_discharge_on=TODAY + timedelta(days=2))
    assert need_score(need, TODAY) == 0


def test_equal_need_goes_to_who_asked_first() -> None:
    earlier = Need(requested_on=TODAY - timedelta(days=2), risk=Risk.MEDIUM)
    later = Need(requested_on=TODAY - timedelta(days=1), risk=Risk.MEDIUM, carer_breakdown=False)
    weights = NeedWeights(per_day_waiting=0)
    assert (
        in_order_of_need([("later", later), ("earlier", earlier)], TODAY, weights)
        == [
            "later",
            "earlier",
        ][::-1]
    )


needs = st.builds(
    Need,
    requested_on=st.dates(date(2026, 1, 1), TODAY),
    risk=st.sampled_from(list(Risk)),
    carer_breakdown=st.booleans(),
    fit_for_discharge_on=st.none() | st.dates(date(2026, 1, 1), TODAY),
    discharged=st.booleans(),
)


@given(need=needs, days=st.integers(0, 60))
def test_waiting_longer_never_lowers_the_need(need: Need, days: int) -> None:
    assert need_score(need, TODAY + timedelta(days=days)) >= need_score(need, TODAY)


@given(waiting=st.lists(needs, max_size=20))
def test_the_list_is_ordered_by_score(waiting: list[Need]) -> None:
    ordered = in_order_of_need([(n, n) for n in waiting], TODAY)
    scores = [need_score(n, TODAY) for n in ordered]
    assert scores == sorted(scores, reverse=True)
