"""Offers' response times against the contract's target, by provider.

Each offer made in the period: the clock hours from the offer to the provider's answer
(accepted, declined or a bid; an offer that expired or was withdrawn was not answered).
The target is the response-time obligation of the provider's
contract for the package's lot (``accept_within_hours``) in force on the day of the offer;
an offer answered within it is on time, one answered late or never (expired; or withdrawn
as another provider won) is not. Offers without a contract target count in "Offers" only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from caremarket.reports.spread import PERCENTILE_METHOD, hours, median, percentile
from caremarket.reports.tables import Column, Measure, Row, Table


@dataclass(frozen=True)
class OfferResponse:
    provider: str
    made_at: datetime
    made_on: date  # Europe/London
    answered_at: datetime | None  # accepted, declined or bid on; None: never answered
    target_hours: Decimal | None  # the contract's accept_within_hours, if any

    @property
    def hours_to_respond(self) -> Decimal | None:
        return None if self.answered_at is None else hours(self.answered_at - self.made_at)

    @property
    def on_time(self) -> bool | None:
        if self.target_hours is None:
            return None
        taken = self.hours_to_respond
        return taken is not None and taken <= self.target_hours


def response_times(
    offers: Iterable[OfferResponse], *, commissioner: str, since: date, on: date
) -> Table:
    by_provider: dict[str, list[OfferResponse]] = defaultdict(list)
    everyone: list[OfferResponse] = []
    for offer in offers:
        if since <= offer.made_on <= on:
            by_provider[offer.provider].append(offer)
            everyone.append(offer)
    return Table(
        title="Response times against the contract",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("Provider"),
            Column("Offers", Measure.COUNT),
            Column("Answered", Measure.COUNT),
            Column("Median hours to answer", Measure.TENTHS),
            Column("90th percentile hours to answer", Measure.TENTHS),
            Column("Target hours", Measure.TENTHS),
            Column("With a target", Measure.COUNT),
            Column("Within target", Measure.COUNT),
            Column("Share within target", Measure.PERCENT),
        ),
        rows=tuple(Row((p, *_figures(by_provider[p]))) for p in sorted(by_provider)),
        totals=Row(("Total", *_figures(everyone))),
        notes=(
            "Basis: offers made in the period; hours are clock hours from the offer to the"
            " answer; the target is the contract's accept-within hours. Unanswered offers"
            " are not within target.",
            PERCENTILE_METHOD,
        ),
    )


def _figures(offers: list[OfferResponse]) -> tuple[object, ...]:
    taken = [h for o in offers if (h := o.hours_to_respond) is not None]
    targets = {o.target_hours for o in offers if o.target_hours is not None}
    judged = [o.on_time for o in offers if o.on_time is not None]
    within = sum(judged)
    return (
        len(offers),
        len(taken),
        median(taken),
        percentile(taken, 90),
        targets.pop() if len(targets) == 1 else None,
        len(judged),
        within,
        Decimal(within * 100) / len(judged) if judged else None,
    )
