"""Electronic call monitoring (ECM): what a provider's system says happened at each visit,
its versions, its match to the visits planned, and the checks that hold a visit for a query
rather than pay it blindly.

A record is known by the provider's visit ID. Receiving the same record again changes nothing;
a record with the same ID and anything different is a new version, which replaces the last for
payment (a payment already approved is corrected by an adjustment in a later run, not here).

Matching. A record names its package (or, where the provider's system knows only the person,
its person); it is matched to a visit planned for that package (or person) on the day of the
record's planned start, in London time. The day's records are paired first with visits of the
same planned minutes and carers, then of the same minutes, then with any visit left; within
each of these, records and visits are paired in order of time, as many as there are of the
fewer, with the least total difference between planned starts. The start times of planned
visits follow a convention (``domain.schedules``), so order matters more than the clock.
A record left without a planned visit is a query.

Checks (each a `Flag`; a flag that `holds` keeps the visit out of payment until resolved):

- ``not planned``: no planned visit to match (holds);
- ``overlap``: the same carer at two visits whose times overlap, where carer IDs are given
  (holds, on both);
- ``check-out before check-in``: the actual end is before the actual start (holds);
- ``implausible duration``: a completed visit under 3 minutes, or more than 2 hours longer
  than planned (holds); the limits are `CheckLimits`;
- ``manual``: confirmed by hand rather than verified by ECM (flagged, paid; it counts against
  the provider's ECM compliance; `CheckLimits.hold_manual` holds it instead);
- ``cancelled without notice time``: a cancellation that does not say when notice was given
  (holds: the notice decides whether it is paid).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import attrgetter

from caremarket.domain.calendar import LONDON
from caremarket.domain.lazy import worked_out
from caremarket.domain.schedules import PlannedVisit

ZERO = timedelta(0)


class VisitStatus(enum.StrEnum):
    COMPLETED = "completed"
    MISSED = "missed"  # nobody came: not paid
    CANCELLED = "cancelled"  # by the person, with the notice given in `cancelled_at`


class Verification(enum.StrEnum):
    APP = "app"  # the carer's phone app, at the home
    TELEPHONE = "telephone"  # a call from the home's landline
    NFC = "nfc"  # a tag in the home
    ECM = "ecm"  # verified by the provider's ECM system, the method not given
    MANUAL = "manual"  # confirmed by hand: the office, a timesheet

    @property
    def electronic(self) -> bool:
        return self is not Verification.MANUAL


@dataclass(frozen=True)
class VisitRecord:
    """One visit as the provider's ECM system reports it. Times are time-zone aware."""

    visit_id: str
    planned_start_at: datetime
    planned_minutes: int
    status: VisitStatus
    package_reference: str | None = None
    person_reference: str | None = None  # where the provider knows only the person
    actual_start_at: datetime | None = None
    actual_end_at: datetime | None = None
    carers_planned: int | None = None  # None: as the schedule plans
    carers_present: int = 1
    cancelled_at: datetime | None = None  # when the person gave notice of cancelling
    verification: Verification = Verification.ECM
    notes: str = ""
    carer_ids: tuple[str, ...] = ()
    service: str | None = None
    contract: str | None = None
    claimed: Decimal | None = None  # what the provider claims for it, if it says

    @worked_out
    def day(self) -> date:
        """The day of the planned start, in London: the day the visit belongs to."""
        return self.planned_start_at.astimezone(LONDON).date()

    @worked_out
    def duration(self) -> timedelta | None:
        """Actual end less actual start (negative when checked out before checking in)."""
        if self.actual_start_at is None or self.actual_end_at is None:
            return None
        return _elapsed(self.actual_start_at, self.actual_end_at)

    @property
    def notice(self) -> timedelta | None:
        """How long before the planned start the person cancelled."""
        if self.cancelled_at is None:
            return None
        return _elapsed(self.cancelled_at, self.planned_start_at)


def _elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two moments: in UTC, as Python subtracts two times of one zone by
    their clocks (an hour out across a change of the clocks)."""
    if start.tzinfo is end.tzinfo:  # quicker than converting both
        return (end - start) - (end.utcoffset() or ZERO) + (start.utcoffset() or ZERO)
    return end.astimezone(UTC) - start.astimezone(UTC)


# Versions -------------------------------------------------------------------------------------


class Received(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"  # a new version of a record already held
    UNCHANGED = "unchanged"  # the same record again: nothing to do


@dataclass(frozen=True)
class RecordVersion:
    record: VisitRecord
    version: int  # 1 for the first


@dataclass(frozen=True)
class Receipt:
    received: Received
    version: RecordVersion
    previous: RecordVersion | None = None


def receive(records: Iterable[VisitRecord], held: Mapping[str, RecordVersion]) -> list[Receipt]:
    """What each incoming record is against the latest versions held, by visit ID (visit IDs
    are the provider's: `held` holds one provider's visits).

    The same visit twice in one batch counts once; a later different copy is a further
    version."""
    latest = dict(held)
    receipts = []
    for record in records:
        previous = latest.get(record.visit_id)
        if previous is None:
            version = RecordVersion(record, 1)
            receipts.append(Receipt(Received.NEW, version))
        elif previous.record == record:
            receipts.append(Receipt(Received.UNCHANGED, previous, previous))
            continue
        else:
            version = RecordVersion(record, previous.version + 1)
            receipts.append(Receipt(Received.CHANGED, version, previous))
        latest[record.visit_id] = version
    return receipts


# Matching -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    record: VisitRecord
    planned: PlannedVisit | None


def match(records: Iterable[VisitRecord], planned: Iterable[PlannedVisit]) -> list[Match]:
    """Each record with the planned visit it stands for (None: none planned), in record order."""
    matching = Matching(list(records), planned)
    matching.match_before(len(matching.records))
    return [matching.match_of(i) for i in range(len(matching.records))]


class Matching:
    """`match`, a day of a package (or person) at a time, in the order of each one's first
    record, as far as asked: a caller can work on the first records while later ones are
    still to be matched, and gets what `match` gives."""

    def __init__(self, records: Sequence[VisitRecord], planned: Iterable[PlannedVisit]) -> None:
        self.records = records
        self._planned_on: dict[tuple[str, str, date], list[PlannedVisit]] = defaultdict(list)
        for visit in planned:
            self._planned_on[("package", visit.package_reference, visit.day)].append(visit)
            self._planned_on[("person", visit.person_reference, visit.day)].append(visit)
        records_on: dict[tuple[str, str, date], list[int]] = defaultdict(list)
        for index, record in enumerate(records):
            if record.package_reference:
                records_on[("package", record.package_reference, record.day)].append(index)
            else:
                records_on[("person", record.person_reference or "", record.day)].append(index)
        self._days = list(records_on.items())  # in order of their first records
        self._done = 0  # how many of them are matched
        self._found: dict[int, PlannedVisit] = {}
        self._taken: set[int] = set()

    def match_before(self, end: int) -> None:
        """Match each day that has a record before position `end` (all its records)."""
        days, records, found, taken = self._days, self.records, self._found, self._taken
        while self._done < len(days) and days[self._done][1][0] < end:
            key, indexes = days[self._done]
            day_planned = self._planned_on.get(key, [])
            for tier in _TIERS:
                _match_tier(records, indexes, day_planned, tier, found, taken)
                if all(i in found for i in indexes) or all(id(v) in taken for v in day_planned):
                    break
            self._done += 1

    def match_of(self, index: int) -> Match:
        """The record at `index` matched (its day matched first: `match_before`)."""
        return Match(self.records[index], self._found.get(index))


# First the same length and carers, then the same length, then any visit of the day.
_TIERS: tuple[Callable[[int, int], Hashable], ...] = (
    lambda minutes, carers: (minutes, carers),
    lambda minutes, carers: minutes,
    lambda minutes, carers: None,
)


def _match_tier(
    records: Sequence[VisitRecord],
    indexes: Sequence[int],
    planned: Sequence[PlannedVisit],
    tier: Callable[[int, int], Hashable],
    found: dict[int, PlannedVisit],
    taken: set[int],
) -> None:
    """Match the day's records still unmatched to its planned visits still free, keeping
    the order of times within each group the tier forms (nearest starts, in order)."""
    groups: dict[Hashable, tuple[list[int], list[PlannedVisit]]] = {}
    for index in indexes:
        if index not in found:
            record = records[index]
            key = tier(record.planned_minutes, record.carers_planned or record.carers_present)
            group = groups.get(key)
            if group is None:
                group = groups[key] = ([], [])
            group[0].append(index)
    for visit in planned:
        if id(visit) not in taken:
            key = tier(visit.minutes, visit.carers)
            group = groups.get(key)
            if group is None:
                group = groups[key] = ([], [])
            group[1].append(visit)
    for mine, theirs in groups.values():
        if not mine or not theirs:
            continue  # nothing to pair
        mine.sort(key=lambda i: records[i].planned_start_at)
        theirs.sort(key=_starts_at)
        starts = [records[i].planned_start_at for i in mine]
        pairs = _align(starts, [v.starts_at for v in theirs])
        for a, b in pairs:
            found[mine[a]] = theirs[b]
            taken.add(id(theirs[b]))


_starts_at = attrgetter("starts_at")


def _align(first: Sequence[datetime], second: Sequence[datetime]) -> list[tuple[int, int]]:
    """Pairs of positions in two lists of times, both in order, as many as the shorter holds,
    keeping their order and making the sum of the differences the least."""
    if len(first) > len(second):
        return [(a, b) for b, a in _align(second, first)]
    n, m = len(first), len(second)
    if not n:
        return []
    if n == m:  # every one paired, in order: the only way to keep both orders
        return [(i, i) for i in range(n)]
    infinite = timedelta.max
    # cost[i][j]: the least cost pairing all of first[:i] within second[:j]
    cost = [[infinite] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        cost[0][j] = timedelta(0)
    for i in range(1, n + 1):
        for j in range(i, m + 1):
            skip = cost[i][j - 1]
            pair = cost[i - 1][j - 1]
            if pair != infinite:
                pair = pair + abs(first[i - 1] - second[j - 1])
            cost[i][j] = min(skip, pair)
    pairs = []
    i, j = n, m
    while i:
        if j > i and cost[i][j] == cost[i][j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


# Checks ---------------------------------------------------------------------------------------


class FlagCode(enum.StrEnum):
    NOT_PLANNED = "not planned"
    OVERLAP = "overlap"
    CHECK_OUT_BEFORE_CHECK_IN = "check-out before check-in"
    IMPLAUSIBLE_DURATION = "implausible duration"
    MANUAL = "manual"
    CANCELLED_WITHOUT_NOTICE_TIME = "cancelled without notice time"
    CARERS_SHORT = "fewer carers than planned"
    CARERS_OVER = "more carers than planned"


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    message: str
    holds: bool  # kept out of payment until a finance officer resolves it


@dataclass(frozen=True)
class CheckLimits:
    shortest_minutes: int = 3
    longest_over_planned_minutes: int = 120
    hold_manual: bool = False


@dataclass(frozen=True)
class Checked:
    match: Match
    flags: tuple[Flag, ...] = field(default=())

    @property
    def held(self) -> bool:
        return any(f.holds for f in self.flags)


def check(
    matches: Sequence[Match],
    limits: CheckLimits = CheckLimits(),
    *,
    earlier: Sequence[VisitRecord] = (),
) -> list[Checked]:
    """Every match with the flags the checks raise on it, in the same order. `earlier` are
    visits already received (from other files) that a carer's overlaps are looked for in too;
    they are not flagged here, having been checked when they came."""
    flags: list[list[Flag]] = [own_flags(m, limits) for m in matches]
    new_ids = {m.record.visit_id for m in matches}
    records = [m.record for m in matches]
    records += [r for r in earlier if r.visit_id not in new_ids]
    for this, flag in overlap_flags(records, flagged=len(matches)):
        flags[this].append(flag)
    return [Checked(m, tuple(f)) for m, f in zip(matches, flags, strict=True)]


def overlap_flags(records: Sequence[VisitRecord], *, flagged: int) -> list[tuple[int, Flag]]:
    """`check`'s overlap flags, each with the position of the record it is raised on (of the
    first `flagged` records only), in the order `check` adds them to a record's own."""
    found = []
    for first, second, carer in _overlaps(records):
        for this, other in ((first, second), (second, first)):
            if this < flagged:
                found.append(
                    (
                        this,
                        Flag(
                            FlagCode.OVERLAP,
                            f"carer {carer} is also at visit {records[other].visit_id}"
                            " at the same time",
                            holds=True,
                        ),
                    )
                )
    return found


def own_flags(found: Match, limits: CheckLimits) -> list[Flag]:
    """The flags a match raises on its own (all but overlaps: `overlap_flags`)."""
    record = found.record
    flags = []
    if found.planned is None:
        whose = record.package_reference or f"person {record.person_reference}"
        flags.append(
            Flag(
                FlagCode.NOT_PLANNED,
                f"no visit of {record.planned_minutes} minutes was planned for {whose}"
                f" on {record.day:%d/%m/%Y} to match it",
                holds=True,
            )
        )
    if record.status is VisitStatus.COMPLETED:
        flags.extend(_duration_flags(record, limits))
        if not record.verification.electronic:
            flags.append(
                Flag(
                    FlagCode.MANUAL,
                    "confirmed by hand, not verified by electronic call monitoring",
                    holds=limits.hold_manual,
                )
            )
    if record.status is VisitStatus.CANCELLED and record.cancelled_at is None:
        flags.append(
            Flag(
                FlagCode.CANCELLED_WITHOUT_NOTICE_TIME,
                "cancelled, but the record does not say when the person gave notice",
                holds=True,
            )
        )
    return flags


def _duration_flags(record: VisitRecord, limits: CheckLimits) -> list[Flag]:
    duration = record.duration
    if duration is None:
        return []
    if duration < timedelta(0):
        return [
            Flag(
                FlagCode.CHECK_OUT_BEFORE_CHECK_IN,
                f"checked out at {_clock(record.actual_end_at)}, before checking in at"
                f" {_clock(record.actual_start_at)}",
                holds=True,
            )
        ]
    too_short = duration < timedelta(minutes=limits.shortest_minutes)
    longest = timedelta(minutes=record.planned_minutes + limits.longest_over_planned_minutes)
    if too_short or duration > longest:
        limit = (
            f"under {limits.shortest_minutes} minutes"
            if too_short
            else f"over {limits.longest_over_planned_minutes} minutes longer than planned"
        )
        return [
            Flag(
                FlagCode.IMPLAUSIBLE_DURATION,
                f"lasted {format_duration(duration)}, {limit}",
                holds=True,
            )
        ]
    return []


def _overlaps(records: Sequence[VisitRecord]) -> list[tuple[int, int, str]]:
    """(index, index, carer) for each two completed visits one carer was at at once."""
    by_carer: dict[str, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for index, record in enumerate(records):
        start, end = record.actual_start_at, record.actual_end_at
        if record.status is VisitStatus.COMPLETED and start and end:
            start, end = start.astimezone(UTC), end.astimezone(UTC)
            if start < end:
                for carer in set(record.carer_ids):
                    by_carer[carer].append((start, end, index))
    found = []
    for carer, visits in sorted(by_carer.items()):
        open_visits: list[tuple[datetime, datetime, int]] = []
        for start, end, index in sorted(visits):
            open_visits = [v for v in open_visits if v[1] > start]
            found.extend((v[2], index, carer) for v in open_visits)
            open_visits.append((start, end, index))
    return found


def format_duration(duration: timedelta) -> str:
    """'27 min', '1 h 5 min', '27 min 30 s'; negative durations with a minus sign."""
    sign = "-" if duration < timedelta(0) else ""
    seconds = abs(duration) // timedelta(seconds=1)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = ([f"{hours} h"] if hours else []) + ([f"{minutes} min"] if minutes or not hours else [])
    if seconds:
        parts.append(f"{seconds} s")
    return sign + " ".join(parts)


def _clock(moment: datetime | None) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M") if moment else "?"
