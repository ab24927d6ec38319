"""The SQL unit of work: one session, rolled back unless committed.

A `with uow:` inside another on the same unit of work joins the outer one's session (nothing
is opened, rolled back or closed at its end): a caller that runs several read-only use cases
(the committee pack's reports) opens one session for all of them, so what they read once in
it, such as the packages active on a day, is read once.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from caremarket.db.brokerage import SqlNotifications, SqlSourcings
from caremarket.db.contracts import SqlContracts, SqlTerms
from caremarket.db.cost_of_care import SqlOpenBook, SqlScenarios
from caremarket.db.delivery import SqlVisits
from caremarket.db.intelligence import SqlMarketRecords
from caremarket.db.payments import SqlInvoices, SqlPaymentRules, SqlPaymentRuns
from caremarket.db.procurement import SqlAdmissions, SqlApplications
from caremarket.db.repositories import (
    SqlAuditTrail,
    SqlGazetteer,
    SqlPackageRepository,
    SqlRepository,
    SqlVehicleRepository,
)
from caremarket.db.schedules import SqlPackageSuspensions
from caremarket.db.simulation_runs import SqlSimulations
from caremarket.db.tenders import SqlTenders
from caremarket.db.zone_designs import SqlZoneDesigns
from caremarket.domain.access import ApiToken, User
from caremarket.domain.changes import ChangeProposal
from caremarket.domain.discharge import Bridging
from caremarket.domain.hand_backs import HandBack
from caremarket.domain.market import Commissioner, Partnership, Provider, ServiceType, Zone
from caremarket.domain.packages import Person
from caremarket.domain.rates import RateCard


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory
        self.session: Session | None = None
        self.depth = 0  # how many `with uow:` are open: more than one share the session

    def __enter__(self) -> Self:
        self.depth += 1
        if self.depth > 1:
            return self
        session = self.session = self.session_factory()
        self.commissioners = SqlRepository(session, Commissioner, "code", label="commissioner")
        self.partnerships = SqlRepository(session, Partnership, "code", label="partnership")
        self.zones = SqlRepository(session, Zone, "commissioner", "code", label="zone")
        self.services = SqlRepository(session, ServiceType, "code", label="service type")
        self.providers = SqlRepository(session, Provider, "name", label="provider")
        self.vehicles = SqlVehicleRepository(session)
        self.rate_cards = SqlRepository(
            session, RateCard, "commissioner", "name", label="rate card"
        )
        self.people = SqlRepository(session, Person, "commissioner", "reference", label="person")
        self.packages = SqlPackageRepository(session)
        self.postcodes = SqlGazetteer(session)
        self.users = SqlRepository(session, User, "email", label="user")
        self.tokens = SqlRepository(session, ApiToken, "token_hash", label="API token")
        self.audit = SqlAuditTrail(session)
        self.sourcings = SqlSourcings(session)
        self.bridgings = SqlRepository(session, Bridging, "id", label="bridging")
        self.hand_backs = SqlRepository(session, HandBack, "id", label="hand-back")
        self.changes = SqlRepository(session, ChangeProposal, "id", label="proposed change")
        self.notifications = SqlNotifications(session)
        self.admissions = SqlAdmissions(session)
        self.applications = SqlApplications(session)
        self.terms = SqlTerms(session)
        self.contracts = SqlContracts(session)
        self.tenders = SqlTenders(session)
        self.visits = SqlVisits(session)
        self.payment_rules = SqlPaymentRules(session)
        self.payment_runs = SqlPaymentRuns(session)
        self.invoices = SqlInvoices(session)
        self.records = SqlMarketRecords(session)
        self.scenarios = SqlScenarios(session)
        self.open_book = SqlOpenBook(session)
        self.package_suspensions = SqlPackageSuspensions(session)
        self.zone_designs = SqlZoneDesigns(session)
        self.simulations = SqlSimulations(session)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.session is not None
        self.depth -= 1
        if self.depth:
            return
        self.session.rollback()
        self.session.close()
        self.session = None

    def commit(self) -> None:
        assert self.session is not None, "commit() outside `with uow:`"
        self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self.session.rollback()

    def flush(self) -> None:
        assert self.session is not None
        self.session.flush()
