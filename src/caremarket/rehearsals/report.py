"""What a rehearsal found, and the text `caremarket rehearse` prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caremarket.rehearsals.narrative import day, moment


@dataclass(frozen=True)
class Step:
    """One moment of the rehearsal: an event of the file, or the clock closing a window."""

    at: datetime
    heading: str  # "event 2: Anfield Homecare declines friday", "the clock: a window closes"
    lines: tuple[str, ...]  # what followed, each naming its package


@dataclass(frozen=True)
class PackageOutcome:
    label: str
    reference: str
    status: str  # the package's: active (awarded), waiting, sourcing ...
    provider: str | None
    start_on: date | None
    requested_at: datetime
    first_offer_at: datetime | None
    awarded_at: datetime | None
    business_time_to_award: timedelta | None  # within the working week's hours

    @property
    def to_first_offer(self) -> timedelta | None:
        return None if self.first_offer_at is None else self.first_offer_at - self.requested_at

    @property
    def to_award(self) -> timedelta | None:
        return None if self.awarded_at is None else self.awarded_at - self.requested_at


@dataclass(frozen=True)
class WaitingPlace:
    reference: str
    label: str
    need_score: int
    why: str  # "high risk, fit for discharge since 20 Nov 2026"


@dataclass(frozen=True)
class Rehearsal:
    title: str
    market: str  # "LIV Liverpool City Council: 3 zones, 8 providers, 0 care packages in place"
    policy: str  # "liverpool: all-at-once to preferred providers, 5 business hours; ..."
    steps: tuple[Step, ...]
    outcomes: tuple[PackageOutcome, ...]
    waiting: tuple[WaitingPlace, ...]  # the waiting list when the last event has run

    def outcome(self, label: str) -> PackageOutcome:
        return next(o for o in self.outcomes if label in (o.label, o.reference))


def subject(reference: str, label: str) -> str:
    return reference if label == reference else f"{reference} ({label})"


def as_text(rehearsal: Rehearsal) -> str:
    out = [f"Rehearsal: {rehearsal.title}"] if rehearsal.title else []
    out += [f"Market of {rehearsal.market}", f"Policy {rehearsal.policy}", ""]
    for step in rehearsal.steps:
        out.append(f"{moment(step.at)}  {step.heading}")
        out.extend(f"    {line}" for line in step.lines)
    out += ["", "Outcomes"]
    for outcome in rehearsal.outcomes:
        out.append(f"  {subject(outcome.reference, outcome.label)}: {describe(outcome)}")
        out.append(f"      {timings(outcome)}")
    out += ["", "Waiting list at the end" + (":" if rehearsal.waiting else ": nobody is waiting")]
    out.extend(
        f"  {n}. {subject(w.reference, w.label)}: need score {w.need_score} ({w.why})"
        for n, w in enumerate(rehearsal.waiting, start=1)
    )
    return "\n".join(out) + "\n"


def describe(outcome: PackageOutcome) -> str:
    if outcome.provider is not None and outcome.awarded_at is not None:
        start = f", starting {day(outcome.start_on)}" if outcome.start_on else ""
        return f"awarded to {outcome.provider}{start}"
    if outcome.status == "waiting":
        return "on the waiting list"
    return f"not placed ({outcome.status})"


def timings(outcome: PackageOutcome) -> str:
    parts = [f"requested {moment(outcome.requested_at)}"]
    if outcome.first_offer_at is not None and outcome.to_first_offer is not None:
        parts.append(f"first offer {duration(outcome.to_first_offer)} later")
    if outcome.awarded_at is not None and outcome.to_award is not None:
        business = ""
        if outcome.business_time_to_award is not None:
            business = f"; {duration(outcome.business_time_to_award)} of business hours"
        parts.append(
            f"awarded {moment(outcome.awarded_at)}, {duration(outcome.to_award)} after the"
            f" request{business}"
        )
    return " → ".join(parts)


def duration(span: timedelta) -> str:
    """`2 days 19 h 40 min`, `5 h`, `0 min`."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} h")
    if minutes or not parts:
        parts.append(f"{minutes} min")
    return " ".join(parts)
