"""Who may join a vehicle, and when: admission windows, and providers' applications and
their checks (suspending or removing a provider is in `suspensions`).

Admission is always open (a dynamic market), open in set windows, or closed (a closed
framework). Windows are a list of date ranges, first and last day included; the common rule
"the first 14 days of each quarter" (St Helens admits quarterly) is built by
`quarterly_windows`, so a council with irregular windows lists its own dates instead.

An application is checked against every rule at once and each problem is named, so a provider
sees all it must fix. Its status moves only forward: submitted, then approved or rejected.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from caremarket.domain.contracts import add_months, long_date
from caremarket.domain.errors import (
    Conflict,
    DomainError,
    InvalidCqcLocationId,
    InvalidMembership,
)
from caremarket.domain.market import (
    CqcRating,
    Membership,
    Provider,
    ProviderStatus,
    Tier,
    Vehicle,
    parse_cqc_location_id,
)


class InvalidAdmission(DomainError):
    pass


class ApplicationNotAdmissible(DomainError):
    def __init__(self, problems: Sequence[ApplicationProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(
            "the application cannot be approved:\n" + "\n".join(str(p) for p in self.problems)
        )


class ApplicationAlreadyDecided(Conflict):
    pass


class InvalidDecision(DomainError):
    pass


# admission


class AdmissionMode(enum.StrEnum):
    ALWAYS_OPEN = "always open"  # a dynamic market
    WINDOWS = "windows"  # open in set windows
    CLOSED = "closed"  # a closed framework


@dataclass(frozen=True)
class AdmissionWindow:
    opens_on: date
    closes_on: date  # the last day applications are taken

    def __post_init__(self) -> None:
        if self.closes_on < self.opens_on:
            raise InvalidAdmission(
                f"a window closing on {long_date(self.closes_on)} before it opens"
                f" on {long_date(self.opens_on)}"
            )

    def includes(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def __str__(self) -> str:
        return f"{long_date(self.opens_on)} to {long_date(self.closes_on)}"


@dataclass(frozen=True)
class Admission:
    mode: AdmissionMode
    windows: tuple[AdmissionWindow, ...] = ()

    def __post_init__(self) -> None:
        if self.mode is AdmissionMode.WINDOWS and not self.windows:
            raise InvalidAdmission("admission in windows needs at least one window")
        if self.mode is not AdmissionMode.WINDOWS and self.windows:
            raise InvalidAdmission(f"admission that is {self.mode} has no windows")
        ordered = tuple(sorted(self.windows, key=lambda w: w.opens_on))
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if later.opens_on <= earlier.closes_on:
                raise InvalidAdmission(f"the windows {earlier} and {later} overlap")
        object.__setattr__(self, "windows", ordered)

    def is_open(self, on: date) -> bool:
        if self.mode is AdmissionMode.WINDOWS:
            return any(w.includes(on) for w in self.windows)
        return self.mode is AdmissionMode.ALWAYS_OPEN

    def next_window(self, on: date) -> AdmissionWindow | None:
        """The window open on `on`, or the next to open; None without windows to come."""
        return next((w for w in self.windows if on <= w.closes_on), None)

    def describe(self, on: date) -> str:
        if self.is_open(on):
            return "open" if self.mode is AdmissionMode.ALWAYS_OPEN else "open in a window"
        upcoming = self.next_window(on)
        if upcoming is None:
            return "closed"
        return f"closed until the next window, {upcoming}"


def quarterly_windows(first: date, last: date, *, days: int = 14) -> tuple[AdmissionWindow, ...]:
    """The first `days` days of each calendar quarter (January, April, July, October) that
    opens from `first` to `last`."""
    if not 1 <= days <= 90:
        raise InvalidAdmission(f"a quarterly window of {days} days does not fit in a quarter")
    opens = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    windows = []
    while opens <= last:
        if opens >= first:
            windows.append(AdmissionWindow(opens, opens + timedelta(days=days - 1)))
        opens = add_months(opens, 3)
    return tuple(windows)


# applications


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class AdmissionRules:
    admission: Admission
    inadequate_allowed: bool = False
    required_documents: frozenset[str] = frozenset()
    insured_until: date | None = None  # insurance must cover at least this day


@dataclass(frozen=True)
class ApplicationProblem:
    """One reason an application cannot be approved: which rule, and why, in plain words."""

    rule: str  # cqc-location-id, cqc-rating, documents, insurance, window, lots, capacity
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(eq=False)
class Application:
    """A provider's application to join a vehicle's lots."""

    provider_name: str
    cqc_location_ids: tuple[str, ...]
    cqc_rating: CqcRating
    insurance_expires_on: date
    capacity: Mapping[str, Decimal]  # hours a week the provider can take, by zone code
    documents: frozenset[str]
    lots: tuple[str, ...]  # lot codes
    applied_on: date
    status: ApplicationStatus = ApplicationStatus.SUBMITTED
    decided_on: date | None = None
    decided_by: str | None = None
    reasons: tuple[str, ...] = ()
    memberships: list[Membership] = field(default_factory=list)
    id: int | None = None

    def __repr__(self) -> str:
        return f"Application({self.provider_name!r}, {self.applied_on})"

    @property
    def declined(self) -> dict[str, str]:
        """The lots applied for that an approval declined, each with its reason."""
        if self.status is not ApplicationStatus.APPROVED:
            return {}
        found = (_DECLINED.match(r) for r in self.reasons)
        return {m["lot"]: m["reason"] for m in found if m and m["lot"] in self.lots}

    @property
    def admitted_lots(self) -> tuple[str, ...]:
        """The lots an approval admitted the provider to (none until approved)."""
        if self.status is not ApplicationStatus.APPROVED:
            return ()
        declined = self.declined
        return tuple(code for code in self.lots if code not in declined)

    @property
    def general_reasons(self) -> tuple[str, ...]:
        """The decision's reasons that are not about one declined lot."""
        declined = set(self.declined)
        return tuple(
            r for r in self.reasons if not ((m := _DECLINED.match(r)) and m["lot"] in declined)
        )


# A partial approval keeps each declined lot's reason among the decision's reasons, in words
# a reader of the raw list understands too: "lot O-B declined: no capacity in zone B".
_DECLINED = re.compile(r"^lot (?P<lot>\S+) declined: (?P<reason>.+)$", re.DOTALL)


def declined_reason(lot: str, reason: str) -> str:
    return f"lot {lot} declined: {reason.strip()}"


def problems(
    application: Application, vehicle: Vehicle, rules: AdmissionRules
) -> tuple[ApplicationProblem, ...]:
    """Everything that stops the application being approved; empty when it is admissible."""
    found: list[ApplicationProblem] = []
    if not application.cqc_location_ids:
        found.append(ApplicationProblem("cqc-location-id", "no CQC location ID is given"))
    for location_id in application.cqc_location_ids:
        try:
            parse_cqc_location_id(location_id)
        except InvalidCqcLocationId as malformed:
            found.append(ApplicationProblem("cqc-location-id", str(malformed)))
    if application.cqc_rating is CqcRating.INADEQUATE and not rules.inadequate_allowed:
        found.append(
            ApplicationProblem(
                "cqc-rating", f"the CQC rates {application.provider_name} Inadequate"
            )
        )
    missing = sorted(rules.required_documents - application.documents)
    if missing:
        found.append(ApplicationProblem("documents", "missing documents: " + ", ".join(missing)))
    found.extend(_insurance_problems(application, rules))
    if not rules.admission.is_open(application.applied_on):
        found.append(ApplicationProblem("window", _closed_reason(application, rules.admission)))
    found.extend(_lot_problems(application, vehicle))
    covered = {zone.code for lot in vehicle.lots for zone in lot.zones}
    for zone, hours in sorted(application.capacity.items()):
        if hours < 0:
            found.append(
                ApplicationProblem("capacity", f"capacity in zone {zone} cannot be {hours} hours")
            )
        elif zone not in covered:
            found.append(
                ApplicationProblem(
                    "capacity",
                    f"capacity is offered in zone {zone}, which no lot of vehicle"
                    f" {vehicle.code} covers",
                )
            )
    return tuple(found)


def is_admissible(application: Application, vehicle: Vehicle, rules: AdmissionRules) -> bool:
    return not problems(application, vehicle, rules)


def approve(
    application: Application,
    vehicle: Vehicle,
    rules: AdmissionRules,
    *,
    tier: Tier,
    on: date,
    by: str,
    reasons: Sequence[str] = (),
    provider: Provider | None = None,
    lots: Sequence[str] | None = None,
    declined: Mapping[str, str] | None = None,
) -> Provider:
    """Admit the applicant at `tier` to the lots it applied for: all of them, or `lots` (some
    of them) and decline the others, each with its reason in `declined`. All the lots
    approved are joined, or none.

    `provider` is the provider already known, when an existing provider applies for more lots.
    """
    _check_can_decide(application, on=on, by=by)
    found = problems(application, vehicle, rules)
    if found:
        raise ApplicationNotAdmissible(found)
    admitting, declining = _split_lots(application, lots, declined or {})
    if provider is None:
        provider = Provider(
            application.provider_name,
            cqc_location_ids=application.cqc_location_ids,
            cqc_rating=application.cqc_rating,
        )
    admitted: list[tuple[Membership, list[Membership]]] = []
    try:
        for code in admitting:
            lot = vehicle.lot(code)
            admitted.append((lot.admit(provider, tier, joined_on=on), lot.members))
    except InvalidMembership:
        for membership, members in admitted:  # all lots or none
            members.remove(membership)
        raise
    application.memberships = [membership for membership, _ in admitted]
    every = [*reasons, *(declined_reason(code, why) for code, why in declining.items())]
    _decide(application, ApplicationStatus.APPROVED, on=on, by=by, reasons=every)
    return provider


def refresh(provider: Provider, application: Application) -> dict[str, list]:
    """Bring a known provider's CQC rating and location IDs up to date from its approved
    application (and a provider that had left the market back into it); what changed, as
    [before, after]."""
    changes: dict[str, list] = {}
    if provider.cqc_rating is not application.cqc_rating:
        changes["cqc_rating"] = [provider.cqc_rating.value, application.cqc_rating.value]
        provider.cqc_rating = application.cqc_rating
    ids = tuple(parse_cqc_location_id(i) for i in application.cqc_location_ids)
    if tuple(provider.cqc_location_ids) != ids:
        changes["cqc_location_ids"] = [list(provider.cqc_location_ids), list(ids)]
        provider.cqc_location_ids = ids
    if provider.status is ProviderStatus.EXITED:
        changes["status"] = [provider.status.value, ProviderStatus.ACTIVE.value]
        provider.status = ProviderStatus.ACTIVE
    return changes


def reject(application: Application, *, on: date, by: str, reasons: Sequence[str]) -> None:
    """Refuse the application, saying why (the problems found, or the panel's own reasons)."""
    _check_can_decide(application, on=on, by=by)
    if not [r for r in reasons if r.strip()]:
        raise InvalidDecision("a rejection gives at least one reason")
    _decide(application, ApplicationStatus.REJECTED, on=on, by=by, reasons=reasons)


def _split_lots(
    application: Application, lots: Sequence[str] | None, declined: Mapping[str, str]
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The lots to admit to and the lots declined, with reasons; every lot applied for is
    one or the other."""
    if lots is None:
        lots = [code for code in application.lots if code not in declined]
    unknown = [code for code in [*lots, *declined] if code not in application.lots]
    if unknown:
        raise InvalidDecision(
            f"{application.provider_name} did not apply for lot {', '.join(unknown)}"
        )
    if not lots:
        raise InvalidDecision(
            "an approval admits the provider to at least one lot; to decline every lot,"
            " reject the application"
        )
    admitting = tuple(code for code in application.lots if code in lots)
    declining: dict[str, str] = {}
    for code in application.lots:
        if code in admitting:
            continue
        why = declined.get(code, "").strip()
        if not why:
            raise InvalidDecision(f"say why lot {code} is declined")
        declining[code] = why
    return admitting, declining


def _insurance_problems(
    application: Application, rules: AdmissionRules
) -> Iterable[ApplicationProblem]:
    expires = application.insurance_expires_on
    if expires < application.applied_on:
        yield ApplicationProblem("insurance", f"the insurance expired on {long_date(expires)}")
    elif rules.insured_until is not None and expires < rules.insured_until:
        yield ApplicationProblem(
            "insurance",
            f"the insurance expires on {long_date(expires)}; it must cover at least"
            f" {long_date(rules.insured_until)}",
        )


def _closed_reason(application: Application, admission: Admission) -> str:
    applied = long_date(application.applied_on)
    if admission.mode is AdmissionMode.CLOSED:
        return f"the vehicle is closed to new providers (applied on {applied})"
    upcoming = admission.next_window(application.applied_on)
    after = f"; the next window is {upcoming}" if upcoming else "; no window is to come"
    return f"applied on {applied}, outside an open window{after}"


def _lot_problems(application: Application, vehicle: Vehicle) -> Iterable[ApplicationProblem]:
    if not application.lots:
        yield ApplicationProblem("lots", "no lot is applied for")
    known = {lot.code for lot in vehicle.lots}
    for code in application.lots:
        if code not in known:
            yield ApplicationProblem("lots", f"vehicle {vehicle.code} has no lot {code}")


def _check_can_decide(application: Application, *, on: date, by: str) -> None:
    if application.status is not ApplicationStatus.SUBMITTED:
        when = long_date(application.decided_on) if application.decided_on else "an earlier day"
        raise ApplicationAlreadyDecided(
            f"the application from {application.provider_name} was already {application.status}"
            f" on {when}"
        )
    if on < application.applied_on:
        raise InvalidDecision(
            f"an application made on {long_date(application.applied_on)} cannot be decided"
            f" on {long_date(on)}"
        )
    if not by.strip():
        raise InvalidDecision("a decision names who made it")


def _decide(
    application: Application,
    status: ApplicationStatus,
    *,
    on: date,
    by: str,
    reasons: Sequence[str],
) -> None:
    application.status = status
    application.decided_on = on
    application.decided_by = by
    application.reasons = tuple(r for r in reasons if r.strip())
