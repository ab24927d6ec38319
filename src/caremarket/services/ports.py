"""What services need from the outside world, as protocols: no SQLAlchemy here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from caremarket.domain.audit import AuditEntry
from caremarket.domain.changes import ChangeProposal
from caremarket.domain.contracts import Contract, ExtensionDecision, Term, Variation
from caremarket.domain.cost_of_care import CostOfCareScenario, OpenBookSubmission
from caremarket.domain.ecm import VisitRecord
from caremarket.domain.evaluation import GateResult
from caremarket.domain.market import Commissioner, Lot, Provider, Vehicle, Zone
from caremarket.domain.notifications import Notification
from caremarket.domain.package_suspensions import PackageSuspension
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.payment_runs import PaymentRun, RunLine
from caremarket.domain.payments import PaymentRules
from caremarket.domain.policies import SourcingPolicy
from caremarket.domain.procurement import AdmissionRules, Application, ApplicationStatus
from caremarket.domain.reconciliation import Invoice
from caremarket.domain.schedules import DateRange
from caremarket.domain.simulation_runs import SavedScenario, SimulationRun
from caremarket.domain.sourcing import Sourcing
from caremarket.domain.tenders import LotAward, Moderation, Tender, TenderBid
from caremarket.domain.travel import Point
from caremarket.domain.visit_queries import VisitQuery
from caremarket.domain.zone_designs import ZoneDesign

T = TypeVar("T")


class Repository(Protocol[T]):
    def add(self, item: T) -> None: ...
    def add_all(self, items: Iterable[T]) -> None: ...
    def get(self, *key: Any) -> T: ...
    def find(self, *key: Any) -> T | None: ...
    def list(self, **where: Any) -> Sequence[T]: ...
    def find_each(self, keys: Iterable[Any]) -> dict[Any, T]: ...


class VehicleRepository(Repository[Vehicle], Protocol):
    def lots_for(
        self,
        commissioner: Commissioner,
        *,
        zone: Zone | None = None,
        code: str | None = None,
        members: bool = True,
    ) -> list[Lot]: ...


@dataclass(frozen=True)
class PackageFilter:
    commissioner: str | None = None
    zone: str | None = None
    service: str | None = None
    status: PackageStatus | None = None
    provider: str | None = None
    provider_id: int | None = None  # set for a provider's own view


@dataclass(frozen=True)
class PackageListing:
    """A package as lists show it, read without loading the whole package."""

    reference: str
    person: str
    commissioner: str
    zone: str
    service: str
    pattern: str  # in the written notation
    pathway: str | None
    status: PackageStatus
    start_on: date
    end_on: date | None
    provider: str | None


class PackageRepository(Repository[CarePackage], Protocol):
    def active_on(
        self, day: date, *, commissioner_code: str | None = None
    ) -> Sequence[CarePackage]: ...
    def references(self) -> set[str]: ...
    def search(
        self, where: PackageFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[PackageListing], int]: ...


@dataclass(frozen=True)
class AuditFilter:
    object_type: str | None = None
    object_ref: str | None = None
    actor: str | None = None


class AuditTrail(Protocol):
    def record(self, *entries: AuditEntry) -> None: ...
    def search(
        self, where: AuditFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[AuditEntry], int]: ...


class TravelTimes(Protocol):
    """Minutes by road between points: the straight-line estimate (domain.travel) or a routing
    service's matrix (routing.OsrmTravel)."""

    def durations(
        self, origins: Sequence[Point], destinations: Sequence[Point]
    ) -> list[list[float]]: ...


class Gazetteer(Protocol):
    """The postcodes caremarket knows, with their coordinates."""

    def known(self, postcodes: Iterable[str]) -> set[str]: ...
    def count(self) -> int: ...
    def districts_held(self, districts: Iterable[str]) -> set[str]: ...
    def load(self, rows: Iterable[dict[str, Any]]) -> int: ...


@dataclass
class SourcingRound:
    """One attempt to source a package (the request; again after a hand-back), as kept."""

    package: CarePackage
    number: int
    cause: str  # "requested", "handed back"
    state: Sourcing
    requested_at: datetime
    requested_by: str
    awarded_at: datetime | None = None
    closed_at: datetime | None = None  # awarded, or left sourcing
    id: int | None = None
    version: int = 0


@dataclass(frozen=True)
class PolicySetting:
    """A commissioner's policy as set: for every lot (`lot` None) or for one lot."""

    lot: Lot | None
    policy: SourcingPolicy
    set_at: datetime
    set_by: str


class SourcingRepository(Protocol):
    def current(self, package: CarePackage, *, lock: bool = False) -> SourcingRound | None: ...
    def rounds(self, package: CarePackage) -> list[SourcingRound]: ...
    def add(self, sourcing: SourcingRound) -> None: ...
    def save(self, sourcing: SourcingRound, state: Sourcing, **changes: Any) -> None:
        """Keep the new state; ConcurrentChange if someone saved it meanwhile."""

    def due(self, now: datetime, *, limit: int) -> list[SourcingRound]:
        """Rounds with a window closed by `now`, locked (others' ticks skip them)."""

    def open_offers(self, provider_id: int | None = None) -> list[SourcingRound]: ...
    def waiting(self) -> list[SourcingRound]: ...
    def under_way(self) -> list[SourcingRound]:
        """Rounds still offering or waiting: those a provider's suspension reaches."""

    def policy(
        self, commissioner: Commissioner, lot: Lot | None = None
    ) -> SourcingPolicy | None: ...
    def policies(self, commissioner: Commissioner) -> list[PolicySetting]:
        """The commissioner's policy and its lots' own, the commissioner's first."""

    def next_due(self) -> datetime | None:
        """When a round's window next closes (the soonest due moment), if any is open."""

    def set_policy(
        self,
        commissioner: Commissioner,
        lot: Lot | None,
        policy: SourcingPolicy,
        *,
        at: datetime,
        by: str,
    ) -> None: ...


class NotificationBox(Protocol):
    def add(self, *notifications: Notification) -> None: ...
    def for_provider(self, provider_id: int, *, limit: int) -> Sequence[Notification]: ...
    def for_role(self, role: str, *, limit: int) -> Sequence[Notification]: ...
    def undelivered(self, *, limit: int) -> Sequence[Notification]: ...


class AdmissionBook(Protocol):
    """Each vehicle's admission rules, as last set."""

    def find(self, vehicle: Vehicle) -> AdmissionRules | None: ...
    def set(self, vehicle: Vehicle, rules: AdmissionRules, *, at: datetime, by: str) -> None: ...


class ApplicationRepository(Repository[Application], Protocol):
    def search(
        self, *, status: ApplicationStatus | None = None, provider_name: str | None = None
    ) -> Sequence[Application]:
        """Newest first."""


class TermBook(Protocol):
    """Each vehicle's term and the decisions on its extension options."""

    def find(self, vehicle: Vehicle) -> Term | None: ...
    def set(self, vehicle: Vehicle, term: Term, *, at: datetime, by: str) -> None: ...
    def decide(self, vehicle: Vehicle, decision: ExtensionDecision) -> None: ...


class ContractRepository(Protocol):
    def add(self, contract: Contract, *, at: datetime, by: str) -> None: ...
    def add_variation(self, contract: Contract, variation: Variation, *, at: datetime) -> None: ...
    def record_end(self, contract: Contract) -> None: ...
    def find(self, reference: str) -> Contract | None: ...
    def get(self, reference: str) -> Contract: ...
    def search(
        self,
        *,
        commissioner: str | None = None,
        provider: str | None = None,
        provider_id: int | None = None,
        vehicle: str | None = None,
    ) -> list[Contract]:
        """Vehicle by vehicle, lot by lot, the earliest first."""

    def count_in_lot(self, lot: Lot) -> int: ...
    def awarded(
        self, commissioner: Commissioner, lot: Lot, provider: Provider, starts_on: date
    ) -> str | None: ...


class TenderBook(Protocol):
    """Tenders, their bids, marks, moderated marks, gates and awards (db/tenders.py)."""

    def find(self, code: str) -> Tender | None: ...
    def get(self, code: str) -> Tender: ...
    def list(self) -> list[Tender]: ...
    def add(self, tender: Tender, vehicle: Vehicle) -> Tender: ...
    def bids(self, tender: Tender, lot: Lot | None = None) -> list[TenderBid]: ...
    def find_bid(self, tender: Tender, lot: Lot, bidder: str) -> TenderBid | None: ...
    def add_bid(
        self, tender: Tender, lot: Lot, bid: TenderBid, *, provider: Provider | None
    ) -> int: ...
    def set_mark(
        self, bid: TenderBid, criterion: str, evaluator: str, mark: int, *, at: datetime
    ) -> None: ...
    def set_moderation(self, bid: TenderBid, criterion: str, moderation: Moderation) -> None: ...
    def set_gates(self, bid: TenderBid, gates: Mapping[str, GateResult]) -> None: ...
    def accept_low_price(self, bid: TenderBid, reason: str) -> None: ...
    def awards(self, tender: Tender) -> dict[str, LotAward]: ...
    def add_award(self, tender: Tender, lot: Lot, award: LotAward, *, at: datetime) -> None: ...


@dataclass(frozen=True)
class KeptVisit:
    """One version of a visit record as kept (db/delivery.py)."""

    provider_id: int
    record: VisitRecord
    version: int  # 1 for the first
    received_at: datetime
    package_id: int | None = None  # the package it was matched to
    file_id: int | None = None  # the ECM file (or API batch) it came in
    current: bool = True  # the newest version of its visit
    id: int | None = None


@dataclass(frozen=True)
class EcmFileEntry:
    """An ECM file (or a batch pushed through the API) as received: what it held and every
    problem found in it (each {"line", "field", "reason"})."""

    provider_id: int
    reference: str  # the file's own reference, or its content's SHA-256
    profile: str
    filename: str
    rows: int
    visits_new: int
    visits_changed: int
    visits_unchanged: int
    problems: tuple[Mapping[str, Any], ...]
    received_at: datetime
    received_by: str
    id: int | None = None
    provider: str | None = None  # the provider's name, when read back


@dataclass(frozen=True)
class QueryListing:
    """An open query with the visit it is about, as finance lists them."""

    query: VisitQuery
    provider_id: int
    provider: str
    visit_id: str
    version: int
    planned_start_at: datetime
    package_reference: str | None
    person_reference: str | None


class VisitBook(Protocol):
    """Every version of every visit record, the ECM files they came in, and their queries."""

    def add(self, visits: Sequence[KeptVisit]) -> list[int]:
        """Keep new versions; each supersedes the current version of its visit. Their ids."""

    def held(self, provider_id: int, visit_ids: Iterable[str]) -> dict[str, KeptVisit]:
        """The current version of each of the provider's visits named, by visit ID."""

    def find(self, provider_id: int, visit_id: str) -> KeptVisit | None: ...
    def get(self, provider_id: int, visit_id: str) -> KeptVisit: ...
    def get_by_id(self, record_id: int) -> KeptVisit: ...
    def versions(self, provider_id: int, visit_id: str) -> list[KeptVisit]: ...
    def current(
        self,
        period: DateRange,
        *,
        commissioner_id: int | None = None,
        provider_id: int | None = None,
        package_ids: Iterable[int] | None = None,
    ) -> list[KeptVisit]:
        """Current versions of visits planned to start in the period (London days)."""

    def add_queries(self, queries: Sequence[VisitQuery]) -> list[int]: ...
    def queries_of(self, record_ids: Iterable[int]) -> dict[int, list[VisitQuery]]: ...
    def queries_in(
        self, period: DateRange, *, commissioner_id: int
    ) -> dict[int, list[VisitQuery]]: ...
    def open_queries(
        self,
        *,
        provider_id: int | None = None,
        commissioner_id: int | None = None,
        held_only: bool = False,
    ) -> list[QueryListing]: ...
    def file_queries(self, file_id: int) -> list[QueryListing]: ...
    def get_query(self, query_id: int) -> VisitQuery: ...
    def save_resolution(self, query: VisitQuery) -> None: ...
    def add_file(self, entry: EcmFileEntry) -> int: ...
    def find_file(self, provider_id: int, reference: str) -> EcmFileEntry | None: ...
    def get_file(self, file_id: int) -> EcmFileEntry: ...
    def list_files(
        self, *, provider_id: int | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[list[EcmFileEntry], int]:
        """The newest received first, and how many in all."""


class PaymentRuleBook(Protocol):
    """Payment rule sets by name (db/payments.py)."""

    def find(self, name: str) -> PaymentRules | None: ...
    def set(self, rules: PaymentRules, *, at: datetime, by: str) -> None: ...
    def list(self) -> list[tuple[PaymentRules, datetime, str]]: ...


class PaymentRunBook(Protocol):
    """Payment runs and their lines (db/payments.py)."""

    def add(self, run: PaymentRun) -> None: ...
    def save(self, run: PaymentRun) -> None: ...
    def find(self, reference: str) -> PaymentRun | None: ...
    def get(self, reference: str) -> PaymentRun: ...
    def list(
        self, *, commissioner: str | None = None, provider_id: int | None = None
    ) -> list[PaymentRun]: ...
    def overlapping(self, commissioner: str, period: DateRange) -> list[PaymentRun]: ...
    def replace_lines(self, run: PaymentRun, lines: Iterable[RunLine]) -> None: ...
    def lines(self, run: PaymentRun, *, provider_id: int | None = None) -> list[RunLine]: ...
    def approved_lines_to_review(self, commissioner: str) -> list[RunLine]: ...
    def sent_late(self, commissioner: str, before: date) -> list[tuple[int, str]]: ...


@dataclass(frozen=True)
class ReceivedInvoice:
    """An invoice kept, with whose it is, the run it was matched against, and who sent it."""

    invoice: Invoice
    provider: str
    provider_id: int
    run: str | None  # the run's reference
    received_at: datetime
    received_by: str


class InvoiceBook(Protocol):
    def find(self, provider_id: int, reference: str) -> Invoice | None: ...
    def add(
        self, invoice: Invoice, *, provider_id: int, run_id: int | None, at: datetime, by: str
    ) -> int: ...
    def received(
        self, *, provider_id: int | None = None, run_id: int | None = None
    ) -> list[ReceivedInvoice]: ...


class ZoneDesignBook(Protocol):
    """A commissioner's applied zone designs (db/zone_designs.py)."""

    def add(self, design: ZoneDesign) -> None: ...
    def list(self, commissioner: Commissioner) -> list[ZoneDesign]: ...
    def redrawn(self, design: ZoneDesign, at: datetime) -> bool: ...
    def due(self, day: date) -> list[tuple[str, str]]: ...


class SimulationBook(Protocol):
    """Saved simulation scenarios and their runs (db/simulation_runs.py)."""

    def add_scenario(self, scenario: SavedScenario) -> None: ...
    def scenarios(self, commissioner: str) -> list[SavedScenario]: ...
    def find_scenario(self, commissioner: str, name: str) -> SavedScenario | None: ...
    def get_scenario(self, scenario_id: int) -> SavedScenario: ...
    def add_run(self, run: SimulationRun) -> None: ...
    def get_run(self, run_id: int) -> SimulationRun: ...
    def runs(self, scenario_id: int) -> list[SimulationRun]: ...
    def claim_run(self, now: datetime, stale_before: datetime) -> SimulationRun | None: ...
    def save_run(self, run: SimulationRun, *, while_running: bool = False) -> bool: ...
    def cancel_run(self, run: SimulationRun) -> bool: ...


class ScenarioBook(Protocol):
    """A commissioner's cost-of-care scenarios (db/cost_of_care.py)."""

    def list(self, commissioner: Commissioner) -> list[CostOfCareScenario]: ...
    def find(self, commissioner: Commissioner, name: str) -> CostOfCareScenario | None: ...
    def get(self, commissioner: Commissioner, name: str) -> CostOfCareScenario: ...
    def save(self, scenario: CostOfCareScenario) -> None: ...


class OpenBook(Protocol):
    """Providers' open-book submissions (db/cost_of_care.py)."""

    def save(self, submission: OpenBookSubmission) -> None: ...
    def search(
        self,
        *,
        commissioner: Commissioner | None = None,
        provider: Provider | None = None,
        on: date | None = None,
    ) -> list[OpenBookSubmission]: ...


@dataclass(frozen=True)
class ScheduleHistory:
    """A package's changes of pattern in force and its suspensions (db/schedules.py)."""

    changes: tuple[ChangeProposal, ...] = ()
    suspensions: tuple[PackageSuspension, ...] = ()


class PackageSuspensionBook(Repository[PackageSuspension], Protocol):
    def histories(self, package_ids: Iterable[int]) -> dict[int, ScheduleHistory]: ...


class Mailer(Protocol):
    """Sends one e-mail (an outside system: SMTP)."""

    def send(self, to: str, subject: str, body: str) -> None: ...


class MarketRecords(Protocol):
    """The market's history as the market-intelligence reports read it, and the waiting
    list's weekly snapshots (db/intelligence.py)."""

    def snapshot_taken(self, commissioner_id: int, on: date) -> bool: ...
    def add_snapshot(
        self,
        commissioner_id: int,
        *,
        on: date,
        at: datetime,
        by: str,
        entries: Iterable[dict[str, object]],
    ) -> int: ...
    def last_snapshot_on(self, commissioner_id: int) -> date | None: ...
    def snapshot_days(self, commissioner_id: int, since: date, on: date) -> list[date]: ...
    def provider_minutes(
        self, commissioner_ids: Iterable[int], on: date, *, lot_ids: Iterable[int] | None = None
    ) -> list[tuple[str, int]]: ...
    def active_care(self, commissioner_id: int, on: date) -> list[Any]: ...
    def waiting_entries(self, commissioner_id: int, since: date, on: date) -> list[Any]: ...
    def round_timings(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[Any]: ...
    def offer_responses(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[Any]: ...
    def given_back(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[Any]: ...
    def exits(self, commissioner_id: int, since: date, on: date) -> list[Any]: ...
    def discharges(self, commissioner_id: int, since: date, on: date) -> list[Any]: ...
    def paid_lines(self, commissioner_id: int, since: date, on: date) -> list[Any]: ...
    def recorded_visits(
        self, commissioner_id: int, since: date, on: date, zone: tzinfo
    ) -> list[Any]: ...


class UnitOfWork(Protocol):
    commissioners: Repository
    partnerships: Repository
    zones: Repository
    services: Repository
    providers: Repository
    vehicles: VehicleRepository
    rate_cards: Repository
    people: Repository
    packages: PackageRepository
    postcodes: Gazetteer
    users: Repository
    tokens: Repository
    audit: AuditTrail
    sourcings: SourcingRepository
    bridgings: Repository
    hand_backs: Repository
    changes: Repository
    notifications: NotificationBox
    admissions: AdmissionBook
    applications: ApplicationRepository
    terms: TermBook
    contracts: ContractRepository
    tenders: TenderBook
    visits: VisitBook
    payment_rules: PaymentRuleBook
    payment_runs: PaymentRunBook
    invoices: InvoiceBook
    records: MarketRecords
    scenarios: ScenarioBook
    zone_designs: ZoneDesignBook
    simulations: SimulationBook
    open_book: OpenBook
    package_suspensions: PackageSuspensionBook

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def flush(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
