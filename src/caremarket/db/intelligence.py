"""Reading the market's history for the market-intelligence reports, and keeping the
weekly waiting-list snapshots. Rows come back as the reports' plain records."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import JSON, func, insert, or_, select, type_coerce
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.domain.market import ServiceType, Zone
from caremarket.domain.packages import PackageStatus
from caremarket.domain.patterns import weekly_minutes
from caremarket.domain.sourcing import Outcome, Phase
from caremarket.reports.cost_of_care import ActiveCare
from caremarket.reports.delayed_discharges import NOT_ARRANGED, Discharge
from caremarket.reports.delivery import RecordedVisit
from caremarket.reports.hand_backs import Exit, GivenBack
from caremarket.reports.response_times import OfferResponse
from caremarket.reports.spend import PaidLine
from caremarket.reports.time_to_source import RoundTiming
from caremarket.reports.waiting_list import WaitingEntry

P = t.care_packages.c
S = t.sourcings.c
W = t.waiting_list_entries.c
SNAP = t.waiting_list_snapshots.c
ANSWERS = (Outcome.ACCEPTED, Outcome.DECLINED, Outcome.BID)


class SqlMarketRecords:
    def __init__(self, session: Session) -> None:
        self.session = session

    # The waiting list's snapshots

    def snapshot_taken(self, commissioner_id: int, on: date) -> bool:
        query = select(SNAP.id).where(SNAP.commissioner_id == commissioner_id, SNAP.taken_on == on)
        return self.session.scalar(query) is not None

    def add_snapshot(
        self,
        commissioner_id: int,
        *,
        on: date,
        at: datetime,
        by: str,
        entries: Iterable[dict[str, object]],
    ) -> int:
        """A snapshot with its entries (package_id, zone_id, service_type_id, weekly_hours,
        waiting_since, need_score); the unique (commissioner, day) refuses a second."""
        snapshot_id = self.session.execute(
            insert(t.waiting_list_snapshots)
            .values(commissioner_id=commissioner_id, taken_on=on, taken_at=at, taken_by=by)
            .returning(SNAP.id)
        ).scalar_one()
        rows = [{"snapshot_id": snapshot_id, **entry} for entry in entries]
        if rows:
            self.session.execute(insert(t.waiting_list_entries), rows)
        return len(rows)

    def last_snapshot_on(self, commissioner_id: int) -> date | None:
        query = select(func.max(SNAP.taken_on)).where(SNAP.commissioner_id == commissioner_id)
        return self.session.scalar(query)

    def snapshot_days(self, commissioner_id: int, since: date, on: date) -> list[date]:
        query = select(SNAP.taken_on).where(
            SNAP.commissioner_id == commissioner_id, SNAP.taken_on.between(since, on)
        )
        return sorted(self.session.scalars(query))

    def waiting_entries(self, commissioner_id: int, since: date, on: date) -> list[WaitingEntry]:
        query = (
            select(
                SNAP.taken_on,
                t.people.c.reference.label("person"),
                t.zones.c.code.label("zone"),
                t.service_types.c.name.label("service"),
                W.weekly_hours,
                W.waiting_since,
            )
            .join(t.waiting_list_snapshots, SNAP.id == W.snapshot_id)
            .join(t.care_packages, P.id == W.package_id)
            .join(t.people, t.people.c.id == P.person_id)
            .join(t.zones, t.zones.c.id == W.zone_id)
            .join(t.service_types, t.service_types.c.id == W.service_type_id)
            .where(SNAP.commissioner_id == commissioner_id, SNAP.taken_on.between(since, on))
        )
        return [
            WaitingEntry(
                r.taken_on, r.person, r.zone, r.service, Decimal(r.weekly_hours), r.waiting_since
            )
            for r in self.session.execute(query)
        ]

    # The market on a day

    def provider_minutes(
        self, commissioner_ids: Iterable[int], on: date, *, lot_ids: Iterable[int] | None = None
    ) -> list[tuple[str, int]]:
        """(provider, weekly minutes) of each package active on the day with a provider (as
        ``CarePackage.active_on``), of these commissioners, in these lots if given: read
        without loading the packages, for the concentration."""
        query = (
            select(t.providers.c.name, P.pattern)
            .join(t.providers, t.providers.c.id == P.provider_id)
            .where(
                P.commissioner_id.in_(list(commissioner_ids)),
                P.status == PackageStatus.ACTIVE,
                P.start_on <= on,
                or_(P.end_on.is_(None), P.end_on >= on),
            )
        )
        if lot_ids is not None:
            query = query.where(P.lot_id.in_(list(lot_ids)))
        return [(r.name, weekly_minutes(r.pattern)) for r in self.session.execute(query)]

    def active_care(self, commissioner_id: int, on: date) -> list[ActiveCare]:
        """The commissioner's packages active on the day (as ``CarePackage.active_on``), in
        the order of their ids, as the cost-of-care gap reads them: zone, service, provider and
        pattern, without loading the packages. The zones and services are the session's own
        objects (a rate card finds its lines by them); each is loaded once."""
        query = (
            select(P.zone_id, P.service_type_id, t.providers.c.name, P.pattern)
            .outerjoin(t.providers, t.providers.c.id == P.provider_id)
            .where(
                P.commissioner_id == commissioner_id,
                P.status == PackageStatus.ACTIVE,
                P.start_on <= on,
                or_(P.end_on.is_(None), P.end_on >= on),
            )
            .order_by(P.id)
        )
        rows = self.session.execute(query).all()
        zones = {z: self.session.get_one(Zone, z) for z in {r.zone_id for r in rows}}
        services = {
            s: self.session.get_one(ServiceType, s) for s in {r.service_type_id for r in rows}
        }
        return [
            ActiveCare(zones[r.zone_id], services[r.service_type_id], r.name, r.pattern)
            for r in rows
        ]

    # Brokerage's history

    def round_timings(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[RoundTiming]:
        """Rounds requested from `since` to `on` (days in `zone`)."""
        query = (
            select(
                t.care_packages.c.reference,
                t.zones.c.code.label("zone"),
                t.service_types.c.name.label("service"),
                type_coerce(S.policy, JSON).label("policy"),  # as data: only its stages are counted
                S.phase,
                S.stage,
                S.requested_at,
                S.first_offer_at,
                S.awarded_at,
                S.start_on,
            )
            .join(t.care_packages, P.id == S.package_id)
            .join(t.zones, t.zones.c.id == P.zone_id)
            .join(t.service_types, t.service_types.c.id == P.service_type_id)
            .where(P.commissioner_id == commissioner_id, *_between(S.requested_at, since, on, zone))
        )
        return [
            RoundTiming(
                package=r.reference,
                zone=r.zone,
                service=r.service,
                stage_reached=_stage_reached(r.phase, r.stage, len(r.policy["stages"])),
                requested_at=r.requested_at,
                requested_on=r.requested_at.astimezone(zone).date(),
                first_offer_at=r.first_offer_at,
                awarded_at=r.awarded_at,
                starts_on=r.start_on,
            )
            for r in self.session.execute(query)
        ]

    def offer_responses(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[OfferResponse]:
        """Offers made from `since` to `on`, each with its provider's contract target."""
        o = t.offers.c
        query = (
            select(
                o.provider_id,
                t.providers.c.name,
                P.lot_id,
                o.made_at,
                o.responded_at,
                o.outcome,
            )
            .join(t.sourcings, S.id == o.sourcing_id)
            .join(t.care_packages, P.id == S.package_id)
            .join(t.providers, t.providers.c.id == o.provider_id)
            .where(P.commissioner_id == commissioner_id, *_between(o.made_at, since, on, zone))
        )
        targets = _Targets(self.session, commissioner_id)
        responses = []
        for r in self.session.execute(query):
            made_on = r.made_at.astimezone(zone).date()
            responses.append(
                OfferResponse(
                    provider=r.name,
                    made_at=r.made_at,
                    made_on=made_on,
                    answered_at=r.responded_at if r.outcome in ANSWERS else None,
                    target_hours=targets.on(r.provider_id, r.lot_id, made_on),
                )
            )
        return responses

    def given_back(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[GivenBack]:
        h = t.hand_backs.c
        query = (
            select(t.providers.c.name, P.reference, h.reason, h.given_at, t.zones.c.code)
            .join(t.care_packages, P.id == h.package_id)
            .join(t.providers, t.providers.c.id == h.provider_id)
            .join(t.zones, t.zones.c.id == P.zone_id)
            .where(P.commissioner_id == commissioner_id, *_between(h.given_at, since, on, zone))
        )
        return [
            GivenBack(
                r.name, r.reference, str(r.reason), r.given_at.astimezone(zone).date(), r.code
            )
            for r in self.session.execute(query)
        ]

    def exits(self, commissioner_id: int, since: date, on: date) -> list[Exit]:
        c = t.contracts.c
        query = (
            select(t.providers.c.name, c.reference, c.ended_on, c.end_reason)
            .join(t.providers, t.providers.c.id == c.provider_id)
            .where(c.commissioner_id == commissioner_id, c.ended_on.between(since, on))
        )
        return [
            Exit(r.name, r.reference, r.ended_on, r.end_reason or "")
            for r in self.session.execute(query)
        ]

    def discharges(self, commissioner_id: int, since: date, on: date) -> list[Discharge]:
        """Packages with a person fit for discharge by `on` whose delay may touch the period."""
        b = t.bridgings.c
        bridged = (
            select(b.package_id, func.min(b.starts_on).label("bridged_on"))
            .group_by(b.package_id)
            .subquery()
        )
        query = (
            select(
                P.reference,
                t.people.c.reference.label("person"),
                P.fit_for_discharge_on,
                P.start_on,
                P.status,
                P.provider_id,
                bridged.c.bridged_on,
                t.zones.c.code.label("zone"),
                t.providers.c.name.label("provider"),
            )
            .join(t.people, t.people.c.id == P.person_id)
            .join(t.zones, t.zones.c.id == P.zone_id)
            .outerjoin(t.providers, t.providers.c.id == P.provider_id)
            .outerjoin(bridged, bridged.c.package_id == P.id)
            .where(
                P.commissioner_id == commissioner_id,
                P.fit_for_discharge_on.is_not(None),
                P.fit_for_discharge_on <= on,
                P.status.not_in((PackageStatus.CANCELLED, PackageStatus.DIRECT_PAYMENT)),
            )
        )
        return [
            Discharge(
                package=r.reference,
                person=r.person,
                fit_on=r.fit_for_discharge_on,
                care_starts_on=r.start_on if r.provider_id is not None else None,
                bridged_on=r.bridged_on,
                zone=r.zone,
                provider=r.provider or NOT_ARRANGED,
            )
            for r in self.session.execute(query)
            if not (r.provider_id is not None and r.start_on < since)
        ]

    def paid_lines(self, commissioner_id: int, since: date, on: date) -> list[PaidLine]:
        """The commissioner's runs' lines (draft and approved, not held) for visits from
        `since` to `on`, with each funder's part as the line keeps it."""
        r, x = t.payment_runs.c, t.payment_lines.c
        query = (
            select(
                r.reference,
                r.status,
                t.providers.c.name,
                t.zones.c.code,
                x.day,
                x.funders,
            )
            .join(t.payment_runs, r.id == x.run_id)
            .join(t.providers, t.providers.c.id == x.provider_id)
            .outerjoin(t.care_packages, P.id == x.package_id)
            .outerjoin(t.zones, t.zones.c.id == P.zone_id)
            .where(r.commissioner_id == commissioner_id, x.day.between(since, on), ~x.held)
        )
        return [
            PaidLine(
                run=row.reference,
                approved=row.status == "approved",
                provider=row.name,
                zone=row.code,
                day=row.day,
                funders=tuple((f, Decimal(str(a))) for f, a in row.funders.items()),
            )
            for row in self.session.execute(query)
        ]

    def recorded_visits(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[RecordedVisit]:
        """The newest version of each ECM record matched to the commissioner's packages,
        planned from `since` to `on` (days in `zone`)."""
        v = t.visit_records.c
        query = (
            select(
                t.providers.c.name,
                t.zones.c.code,
                v.planned_start_at,
                v.planned_minutes,
                v.status,
                v.actual_start_at,
                v.actual_end_at,
            )
            .join(t.care_packages, P.id == v.package_id)
            .join(t.zones, t.zones.c.id == P.zone_id)
            .join(t.providers, t.providers.c.id == v.provider_id)
            .where(
                v.current,
                P.commissioner_id == commissioner_id,
                *_between(v.planned_start_at, since, on, zone),
            )
        )
        return [
            RecordedVisit(
                provider=row.name,
                zone=row.code,
                day=row.planned_start_at.astimezone(zone).date(),
                planned_minutes=row.planned_minutes,
                status=str(row.status),
                actual_seconds=(
                    int((row.actual_end_at - row.actual_start_at).total_seconds())
                    if row.actual_start_at and row.actual_end_at
                    else None
                ),
            )
            for row in self.session.execute(query)
        ]


def _between(column, since: date, on: date, zone: tzinfo) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    """A moment's day in `zone` from `since` to `on`, as bounds on the UTC instant."""
    start = datetime.combine(since, datetime.min.time(), zone)
    end = datetime.combine(on + timedelta(days=1), datetime.min.time(), zone)
    return (column >= start, column < end)


def _stage_reached(phase: Phase, stage: int | None, stages: int) -> str:
    if phase is Phase.WAITING:
        return "Waiting list"
    if stage is None:
        return "Closed" if phase is Phase.CLOSED else "Not offered"
    return f"Stage {stage + 1} of {stages}"


class _Targets:
    """The accept-within hours of each provider's contracts with a commissioner."""

    def __init__(self, session: Session, commissioner_id: int) -> None:
        c = t.contracts.c
        self.contracts: dict[int, list[tuple[int, int, date, date | None, Decimal]]] = {}
        for r in session.execute(
            select(c.provider_id, c.lot_id, c.starts_on, c.ended_on, c.accept_within_hours)
            .where(c.commissioner_id == commissioner_id)
            .order_by(c.starts_on.desc())
        ):  # each provider's, latest first
            self.contracts.setdefault(r.provider_id, []).append(
                (r.provider_id, r.lot_id, r.starts_on, r.ended_on, Decimal(r.accept_within_hours))
            )

    def on(self, provider_id: int, lot_id: int | None, day: date) -> Decimal | None:
        """The latest contract in force on the day: in the package's lot if it has one."""
        in_force = [
            k
            for k in self.contracts.get(provider_id, ())
            if k[2] <= day and (k[3] is None or day <= k[3])
        ]
        same_lot = [k for k in in_force if k[1] == lot_id]
        chosen = (same_lot or in_force)[:1]
        return chosen[0][4] if chosen else None
