"""Terms and contracts: how long a vehicle or a contract runs, its optional extensions, and
the dated variations agreed during it.

A term starts on a date and runs for an initial period, then for each extension taken. Periods
are whole months (a year is 12): Leicestershire's lead-provider contracts run 3 + 1 + 1 years
from 7 November 2016, so 36 months to 6 November 2019, and at the latest to 6 November 2021.
A period of n months ends the day before the same day n months on; where that month has no
such day (31 January plus a month), it ends on the month's last day.

Extensions are decided one at a time, in order, each taken or declined on a date, by someone,
for a reason, no later than the day the term would otherwise end. Declining one ends the run:
the options after it lapse, as the contract has ended by the time they would start.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from caremarket.domain.errors import Conflict, DomainError
from caremarket.domain.market import (
    Commissioner,
    Lot,
    Membership,
    Provider,
    ProviderStatus,
    Tier,
    Vehicle,
)
from caremarket.domain.money import to_pennies
from caremarket.domain.policies import SourcingPolicy
from caremarket.domain.rates import RateCard

MONTHS_A_YEAR = 12


class InvalidTerm(DomainError):
    pass


class NoExtensionLeft(DomainError):
    """An extension beyond the last option the term allows."""


class ExtensionOutOfOrder(DomainError):
    pass


class ExtensionsLapsed(DomainError):
    """An earlier extension was declined, so the later options can no longer be taken."""


class TermAlreadyEnded(DomainError):
    pass


class InvalidVariation(DomainError):
    pass


class InvalidObligations(DomainError):
    pass


class InvalidAward(DomainError):
    pass


class CommissionerNotOnVehicle(InvalidAward):
    """A call-off is on the local terms of one of the vehicle's own commissioners."""


class RateCardOfAnotherCommissioner(InvalidAward):
    pass


class ProviderNotAdmitted(InvalidAward):
    """The provider is not in the lot, and no tier was given to admit it at."""


class ContractOutsideVehicleTerm(InvalidAward):
    pass


class ContractAlreadyEnded(Conflict):
    pass


class InvalidEnd(DomainError):
    pass


def long_date(day: date) -> str:
    """'7 November 2016', as committee papers write dates."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: date, months: int) -> date:
    """The same day `months` on; the first of the month after where that month lacks the day."""
    years, month_index = divmod(day.month - 1 + months, MONTHS_A_YEAR)
    year, month = day.year + years, month_index + 1
    first_of_next = date(year + month // MONTHS_A_YEAR, month % MONTHS_A_YEAR + 1, 1)
    if day.day > (first_of_next - timedelta(days=1)).day:
        return first_of_next
    return date(year, month, day.day)


@dataclass(frozen=True)
class ExtensionDecision:
    option: int  # the first extension is option 1
    taken: bool
    decided_on: date
    by: str
    reason: str


@dataclass(frozen=True)
class ExtensionDue:
    """The next extension to decide, and the last day to decide it."""

    option: int
    months: int
    decide_by: date


@dataclass(frozen=True)
class Term:
    starts_on: date
    initial_months: int
    extension_months: tuple[int, ...] = ()
    decisions: tuple[ExtensionDecision, ...] = ()

    @classmethod
    def of_years(cls, starts_on: date, initial: int, *extensions: int) -> Term:
        """`Term.of_years(date(2016, 11, 7), 3, 1, 1)`: three years and two optional years."""
        return cls(starts_on, initial * MONTHS_A_YEAR, tuple(e * MONTHS_A_YEAR for e in extensions))

    def __post_init__(self) -> None:
        if self.initial_months <= 0:
            raise InvalidTerm(f"a term runs for at least a month, not {self.initial_months}")
        if any(months <= 0 for months in self.extension_months):
            raise InvalidTerm("each extension runs for at least a month")
        for count, decision in enumerate(self.decisions):
            replace(self, decisions=self.decisions[:count])._check(decision)

    @property
    def ends_on(self) -> date:
        """The last day of the term as things stand: the initial period and extensions taken."""
        taken = self.extension_months[: len(self.decisions)]
        months = sum(m for m, d in zip(taken, self.decisions, strict=True) if d.taken)
        return self._end_after(self.initial_months + months)

    @property
    def latest_end(self) -> date:
        """The last day the term could reach if every option still open were taken."""
        if self._lapsed:
            return self.ends_on
        return self._end_after(self.initial_months + sum(self.extension_months))

    @property
    def next_decision(self) -> ExtensionDue | None:
        """The next option to decide and its deadline; None once none is left to decide."""
        option = len(self.decisions) + 1
        if self._lapsed or option > len(self.extension_months):
            return None
        return ExtensionDue(option, self.extension_months[option - 1], self.ends_on)

    def in_force_on(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def decide(self, option: int, *, taken: bool, on: date, by: str, reason: str) -> Term:
        """The term with one more extension decided (a new value: terms do not change)."""
        decision = ExtensionDecision(option, taken, on, by, reason)
        self._check(decision)
        return replace(self, decisions=(*self.decisions, decision))

    def describe(self) -> str:
        periods = [self.initial_months, *self.extension_months]
        if all(m % MONTHS_A_YEAR == 0 for m in periods):
            return " + ".join(str(m // MONTHS_A_YEAR) for m in periods) + (
                f" years from {long_date(self.starts_on)}"
            )
        return " + ".join(str(m) for m in periods) + f" months from {long_date(self.starts_on)}"

    @property
    def _lapsed(self) -> bool:
        return any(not d.taken for d in self.decisions)

    def _end_after(self, months: int) -> date:
        return add_months(self.starts_on, months) - timedelta(days=1)

    def _check(self, decision: ExtensionDecision) -> None:
        options = len(self.extension_months)
        if decision.option > options or decision.option < 1:
            allowed = (
                f"only {options} extension{'s' if options != 1 else ''}"
                if options
                else ("no extensions")
            )
            raise NoExtensionLeft(
                f"there is no extension option {decision.option}: the term allows {allowed}"
            )
        expected = len(self.decisions) + 1
        if decision.option != expected:
            raise ExtensionOutOfOrder(
                f"option {decision.option} cannot be decided now: option {expected}"
                f" {'is' if expected <= options else 'was'} next"
                if decision.option > expected
                else f"option {decision.option} was already decided"
            )
        if self._lapsed:
            declined = next(d for d in self.decisions if not d.taken)
            raise ExtensionsLapsed(
                f"option {declined.option} was declined on {long_date(declined.decided_on)},"
                f" so option {decision.option} has lapsed"
            )
        if self.decisions and decision.decided_on < self.decisions[-1].decided_on:
            previous = long_date(self.decisions[-1].decided_on)
            raise ExtensionOutOfOrder(
                f"option {decision.option} cannot be decided on {long_date(decision.decided_on)},"
                f" before option {decision.option - 1} was ({previous})"
            )
        if decision.decided_on > self.ends_on:
            raise TermAlreadyEnded(
                f"the term ended on {long_date(self.ends_on)}: option {decision.option}"
                f" cannot be decided on {long_date(decision.decided_on)}"
            )
        if not decision.by.strip() or not decision.reason.strip():
            raise InvalidTerm("an extension decision names who decided it and why")


# Obligations a contract takes unless the award says otherwise: the provider answers an offer
# within the commissioner's sourcing window (its policy's first stage with a window), or a day
# where no policy is set; and logs 95% of visits by electronic call monitoring.
DEFAULT_ACCEPT_WITHIN_HOURS = Decimal(24)
DEFAULT_ECM_COMPLIANCE_PERCENT = Decimal(95)
DEFAULT_PAYMENT_RULES = "payment against actuals (caremarket's payment rules)"


@dataclass(frozen=True)
class Obligations:
    """What the provider promises: how fast it answers an offer, how well it logs visits."""

    accept_within_hours: Decimal
    ecm_compliance_percent: Decimal  # share of visits logged by electronic call monitoring
    open_book: bool = False  # the provider shares its costs with the commissioner

    def __post_init__(self) -> None:
        if self.accept_within_hours <= 0:
            raise InvalidObligations("the time to accept a package must be more than 0 hours")
        if not 0 <= self.ecm_compliance_percent <= 100:
            raise InvalidObligations(
                f"ECM compliance of {self.ecm_compliance_percent}% is not between 0% and 100%"
            )


@dataclass(frozen=True)
class RateUplift:
    """Rates rise by `percent` from `effective_from` (annual uplifts compound)."""

    percent: Decimal
    effective_from: date
    agreed_on: date
    by: str
    reason: str

    @property
    def dated(self) -> date:
        return self.agreed_on


@dataclass(frozen=True)
class Extension:
    """An extension option taken or declined, as a variation of the contract."""

    option: int
    taken: bool
    agreed_on: date
    by: str
    reason: str

    @property
    def dated(self) -> date:
        return self.agreed_on


def default_obligations(policy: SourcingPolicy | None) -> Obligations:
    """The obligations an award takes by default, under the sourcing policy that applies."""
    windows = [s.window for s in policy.stages if s.window is not None] if policy else []
    hours = windows[0].hours if windows else DEFAULT_ACCEPT_WITHIN_HOURS
    return Obligations(
        accept_within_hours=hours, ecm_compliance_percent=DEFAULT_ECM_COMPLIANCE_PERCENT
    )


Variation = RateUplift | Extension


class ContractStatus(enum.StrEnum):
    NOT_STARTED = "not started"
    IN_FORCE = "in force"
    ENDED = "ended"  # ended early, before its term ran out
    EXPIRED = "expired"  # its term ran out


@dataclass(eq=False)
class Contract:
    """A provider's contract for a lot of a vehicle, on one commissioner's local terms (its
    rate card): its term, payment rules and obligations, and the variations agreed since."""

    reference: str
    vehicle: Vehicle
    lot: Lot
    provider: Provider
    commissioner: Commissioner
    term: Term
    rate_card: str | None  # the commissioner's rate card, by name, e.g. "2017/18"
    payment_rules: str  # a reference to the payment rules that apply
    obligations: Obligations
    awarded_on: date
    tender_id: int | None = None  # the tender it was awarded from, if any
    ended_on: date | None = None  # ended early: a provider removed, a contract terminated
    end_reason: str | None = None
    variations: list[Variation] = field(default_factory=list)
    id: int | None = None

    def __repr__(self) -> str:
        return f"Contract({self.reference!r})"

    @property
    def starts_on(self) -> date:
        return self.term.starts_on

    @property
    def ends_on(self) -> date:
        """The last day as things stand: the day it ended early, or its term's end."""
        return self.ended_on or self.term.ends_on

    @property
    def latest_end(self) -> date:
        return self.ended_on or self.term.latest_end

    @property
    def next_decision(self) -> ExtensionDue | None:
        return None if self.ended_on else self.term.next_decision

    def status_on(self, day: date) -> ContractStatus:
        if day < self.starts_on:
            return ContractStatus.NOT_STARTED
        if self.ended_on is not None and day > self.ended_on:
            return ContractStatus.ENDED
        if day > self.term.ends_on:
            return ContractStatus.EXPIRED
        return ContractStatus.IN_FORCE

    def end(self, on: date, *, reason: str) -> None:
        """End the contract early: `on` is its last day, within its term."""
        self._check_not_ended()
        if not reason.strip():
            raise InvalidEnd("say why the contract ends early")
        if not self.term.in_force_on(on):
            raise InvalidEnd(
                f"a contract running from {long_date(self.starts_on)} to"
                f" {long_date(self.term.ends_on)} cannot end early on {long_date(on)}"
            )
        self.ended_on, self.end_reason = on, reason.strip()

    def vary(self, variation: Variation) -> None:
        """Apply a variation agreed no earlier than the last one, within the term."""
        self._check_not_ended()
        if self.variations and variation.dated < self.variations[-1].dated:
            raise InvalidVariation(
                f"a variation agreed on {long_date(variation.dated)} comes before the last one"
                f" ({long_date(self.variations[-1].dated)}): variations are applied in date order"
            )
        if not variation.reason.strip():
            raise InvalidVariation("a variation gives its reason")
        if isinstance(variation, RateUplift):
            self._check_uplift(variation)
        else:
            self.term = self.term.decide(
                variation.option,
                taken=variation.taken,
                on=variation.agreed_on,
                by=variation.by,
                reason=variation.reason,
            )
        self.variations.append(variation)

    def vary_all(self, variations: Sequence[Variation]) -> None:
        for variation in sorted(variations, key=lambda v: v.dated):
            self.vary(variation)

    def uplift_on(self, day: date) -> Decimal:
        """The factor rates are multiplied by on `day`: every uplift in effect, compounded."""
        factor = Decimal(1)
        for variation in self.variations:
            if isinstance(variation, RateUplift) and variation.effective_from <= day:
                factor *= 1 + variation.percent / 100
        return factor

    def rate_on(self, base: Decimal, day: date) -> Decimal:
        """A rate card amount on `day` after uplifts, rounded once, half-up to the penny."""
        return to_pennies(base * self.uplift_on(day))

    def uplift_percent_on(self, day: date) -> Decimal:
        """The uplifts in effect on `day` as one percentage (compounded): 5.575 for 3 and 2.5."""
        return (self.uplift_on(day) - 1) * 100

    def _check_not_ended(self) -> None:
        if self.ended_on is not None:
            raise ContractAlreadyEnded(
                f"contract {self.reference} ended on {long_date(self.ended_on)}"
                f" ({self.end_reason}): it can no longer be varied or ended"
            )

    def _check_uplift(self, uplift: RateUplift) -> None:
        if uplift.percent < 0:
            raise InvalidVariation(
                f"an uplift of {uplift.percent}% is a cut: a lower rate needs a new rate card"
            )
        if not self.term.in_force_on(uplift.effective_from):
            raise InvalidVariation(
                f"an uplift from {long_date(uplift.effective_from)} falls outside the contract,"
                f" which runs from {long_date(self.term.starts_on)}"
                f" to {long_date(self.term.ends_on)}"
            )


def award(
    *,
    reference: str,
    vehicle: Vehicle,
    vehicle_term: Term | None,
    lot: str,
    provider: Provider,
    commissioner: Commissioner,
    term: Term,
    rate_card: RateCard | None,
    payment_rules: str,
    obligations: Obligations,
    awarded_on: date,
    tier: Tier | None = None,
    tender_id: int | None = None,
) -> tuple[Contract, Membership | None]:
    """A contract for a provider in a lot of the vehicle, on the commissioner's local terms;
    a provider not yet in the lot is admitted at `tier` (the membership is returned)."""
    if not any(c is commissioner for c in vehicle.commissioners):
        raise CommissionerNotOnVehicle(
            f"{commissioner.name} does not commission through {vehicle.code}: its commissioners"
            f" are {', '.join(c.code for c in vehicle.commissioners) or 'not recorded'}"
        )
    where = vehicle.lot(lot)
    if rate_card is not None and rate_card.commissioner is not commissioner:
        raise RateCardOfAnotherCommissioner(
            f"rate card {rate_card.name} is {rate_card.commissioner.name}'s: a contract on"
            f" {commissioner.name}'s terms pays by one of its own rate cards"
        )
    if vehicle_term is not None and not vehicle_term.in_force_on(term.starts_on):
        raise ContractOutsideVehicleTerm(
            f"a contract starting on {long_date(term.starts_on)} falls outside {vehicle.code},"
            f" which runs from {long_date(vehicle_term.starts_on)}"
            f" to {long_date(vehicle_term.ends_on)}"
        )
    if awarded_on > term.starts_on:
        raise InvalidAward(
            f"a contract is awarded before it starts, not on {long_date(awarded_on)}"
            f" after its start on {long_date(term.starts_on)}"
        )
    if not payment_rules.strip():
        raise InvalidAward("say which payment rules the contract pays by")
    if provider.status is not ProviderStatus.ACTIVE:
        raise InvalidAward(f"{provider.name} is {provider.status.value}: it cannot be awarded")
    admitted = None
    if where.membership_of(provider) is None:
        if tier is None:
            raise ProviderNotAdmitted(
                f"{provider.name} is not in lot {where.code}: give the tier to admit it at"
            )
        admitted = where.admit(provider, tier, joined_on=term.starts_on)
    contract = Contract(
        reference=reference,
        vehicle=vehicle,
        lot=where,
        provider=provider,
        commissioner=commissioner,
        term=term,
        rate_card=rate_card.name if rate_card else None,
        payment_rules=payment_rules.strip(),
        obligations=obligations,
        awarded_on=awarded_on,
        tender_id=tender_id,
    )
    return contract, admitted
