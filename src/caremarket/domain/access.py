"""Who may do what: roles, user accounts, API tokens, and the rule for locking an account."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from caremarket.domain.errors import DomainError
from caremarket.domain.market import Provider


class InvalidAccount(DomainError):
    pass


class Role(enum.StrEnum):
    ADMIN = "admin"
    COMMISSIONER = "commissioner"
    BROKER = "broker"
    FINANCE = "finance"
    PROVIDER = "provider"  # bound to one provider: sees only its own offers, packages, payments
    AUDITOR = "auditor"  # sees everything, changes nothing

    @property
    def label(self) -> str:
        return {
            Role.ADMIN: "Administrator",
            Role.COMMISSIONER: "Commissioner",
            Role.BROKER: "Broker",
            Role.FINANCE: "Finance officer",
            Role.PROVIDER: "Provider",
            Role.AUDITOR: "Auditor (read only)",
        }[self]


STAFF = frozenset(Role) - {Role.PROVIDER}
EVERYONE = frozenset(Role)

# Who may read what, in the pages and the API alike.
MARKET_READERS = EVERYONE
PACKAGE_READERS = EVERYONE  # a provider sees only its own packages
PACKAGE_HISTORY_READERS = STAFF  # a package's audit trail names every provider asked
REPORT_READERS = STAFF  # reports name every provider's share of the market
AUDIT_READERS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.AUDITOR})
# The commissioner's dashboard: those who watch the market, not those who work in it
# (brokers and finance have their queues; providers would see their competitors).
DASHBOARD_READERS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.AUDITOR})
BROKERS = frozenset({Role.ADMIN, Role.COMMISSIONER, Role.BROKER})  # source and place care
PROVIDERS = frozenset({Role.PROVIDER})  # respond to offers, hand back, propose changes
ECM_SENDERS = PROVIDERS  # a provider's ECM system (its token) or staff send its visits
ECM_READERS = EVERYONE - {Role.BROKER}  # a provider sees only its own files
VISIT_QUERY_READERS = frozenset({Role.FINANCE, Role.ADMIN, Role.AUDITOR})
POLICY_SETTERS = frozenset({Role.ADMIN, Role.COMMISSIONER})
BROKERAGE_READERS = BROKERS | {Role.AUDITOR}  # the brokers' queue; auditors read it too
WAITING_LIST_READERS = STAFF
TENDER_READERS = POLICY_SETTERS | {Role.AUDITOR}  # not providers or brokers: competitors' bids
SIMULATION_READERS = POLICY_SETTERS | {Role.AUDITOR}  # the commissioners' options, tried
PAYERS = frozenset({Role.ADMIN, Role.FINANCE})  # make and approve runs, resolve queries
PAYMENT_READERS = PAYERS | {Role.COMMISSIONER, Role.AUDITOR, Role.PROVIDER}  # a provider: its own
EXTENSION_AUTHORISERS = PAYERS | {Role.BROKER}  # authorise a visit's over-run to be paid
LEDGER_READERS = PAYMENT_READERS - {Role.PROVIDER}  # every provider's lines, the queries


@dataclass(frozen=True)
class LockoutPolicy:
    """After `attempts` failed sign-ins in a row the account is locked for `lock_for`."""

    attempts: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@dataclass(eq=False)
class User:
    email: str
    name: str
    role: Role
    password_hash: str
    provider: Provider | None = None
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    active: bool = True
    id: int | None = None

    def __post_init__(self) -> None:
        self.email = normalise_email(self.email)
        check_binding(self.role, self.provider)

    def __repr__(self) -> str:
        return f"User({self.email!r}, {self.role.value})"

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def sign_in_failed(self, now: datetime, policy: LockoutPolicy = LockoutPolicy()) -> None:
        self.failed_sign_ins += 1
        if self.failed_sign_ins >= policy.attempts:
            self.locked_until = now + policy.lock_for
            self.failed_sign_ins = 0

    def signed_in(self) -> None:
        self.failed_sign_ins = 0
        self.locked_until = None


@dataclass(eq=False)
class ApiToken:
    """A system's credential: a role (and provider) without a person; stored only as a hash."""

    name: str
    role: Role
    token_hash: str
    prefix: str  # the first characters, to tell tokens apart in lists
    created_at: datetime
    created_by: str
    provider: Provider | None = None
    revoked_at: datetime | None = None
    id: int | None = None

    def __post_init__(self) -> None:
        check_binding(self.role, self.provider)

    def usable(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class Actor:
    """Who acts: a person, a system's token or the command line, as the audit trail names them."""

    name: str
    role: Role
    provider_id: int | None = None

    @property
    def read_only(self) -> bool:
        return self.role is Role.AUDITOR


def check_binding(role: Role, provider: Provider | None) -> None:
    if role is Role.PROVIDER and provider is None:
        raise InvalidAccount("a provider account must name its provider")
    if role is not Role.PROVIDER and provider is not None:
        raise InvalidAccount(f"a {role.value} account cannot be bound to a provider")


def normalise_email(text: str) -> str:
    email = str(text).strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise InvalidAccount(f"{text!r} is not an e-mail address")
    return email
