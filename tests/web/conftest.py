"""The app over HTTP, built by create_app on a migrated database of its own.

The database holds one commissioner, two packages in zone A (PKG-0001 awarded to Wyeside Home
Care, PKG-0002 to Other Care), sixty requested packages without a provider in zone C
(PKG-1001 to PKG-1060, to page through), a vehicle whose lot O-A has Wyeside as lead and Other
Care as approved, a rate card, a contract for each of the two (HFD-DPS-O-A-1 Wyeside's,
HFD-DPS-O-A-2 Other Care's), an audit entry for PKG-0001, and one account and one API token
for every role; the provider's are Wyeside's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db import migrate
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.audit import entry
from caremarket.domain.calendar import LONDON
from caremarket.domain.contracts import Term
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.domain.evaluation import Criterion, EvaluationModel, Kind
from caremarket.domain.market import CqcRating, Tier, Vehicle, VehicleKind
from caremarket.domain.packages import CarePackage, PackageStatus
from caremarket.domain.procurement import Admission, AdmissionMode, AdmissionRules
from caremarket.domain.visit_queries import VisitQuery
from caremarket.services import (
    accounts,
    applications,
    brokerage,
    contracts,
    ecm,
    invoices,
    payments,
    simulation_runs,
    tenders,
)
from caremarket.services.applications import ApplicationForm
from caremarket.services.contracts import ContractAward
from caremarket.services.ports import KeptVisit
from caremarket.web.app import create_app
from tests.builders import a_care_package, a_lot, a_provider, a_rate_card, a_zone
from tests.simulation_scenarios import TINY

PASSWORD = "a-long-enough-password"
SETUP = Actor("test-setup", Role.ADMIN)


def email_of(role: Role) -> str:
    return f"{role.value}@example.org"


@pytest.fixture(scope="session")
def market(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict[Role, str]]:
    """Settings on a database with the market above, and a token for every role; and
    Wyeside's application 1 to HFD-DPS (open to applications), for the routes' walk."""
    settings, tokens = make_market(f"sqlite:///{tmp_path_factory.mktemp('web') / 'caremarket.db'}")
    an_application(settings.database_url)
    a_simulation_run(settings.database_url)
    return settings, tokens


def an_application(url: str) -> None:
    """HFD-DPS open to applications, and Wyeside Home Care's application to its lot O-A."""
    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    now = datetime.now(UTC)
    applications.set_admission(
        uow, "HFD-DPS", AdmissionRules(Admission(AdmissionMode.ALWAYS_OPEN)), by=SETUP, now=now
    )
    form = ApplicationForm(
        provider="Wyeside Home Care",
        cqc_location_ids=("1-101634823",),
        cqc_rating=CqcRating.GOOD,
        insurance_expires_on=date(2099, 3, 31),
        lots=("O-A",),
    )
    applications.apply(uow, "HFD-DPS", form, by=SETUP, now=now)
    engine.dispose()


def a_simulation_run(url: str) -> None:
    """Simulation scenario 1 (the tiny test scenario, saved for HFD) and its run 1, done."""
    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    now = datetime.now(UTC)
    saved = simulation_runs.save_scenario(
        uow, commissioner="HFD", name="Tiny", text=TINY, by=SETUP, now=now
    )
    simulation_runs.start_run(uow, saved.id, by=SETUP, now=now)
    simulation_runs.run_next(uow, clock=lambda: datetime.now(UTC))
    engine.dispose()


def make_market(url: str) -> tuple[Settings, dict[Role, str]]:
    """A database at `url` with the market above; settings on it and a token for every role."""
    settings = Settings(database_url=url, environment="test")
    engine = make_engine(url)
    migrate.upgrade(engine)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        mine = a_care_package(provider=a_provider())
        theirs = a_care_package(
            reference="PKG-0002",
            commissioner=mine.commissioner,
            zone=mine.zone,
            service=mine.service,
            person=mine.person,
            provider=a_provider(name="Other Care", cqc_location_ids=("1-999999999",)),
        )
        uow.packages.add_all([mine, theirs, *waiting_packages(mine)])
        uow.vehicles.add(a_vehicle(mine, theirs))
        uow.rate_cards.add(a_rate_card(mine.commissioner, mine.service))
        uow.commit()
    now = datetime.now(UTC)
    for provider in ("Wyeside Home Care", "Other Care"):  # HFD-DPS-O-A-1 and -2
        contracts.award_contract(uow, a_contract_award(provider), by=SETUP, now=now)
    with uow:
        uow.audit.record(
            entry(SETUP, now, "package imported", ("care package", "PKG-0001"), {"hours": "14"})
        )
        uow.commit()
    add_a_tender(uow, now)
    add_ecm_visits(uow, now)
    add_a_payment_run(uow, now)
    tokens = {}
    for role in Role:
        provider = "Wyeside Home Care" if role is Role.PROVIDER else None
        accounts.add_user(
            uow,
            email=email_of(role),
            name=f"Test {role.value}",
            role=role,
            password=PASSWORD,
            provider=provider,
            by=SETUP,
            now=now,
        )
        tokens[role] = accounts.create_token(
            uow, name=f"{role.value} system", role=role, provider=provider, by=SETUP, now=now
        ).secret
    engine.dispose()
    return settings, tokens


def a_contract_award(provider: str) -> ContractAward:
    return ContractAward(
        vehicle="HFD-DPS",
        lot="O-A",
        provider=provider,
        commissioner="HFD",
        term=Term.of_years(date(2017, 4, 1), 3, 1, 1),
        rate_card="2017/18",
        awarded_on=date(2017, 3, 1),
    )


def add_a_tender(uow: SqlUnitOfWork, now: datetime) -> None:
    """Tender HFD-T1 for the vehicle's lot O-A: Wyeside Home Care's bid, marked and moderated."""
    model = EvaluationModel(
        "HFD-Q70",
        "Quality 70, price 30",
        (
            Criterion("quality", "Quality", Kind.MARKS, 70, scale=10),
            Criterion("price", "Price", Kind.PRICE_RELATIVE, 30),
        ),
    )
    tenders.create_tender(
        uow, "HFD-DPS", code="HFD-T1", name="Home care", model=model, by=SETUP, now=now
    )
    tenders.enter_bid(
        uow,
        "HFD-T1",
        "O-A",
        bidder="Wyeside Home Care",
        hourly_rate=Decimal("18.50"),
        by=SETUP,
        now=now,
    )
    tenders.record_mark(
        uow,
        "HFD-T1",
        "O-A",
        "Wyeside Home Care",
        criterion="quality",
        evaluator="Asha",
        mark=7,
        by=SETUP,
        now=now,
    )
    tenders.agree_mark(
        uow,
        "HFD-T1",
        "O-A",
        "Wyeside Home Care",
        criterion="quality",
        mark=7,
        note="as Asha marked it",
        by=SETUP,
        now=now,
    )


def add_ecm_visits(uow: SqlUnitOfWork, now: datetime) -> None:
    """ECM file 1: Wyeside's visit to PKG-0001, confirmed by hand (a query, not holding)."""
    visit = {
        "visit_id": "WY-1",
        "package_reference": "PKG-0001",
        "planned_start": "2017-07-03 07:30",
        "planned_minutes": "30",
        "status": "completed",
        "actual_start": "2017-07-03 07:31",
        "actual_end": "2017-07-03 08:01",
        "verification": "manual",
    }
    ecm.push_visits(uow, [visit], provider="Wyeside Home Care", by=SETUP, now=now)


PAYMENT_RUN = "HFD-2017-07-10"


def add_a_payment_run(uow: SqlUnitOfWork, now: datetime) -> None:
    """Payment run HFD-2017-07-10 (a draft) for the week from Monday 10 July 2017: Wyeside's
    07:30 visit to PKG-0001 paid, its 11:15 visit held by a query (confirmed by hand)."""
    monday = date(2017, 7, 10)
    with uow:
        package = uow.packages.get("PKG-0001")
        kept = []
        for visit_id, hour, minute in (("WHC-1", 7, 30), ("WHC-2", 11, 15)):
            start = datetime(monday.year, monday.month, monday.day, hour, minute, tzinfo=LONDON)
            record = VisitRecord(
                visit_id=visit_id,
                planned_start_at=start,
                planned_minutes=30,
                status=VisitStatus.COMPLETED,
                package_reference="PKG-0001",
                actual_start_at=start,
                actual_end_at=start + timedelta(minutes=30),
            )
            kept.append(KeptVisit(package.provider.id, record, 1, now, package.id))
        ids = uow.visits.add(kept)
        uow.visits.add_queries([VisitQuery(ids[1], "manual", "confirmed by hand", True, now)])
        uow.commit()
    payments.create_run(uow, "HFD", monday, monday + timedelta(days=6), by=SETUP, now=now)
    # Wyeside's invoice INV-1 for the run, sent by the provider: the paid visit, and one more
    wyeside = Actor("invoices@wyeside.example", Role.PROVIDER, provider_id=package.provider.id)
    invoices.submit_invoice(
        uow,
        io.StringIO(
            "visit_id,package_reference,date,minutes,amount\n"
            "WHC-1,PKG-0001,2017-07-10,30,7.90\nWHC-3,PKG-0001,2017-07-11,30,7.90\n"
        ),
        run=PAYMENT_RUN,
        reference="INV-1",
        by=wyeside,
        now=now,
    )


def make_brokerage_market(
    url: str, references: Iterable[str], *, policy: str | None = "leicestershire"
) -> tuple[Settings, dict[Role, str]]:
    """The market above, with requested packages in zone A starting today (lot O-A: Wyeside
    Home Care lead, Other Care approved), under the commissioner's `policy` (None: none)."""
    settings, tokens = make_market(url)
    engine = make_engine(url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    with uow:
        like = uow.packages.get("PKG-0001")
        uow.packages.add_all(
            a_care_package(
                reference=reference,
                commissioner=like.commissioner,
                zone=like.zone,
                service=like.service,
                person=like.person,
                status=PackageStatus.REQUESTED,
                pathway="O",
                start_on=date.today(),
            )
            for reference in references
        )
        uow.commit()
    if policy is not None:
        brokerage.set_policy(uow, "HFD", policy, by=SETUP, now=datetime.now(UTC))
    engine.dispose()
    return settings, tokens


def form_token(client: TestClient) -> str:
    """The signed-in session's token for forms, as every page carries it."""
    return client.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]


def waiting_packages(like: CarePackage, count: int = 60) -> list[CarePackage]:
    zone_c = a_zone(commissioner=like.commissioner, code="C", name="Zone C", areas=("HR1",))
    return [
        a_care_package(
            reference=f"PKG-{1000 + n}",
            commissioner=like.commissioner,
            zone=zone_c,
            service=like.service,
            person=like.person,
            status=PackageStatus.REQUESTED,
        )
        for n in range(1, count + 1)
    ]


def a_vehicle(mine: CarePackage, theirs: CarePackage) -> Vehicle:
    lot = a_lot(zones=[mine.zone])
    lot.admit(mine.provider, Tier.LEAD)
    lot.admit(theirs.provider, Tier.APPROVED)
    return Vehicle(
        "HFD-DPS", "Home care DPS", VehicleKind.DPS, commissioners=[mine.commissioner], lots=[lot]
    )


@pytest.fixture(scope="session")
def market_settings(market: tuple[Settings, dict[Role, str]]) -> Settings:
    return market[0]


@pytest.fixture(scope="session")
def tokens(market: tuple[Settings, dict[Role, str]]) -> dict[Role, str]:
    return market[1]


@pytest.fixture
def client(market_settings: Settings) -> Iterator[TestClient]:
    yield from serve(market_settings)


def serve(settings: Settings) -> Iterator[TestClient]:
    """A client of the app on `settings` (a fixture's body); the app's engine is disposed
    when the test is done."""
    app = create_app(settings)
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def post(client: TestClient, url: str, **fields: str):
    """Send a page's form as the browser would, with its token; the redirect not followed."""
    return client.post(
        url, data={"csrf_token": form_token(client)} | fields, follow_redirects=False
    )


def a_date(name: str, day: int, month: int, year: int) -> dict[str, str]:
    """A GOV.UK date input's three boxes."""
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client: TestClient, role: Role) -> None:
    """Sign in through the form, as a person would."""
    page = client.get("/sign-in")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post(
        "/sign-in",
        data={"email": email_of(role), "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
