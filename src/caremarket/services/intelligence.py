"""Market intelligence: concentration, the waiting list over time, time to source, delayed
discharges, hand-backs and exits, response times, spend by funder, delivered versus planned
hours; and the waiting list's weekly snapshots.

Reports read and write nothing but the snapshot, which `take_waiting_list_snapshots` keeps:
one per commissioner per day (a second on the same day is skipped), a row per package
waiting, so that any breakdown can be drawn again later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from caremarket.domain.hand_backs import HandBackReason
from caremarket.domain.market import Commissioner
from caremarket.domain.priority import need_score
from caremarket.reports import concentration as concentrated
from caremarket.reports import delayed_discharges as discharges
from caremarket.reports import delivery as delivered
from caremarket.reports import hand_backs as given_back
from caremarket.reports import response_times as responses
from caremarket.reports import spend as spent
from caremarket.reports import time_to_source as sourcing_times
from caremarket.reports import waiting_list as waiting
from caremarket.reports.tables import Table
from caremarket.services.brokerage import need_of
from caremarket.services.ports import UnitOfWork

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Snapshot:
    commissioner: str
    taken: bool  # False: one had been taken that day already
    waiting: int  # packages on the list (in the snapshot taken, or the one already kept)


SNAPSHOT_EVERY_DAYS = 7


def take_weekly_snapshots(uow: UnitOfWork, *, on: date, now: datetime, by: str) -> list[Snapshot]:
    """The ticker's weekly snapshot: every commissioner whose last snapshot is a week old or
    more (or who has none) gets one today; the others are left."""
    with uow:
        due = [
            owner.code
            for owner in uow.commissioners.list()
            if (last := uow.records.last_snapshot_on(owner.id)) is None
            or (on - last).days >= SNAPSHOT_EVERY_DAYS
        ]
    done: list[Snapshot] = []
    for code in sorted(due):
        done += take_waiting_list_snapshots(uow, on=on, now=now, by=by, commissioner=code)
    return done


def take_waiting_list_snapshots(
    uow: UnitOfWork,
    *,
    on: date,
    now: datetime,
    by: str,
    commissioner: str | None = None,
) -> list[Snapshot]:
    """Keep the waiting list of every commissioner (or one) as it stands: a row per package
    waiting with its zone, service, weekly hours, the day it waits since (its request's)
    and its need score on the day. Idempotent: a commissioner's second snapshot on a day is
    not taken."""
    with uow:
        owners = (
            [uow.commissioners.get(commissioner)]
            if commissioner
            else sorted(uow.commissioners.list(), key=lambda c: c.code)
        )
        rounds = uow.sourcings.waiting()
        done = []
        for owner in owners:
            mine = [s for s in rounds if s.package.commissioner is owner]
            if uow.records.snapshot_taken(owner.id, on):
                done.append(Snapshot(owner.code, False, len(mine)))
                continue
            entries = [
                {
                    "package_id": s.package.id,
                    "zone_id": s.package.zone.id,
                    "service_type_id": s.package.service.id,
                    "weekly_hours": s.package.weekly_hours,
                    "waiting_since": s.requested_at.astimezone(LONDON).date(),
                    "need_score": need_score(need_of(s), on),
                }
                for s in {s.package.id: s for s in mine}.values()
            ]
            count = uow.records.add_snapshot(owner.id, on=on, at=now, by=by, entries=entries)
            done.append(Snapshot(owner.code, True, count))
        uow.commit()
    return done


def concentration(uow: UnitOfWork, *, commissioner: str, on: date) -> Table:
    """Top-10 share and HHI on weekly hours: the commissioner's, and each shared vehicle's."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return concentrated.concentration(
            concentration_scopes(uow, owner, on), commissioner=owner.name, on=on
        )


def concentration_scopes(
    uow: UnitOfWork, owner: Commissioner, on: date
) -> dict[str, list[tuple[str, int]]]:
    """(provider, weekly minutes) of the packages active on the day with a provider: the
    commissioner's own, then across each shared vehicle it is on (within `uow`)."""
    scopes = {owner.name: uow.records.provider_minutes([owner.id], on)}
    for vehicle in sorted(uow.vehicles.list(), key=lambda v: v.code):
        if owner not in vehicle.commissioners or len(vehicle.commissioners) < 2:
            continue
        scopes[f"Across {vehicle.code}: {vehicle.name}"] = uow.records.provider_minutes(
            [c.id for c in vehicle.commissioners], on, lot_ids=[lot.id for lot in vehicle.lots]
        )
    return scopes


def waiting_list(uow: UnitOfWork, *, commissioner: str, since: date, on: date) -> Table:
    """People and hours waiting, median and longest days waiting, per snapshot."""
    return _from_snapshots(waiting.waiting_trend, uow, commissioner, since, on)


def waiting_list_by_zone(uow: UnitOfWork, *, commissioner: str, since: date, on: date) -> Table:
    """The period's last snapshot by zone and service."""
    return _from_snapshots(waiting.waiting_by_zone, uow, commissioner, since, on)


def time_to_source(
    uow: UnitOfWork, *, commissioner: str, since: date, on: date, zone: tzinfo = LONDON
) -> Table:
    """Request to first offer, award and start: medians and 90th percentiles."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return sourcing_times.time_to_source(
            uow.records.round_timings(owner.id, since, on, zone),
            commissioner=owner.name,
            since=since,
            on=on,
        )


def delayed_discharges(
    uow: UnitOfWork,
    *,
    commissioner: str,
    since: date,
    on: date,
    zone: str | None = None,
    provider: str | None = None,
    week: date | None = None,
    packages: bool = False,
) -> Table:
    """Delay days awaiting a package of care, by week; or, with `packages`, the packages
    behind the figure. Narrowed to a zone (code), a provider (name) and a week (a Monday)."""
    filters = discharges.Filters(zone or None, provider or None, week)
    show = discharges.delayed_packages if packages else discharges.delayed_discharges
    with uow:
        owner = uow.commissioners.get(commissioner)
        return show(
            uow.records.discharges(owner.id, since, on),
            commissioner=owner.name,
            since=since,
            on=on,
            filters=filters,
        )


def hand_backs(
    uow: UnitOfWork,
    *,
    commissioner: str,
    since: date,
    on: date,
    zone: str | None = None,
    provider: str | None = None,
    reason: str | None = None,
    week: date | None = None,
    packages: bool = False,
    clock_zone: tzinfo = LONDON,
) -> Table:
    """Hand-backs by provider and reason, and contracts ended early; or, with `packages`,
    the packages handed back. Narrowed to a zone, a provider, a reason and a week."""
    filters = given_back.Filters(zone or None, provider or None, reason or None, week)
    with uow:
        owner = uow.commissioners.get(commissioner)
        handed = uow.records.given_back(owner.id, since, on, clock_zone)
        if packages:
            return given_back.handed_back_packages(
                handed, commissioner=owner.name, since=since, on=on, filters=filters
            )
        return given_back.hand_backs_and_exits(
            handed,
            uow.records.exits(owner.id, since, on),
            reasons=[r.value for r in HandBackReason],
            commissioner=owner.name,
            since=since,
            on=on,
            filters=filters,
        )


def response_times(
    uow: UnitOfWork, *, commissioner: str, since: date, on: date, zone: tzinfo = LONDON
) -> Table:
    """Offers' time to an answer against the contract's accept-within hours, by provider."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return responses.response_times(
            uow.records.offer_responses(owner.id, since, on, zone),
            commissioner=owner.name,
            since=since,
            on=on,
        )


def spend_by_funder(
    uow: UnitOfWork, *, commissioner: str, since: date, on: date, drafts: bool = False
) -> Table:
    """What the commissioner's payment runs paid for the period's visits, by funder: by
    provider, zone, week and run. Approved runs only, unless `drafts`."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        names = {c.code: c.name for c in uow.commissioners.list()}
        return spent.spend_by_funder(
            uow.records.paid_lines(owner.id, since, on),
            funder_names=names,
            own=owner.code,
            commissioner=owner.name,
            since=since,
            on=on,
            drafts=drafts,
        )


def delivered_hours(
    uow: UnitOfWork, *, commissioner: str, since: date, on: date, zone: tzinfo = LONDON
) -> Table:
    """Planned and delivered hours, missed and cancelled visits, from the ECM records."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return delivered.delivered_hours(
            uow.records.recorded_visits(owner.id, since, on, zone),
            commissioner=owner.name,
            since=since,
            on=on,
        )


def _from_snapshots(
    show: Callable[..., Table], uow: UnitOfWork, commissioner: str, since: date, on: date
) -> Table:
    """A waiting-list report drawn from the period's snapshots of the commissioner's list."""
    with uow:
        owner = uow.commissioners.get(commissioner)
        return show(
            uow.records.waiting_entries(owner.id, since, on),
            snapshots=uow.records.snapshot_days(owner.id, since, on),
            commissioner=owner.name,
            since=since,
            on=on,
        )
