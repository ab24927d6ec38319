"""The cost of an hour of home care, built up in the Homecare Association's way.

An hour of care *delivered* (contact time) costs more than an hour of a care worker's pay:
the worker is also paid to travel between visits, to train and be supervised, on holiday and
when sick; the employer pays National Insurance, a pension and mileage; the business has an
office and managers; and a provider needs a surplus to stay in business. ``price`` adds these
up for one contact hour in one zone (zones differ in travel minutes and miles per visit).

Per contact hour, with ``v = 60 / visit_minutes`` visits in the hour and ``pay`` the hourly rate:

* care worker pay = pay
* travel time pay = pay x travel minutes per visit x v / 60
* training and supervision pay = pay x training and supervision share (of contact time)
* worked pay ``W`` = the three above
* holiday pay = W x holiday weeks / (52 - holiday weeks): statutory 5.6 weeks is 12.07% of
  the time worked, so paid time on holiday is that share of worked time
* sick pay = W x sick pay share
* gross pay ``G`` = W + holiday + sick; ``G / pay`` is the hours paid for each contact hour
* employer's National Insurance = rate x (G - hours paid x threshold per paid hour), never
  below nothing. The annual secondary threshold is apportioned evenly over a worker's paid
  hours: threshold per paid hour = threshold a year / (52 x weekly paid hours per worker).
* pension = employer's rate x (G - hours paid x lower qualifying earnings per paid hour), the
  same apportionment of the auto-enrolment lower limit
* mileage = pence per mile / 100 x miles per visit x v
* office and management overheads = a sum per contact hour
* surplus = surplus percent of everything above

Each component is kept exact, and rounded half-up to the penny once, where it is shown; the
price is the sum of the rounded components, so a breakdown a committee reads adds up to the
price it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from caremarket.domain.errors import DomainError
from caremarket.domain.market import Commissioner, Provider
from caremarket.domain.money import to_pennies

HUNDRED = Decimal(100)
WEEKS = Decimal(52)


class InvalidCostInputs(DomainError):
    """Inputs the model cannot use; ``problems`` maps each input's name to what is wrong."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


@dataclass(frozen=True)
class Source:
    """Where a default comes from, and when it was checked."""

    text: str
    confirmed: bool  # False: an assumption the commissioner should replace with local figures


@dataclass(frozen=True)
class CostInputs:
    """Every input of the model, with its default. Amounts are pounds, rates are percent."""

    hourly_pay: Decimal = Decimal("12.71")
    visit_minutes: Decimal = Decimal(30)
    travel_minutes_per_visit: Decimal = Decimal(10)
    miles_per_visit: Decimal = Decimal("3.5")
    pence_per_mile: Decimal = Decimal(45)
    training_percent: Decimal = Decimal(4)
    holiday_weeks: Decimal = Decimal("5.6")
    sick_pay_percent: Decimal = Decimal(2)
    ni_percent: Decimal = Decimal(15)
    ni_threshold_a_year: Decimal = Decimal(5000)
    weekly_paid_hours: Decimal = Decimal(30)
    pension_percent: Decimal = Decimal(3)
    pension_threshold_a_year: Decimal = Decimal(6240)
    overheads_per_hour: Decimal = Decimal("6.50")
    surplus_percent: Decimal = Decimal(3)

    def __post_init__(self) -> None:
        check(self)


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    unit: str
    source: Source


NLW = "National Living Wage for workers 21 and over"
INPUTS: tuple[Input, ...] = (
    Input(
        "hourly_pay",
        "Care worker pay an hour",
        "£",
        Source(
            f"{NLW}: £12.71 from 1 April 2026 (£12.21 from 1 April 2025), announced November 2025;"
            " or the contract's rate",
            True,
        ),
    ),
    Input(
        "visit_minutes",
        "Average visit length",
        "minutes",
        Source(
            "Assumption: a 30-minute visit; use the average from electronic call monitoring", False
        ),
    ),
    Input(
        "travel_minutes_per_visit",
        "Travel time a visit (zones not listed)",
        "minutes",
        Source("Assumption: 10 minutes; set each zone's own below", False),
    ),
    Input(
        "miles_per_visit",
        "Miles a visit (zones not listed)",
        "miles",
        Source("Assumption: 3.5 miles; set each zone's own below", False),
    ),
    Input(
        "pence_per_mile",
        "Mileage paid",
        "pence a mile",
        Source(
            "HMRC approved mileage allowance, 45p a mile for the first 10,000 miles (many"
            " providers pay less)",
            True,
        ),
    ),
    Input(
        "training_percent",
        "Training and supervision time",
        "% of contact time",
        Source("Assumption: 4% of contact time paid for training, supervision and meetings", False),
    ),
    Input(
        "holiday_weeks",
        "Paid holiday",
        "weeks a year",
        Source("Working Time Regulations 1998: 5.6 weeks' statutory paid leave", True),
    ),
    Input(
        "sick_pay_percent",
        "Sick pay",
        "% of worked pay",
        Source(
            "Assumption: 2% of worked pay (statutory sick pay from the first day of sickness from"
            " April 2026)",
            False,
        ),
    ),
    Input(
        "ni_percent",
        "Employer's National Insurance",
        "% above the threshold",
        Source(
            "15% from 6 April 2025 (13.8% before), as the Homecare Association's 2025/26 price"
            " notes",
            True,
        ),
    ),
    Input(
        "ni_threshold_a_year",
        "National Insurance secondary threshold",
        "£ a year",
        Source(
            "£5,000 a year from 6 April 2025 (Autumn Budget 2024); not confirmed by our search",
            False,
        ),
    ),
    Input(
        "weekly_paid_hours",
        "Paid hours a week for each care worker",
        "hours",
        Source(
            "Assumption: 30 paid hours a week, over which the thresholds are apportioned", False
        ),
    ),
    Input(
        "pension_percent",
        "Employer's pension",
        "% of qualifying earnings",
        Source("Auto-enrolment minimum employer contribution, 3%", True),
    ),
    Input(
        "pension_threshold_a_year",
        "Pension lower qualifying earnings",
        "£ a year",
        Source(
            "Auto-enrolment lower limit of qualifying earnings, £6,240 a year; not confirmed by our"
            " search",
            False,
        ),
    ),
    Input(
        "overheads_per_hour",
        "Office and management overheads",
        "£ a contact hour",
        Source(
            "Assumption: £6.50 a contact hour (branch staff, premises, IT, call monitoring,"
            " insurance, registration); replace with open-book figures",
            False,
        ),
    ),
    Input(
        "surplus_percent",
        "Surplus",
        "% of cost",
        Source("Assumption: 3% of cost, for reinvestment and resilience", False),
    ),
)
MINIMUM_PRICE_NOTE = (
    "For comparison: the Homecare Association's Minimum Price for Homecare 2025/26 was £32.14"
    " an hour (published 18 December 2024, at the National Living Wage of £12.21); its"
    " 2026/27 price (published 22 December 2025, at £12.71) was not confirmed by our search."
)


@dataclass(frozen=True)
class ZoneTravel:
    """A zone's travel: minutes and miles between visits (rural zones travel further)."""

    zone: str  # the zone's code
    travel_minutes_per_visit: Decimal
    miles_per_visit: Decimal


class Component:
    """The names of the price's components, in the order a breakdown shows them."""

    CONTACT = "Care worker pay (contact time)"
    TRAVEL_TIME = "Travel time pay"
    TRAINING = "Training and supervision pay"
    HOLIDAY = "Holiday pay"
    SICK = "Sick pay"
    NATIONAL_INSURANCE = "Employer's National Insurance"
    PENSION = "Employer's pension"
    MILEAGE = "Mileage"
    OVERHEADS = "Office and management overheads"
    SURPLUS = "Surplus"


COMPONENTS = (
    Component.CONTACT,
    Component.TRAVEL_TIME,
    Component.TRAINING,
    Component.HOLIDAY,
    Component.SICK,
    Component.NATIONAL_INSURANCE,
    Component.PENSION,
    Component.MILEAGE,
    Component.OVERHEADS,
    Component.SURPLUS,
)


@dataclass(frozen=True)
class Price:
    """The price of a contact hour: each component exact, and as shown (to the penny)."""

    exact: dict[str, Decimal]

    @property
    def components(self) -> dict[str, Decimal]:
        """Each component rounded half-up to the penny, in breakdown order."""
        return {name: to_pennies(self.exact[name]) for name in COMPONENTS}

    @property
    def per_hour(self) -> Decimal:
        """The price: the sum of the components as shown, so the breakdown adds up to it."""
        return sum(self.components.values(), Decimal(0))


def price(inputs: CostInputs, travel: ZoneTravel | None = None) -> Price:
    """The price of one contact hour with the inputs, in a zone (default travel if None)."""
    minutes = travel.travel_minutes_per_visit if travel else inputs.travel_minutes_per_visit
    miles = travel.miles_per_visit if travel else inputs.miles_per_visit
    pay = inputs.hourly_pay
    visits = 60 / inputs.visit_minutes
    contact = pay
    travel_pay = pay * minutes * visits / 60
    training = pay * inputs.training_percent / HUNDRED
    worked = contact + travel_pay + training
    holiday = worked * inputs.holiday_weeks / (WEEKS - inputs.holiday_weeks)
    sick = worked * inputs.sick_pay_percent / HUNDRED
    gross = worked + holiday + sick
    hours_paid = gross / pay if pay else Decimal(0)
    paid_hours_a_year = WEEKS * inputs.weekly_paid_hours
    ni = (
        inputs.ni_percent
        / HUNDRED
        * max(Decimal(0), gross - hours_paid * inputs.ni_threshold_a_year / paid_hours_a_year)
    )
    pension = (
        inputs.pension_percent
        / HUNDRED
        * max(Decimal(0), gross - hours_paid * inputs.pension_threshold_a_year / paid_hours_a_year)
    )
    mileage = inputs.pence_per_mile / HUNDRED * miles * visits
    cost = gross + ni + pension + mileage + inputs.overheads_per_hour
    return Price(
        {
            Component.CONTACT: contact,
            Component.TRAVEL_TIME: travel_pay,
            Component.TRAINING: training,
            Component.HOLIDAY: holiday,
            Component.SICK: sick,
            Component.NATIONAL_INSURANCE: ni,
            Component.PENSION: pension,
            Component.MILEAGE: mileage,
            Component.OVERHEADS: inputs.overheads_per_hour,
            Component.SURPLUS: cost * inputs.surplus_percent / HUNDRED,
        }
    )


@dataclass(eq=False)
class CostOfCareScenario:
    """A commissioner's inputs, named and dated: the model in force from ``effective_from``."""

    commissioner: Commissioner
    name: str
    effective_from: date
    inputs: CostInputs = field(default_factory=CostInputs)
    zones: tuple[ZoneTravel, ...] = ()
    created_at: datetime | None = None
    created_by: str | None = None
    id: int | None = None

    def travel_in(self, zone: str) -> ZoneTravel:
        """The zone's own travel, else the scenario's default travel."""
        for travel in self.zones:
            if travel.zone == zone:
                return travel
        return ZoneTravel(zone, self.inputs.travel_minutes_per_visit, self.inputs.miles_per_visit)

    def price_in(self, zone: str) -> Price:
        return price(self.inputs, self.travel_in(zone))


def in_force(scenarios: list[CostOfCareScenario], on: date) -> CostOfCareScenario | None:
    """The scenario with the latest ``effective_from`` on or before the day (ties: by name)."""
    dated = [s for s in scenarios if s.effective_from <= on]
    return max(dated, key=lambda s: (s.effective_from, s.name), default=None)


def check(inputs: CostInputs) -> None:
    """Refuse inputs the model can't use, naming each: all at once, for an error summary."""
    problems: dict[str, str] = {}
    for item in fields(inputs):
        value = getattr(inputs, item.name)
        if not isinstance(value, Decimal) or not value.is_finite():
            problems[item.name] = "must be a number"
        elif value < 0:
            problems[item.name] = "must not be negative"
    if not problems:
        if inputs.visit_minutes <= 0:
            problems["visit_minutes"] = "must be more than 0 minutes"
        if inputs.hourly_pay <= 0:
            problems["hourly_pay"] = "must be more than £0"
        if inputs.weekly_paid_hours <= 0:
            problems["weekly_paid_hours"] = "must be more than 0 hours"
        if inputs.holiday_weeks >= WEEKS:
            problems["holiday_weeks"] = "must be fewer than 52 weeks"
        for name in ("ni_percent", "pension_percent", "sick_pay_percent"):
            if getattr(inputs, name) > HUNDRED:
                problems[name] = "must be 100% or less"
    if problems:
        raise InvalidCostInputs(problems)


def inputs_from(values: Mapping[str, Any], base: CostInputs | None = None) -> CostInputs:
    """Inputs from text or numbers by name (others from ``base`` or the defaults); every
    unreadable or unusable value is named in one ``InvalidCostInputs``."""
    known = {f.name for f in fields(CostInputs)}
    problems: dict[str, str] = {}
    read: dict[str, Decimal] = {}
    for name, raw in values.items():
        if name not in known:
            problems[name] = "is not an input of the model"
            continue
        try:
            read[name] = Decimal(str(raw).strip().replace("£", "").replace(",", ""))
        except InvalidOperation:
            problems[name] = "must be a number"
    if problems:
        raise InvalidCostInputs(problems)
    return replace(base or CostInputs(), **read)


def zone_travel_from(zone: str, minutes: Any, miles: Any) -> ZoneTravel:
    """A zone's travel from text, refusing what isn't a number of 0 or more."""
    problems: dict[str, str] = {}
    read: list[Decimal] = []
    for label, raw in (("travel minutes", minutes), ("miles", miles)):
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value < 0:
            problems[f"zone {zone}"] = f"{label} must be a number, 0 or more"
        read.append(value)
    if problems:
        raise InvalidCostInputs(problems)
    return ZoneTravel(zone, read[0], read[1])


def to_json(inputs: CostInputs, zones: tuple[ZoneTravel, ...]) -> dict[str, Any]:
    """The inputs as stored: exact decimals as strings, zones by code."""
    return {
        "inputs": {k: str(v) for k, v in asdict(inputs).items()},
        "zones": {
            z.zone: {
                "travel_minutes_per_visit": str(z.travel_minutes_per_visit),
                "miles_per_visit": str(z.miles_per_visit),
            }
            for z in zones
        },
    }


def from_json(stored: Mapping[str, Any]) -> tuple[CostInputs, tuple[ZoneTravel, ...]]:
    """Read back what ``to_json`` wrote; inputs added since take their defaults."""
    inputs = inputs_from(stored.get("inputs", {}))
    zones = tuple(
        ZoneTravel(code, Decimal(z["travel_minutes_per_visit"]), Decimal(z["miles_per_visit"]))
        for code, z in sorted(stored.get("zones", {}).items())
    )
    return inputs, zones


@dataclass(eq=False)
class OpenBookSubmission:
    """A provider's actual costs for a period, pounds per contact hour by the model's lines."""

    provider: Provider
    commissioner: Commissioner
    period_start: date
    period_end: date
    lines: dict[str, Decimal]
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        problems: dict[str, str] = {}
        if self.period_end < self.period_start:
            problems["period_end"] = "must be on or after the period's start"
        for name, amount in self.lines.items():
            if name not in COMPONENTS:
                problems[name] = "is not a cost line: use the model's lines"
            elif not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
                problems[name] = "must be an amount of £0 or more an hour"
        if not self.lines:
            problems["lines"] = "give at least one cost line"
        if problems:
            raise InvalidCostInputs(problems)

    @property
    def total(self) -> Decimal:
        return sum(self.lines.values(), Decimal(0))


def open_book_lines(values: Mapping[str, Any]) -> dict[str, Decimal]:
    """Cost lines from text (blank lines left out), refusing what isn't pounds and pence."""
    problems: dict[str, str] = {}
    lines: dict[str, Decimal] = {}
    for name, raw in values.items():
        text = str(raw).strip().replace("£", "").replace(",", "")
        if not text:
            continue
        try:
            amount = Decimal(text)
        except InvalidOperation:
            problems[name] = "must be an amount in pounds and pence, like 12.71"
            continue
        lines[name] = amount
    if problems:
        raise InvalidCostInputs(problems)
    return lines
