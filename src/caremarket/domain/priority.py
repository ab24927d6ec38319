"""Who waits first: the need score that orders the waiting list.

88% of the people Herefordshire consulted agreed that priority goes to those in greatest
need. The score adds points, documented here so that a broker can explain any place in the
list:

| what | points |
| --- | --- |
| medically fit for discharge and still in hospital | 40, plus 5 for each day since |
| risk to the person at home: high / medium / low | 30 / 15 / 0 |
| the carer who supported them has broken down | 20 |
| each day waiting since the request | 1 |

Among equal scores, the earlier request comes first. Weights are a commissioner's to set
(`NeedWeights`); these are the defaults.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar


class Risk(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class NeedWeights:
    in_hospital_fit_to_leave: int = 40
    per_delay_day: int = 5
    high_risk: int = 30
    medium_risk: int = 15
    carer_breakdown: int = 20
    per_day_waiting: int = 1


@dataclass(frozen=True)
class Need:
    """What the request says about the person's need."""

    requested_on: date
    risk: Risk = Risk.LOW
    carer_breakdown: bool = False
    fit_for_discharge_on: date | None = None  # a hospital discharge: medically fit from
    discharged: bool = False  # left hospital (with bridging care, or home)

    def delay_days(self, on: date) -> int:
        """Days a person fit to leave hospital has waited there (delayed transfer of care)."""
        if self.fit_for_discharge_on is None or self.discharged:
            return 0
        return max((on - self.fit_for_discharge_on).days, 0)


def need_score(need: Need, on: date, weights: NeedWeights = NeedWeights()) -> int:
    score = weights.per_day_waiting * max((on - need.requested_on).days, 0)
    if (
        need.fit_for_discharge_on is not None
        and not need.discharged
        and need.fit_for_discharge_on <= on
    ):
        score += weights.in_hospital_fit_to_leave + weights.per_delay_day * need.delay_days(on)
    score += {Risk.HIGH: weights.high_risk, Risk.MEDIUM: weights.medium_risk}.get(need.risk, 0)
    if need.carer_breakdown:
        score += weights.carer_breakdown
    return score


T = TypeVar("T")


def in_order_of_need(
    waiting: Iterable[tuple[T, Need]], on: date, weights: NeedWeights = NeedWeights()
) -> list[T]:
    """The waiting list, neediest first; equal needs in the order they were requested."""
    ranked = sorted(
        waiting, key=lambda pair: (-need_score(pair[1], on, weights), pair[1].requested_on)
    )
    return [item for item, _ in ranked]
