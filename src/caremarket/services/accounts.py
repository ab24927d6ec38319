"""User accounts, sign-in with lock-out, and API tokens for other systems."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from pwdlib import PasswordHash

from caremarket.domain.access import Actor, ApiToken, InvalidAccount, Role, User
from caremarket.domain.audit import entry
from caremarket.domain.errors import DomainError
from caremarket.services.ports import UnitOfWork

MIN_PASSWORD_LENGTH = 12
TOKEN_PREFIX = "cm_"


class SignInFailed(DomainError):
    """Deliberately vague: it does not say whether the e-mail address is known."""


class AccountLocked(DomainError):
    pass


@dataclass(frozen=True)
class Principal:
    """Who a request acts for, as the web layer needs it."""

    actor: Actor
    email: str | None
    name: str
    provider_name: str | None


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `secret` is shown once and never kept."""

    name: str
    role: Role
    prefix: str
    secret: str


@cache
def hasher() -> PasswordHash:
    return PasswordHash.recommended()  # Argon2id


def add_user(
    uow: UnitOfWork,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    provider: str | None = None,
    by: Actor,
    now: datetime,
) -> Principal:
    check_password(password)
    with uow:
        bound = uow.providers.get(provider) if provider else None
        user = User(email, name, role, hasher().hash(password), provider=bound)
        if uow.users.find(user.email) is not None:
            raise InvalidAccount(f"there is already an account for {user.email}")
        uow.users.add(user)
        uow.audit.record(
            entry(
                by,
                now,
                "user added",
                ("user", user.email),
                {"role": role.value, "provider": provider, "name": name},
            )
        )
        uow.commit()
        return _principal(user)


def sign_in(uow: UnitOfWork, *, email: str, password: str, now: datetime) -> Principal:
    """Check a password; five failures in a row lock the account for fifteen minutes."""
    with uow:
        user = _find_user(uow, email)
        if user is None or not user.active:
            hasher().hash(password)  # spend the same time as for a known account
            raise SignInFailed("The e-mail address or password is not right.")
        if user.locked(now):
            minutes = max(1, -(-int((user.locked_until - now).total_seconds()) // 60))
            raise AccountLocked(
                "This account is locked after repeated failed sign-ins."
                f" Try again in {minutes} minutes, or ask an administrator to unlock it."
            )
        if not hasher().verify(password, user.password_hash):
            user.sign_in_failed(now)
            uow.commit()
            raise SignInFailed("The e-mail address or password is not right.")
        user.signed_in()
        uow.commit()
        return _principal(user)


def principal_for(uow: UnitOfWork, email: str) -> Principal | None:
    """The signed-in person of a session, if the account still exists and is active."""
    with uow:
        user = _find_user(uow, email)
        return _principal(user) if user is not None and user.active else None


def create_token(
    uow: UnitOfWork,
    *,
    name: str,
    role: Role,
    provider: str | None = None,
    by: Actor,
    now: datetime,
) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        bound = uow.providers.get(provider) if provider else None
        token = ApiToken(
            name, role, token_digest(secret), secret[:10], now, by.name, provider=bound
        )
        uow.tokens.add(token)
        uow.audit.record(
            entry(
                by,
                now,
                "API token created",
                ("api token", token.prefix),
                {"name": name, "role": role.value, "provider": provider},
            )
        )
        uow.commit()
    return IssuedToken(name, role, token.prefix, secret)


def revoke_token(uow: UnitOfWork, *, prefix: str, by: Actor, now: datetime) -> None:
    with uow:
        matches = [t for t in uow.tokens.list(prefix=prefix) if t.usable()]
        if len(matches) != 1:
            raise InvalidAccount(f"no single usable token starts {prefix}")
        matches[0].revoked_at = now
        uow.audit.record(entry(by, now, "API token revoked", ("api token", prefix)))
        uow.commit()


def authenticate_token(uow: UnitOfWork, secret: str) -> Principal | None:
    with uow:
        token = uow.tokens.find(token_digest(secret))
        if token is None or not token.usable():
            return None
        provider = token.provider
        actor = Actor(f"token:{token.name}", token.role, provider.id if provider else None)
        return Principal(actor, None, token.name, provider.name if provider else None)


def token_digest(secret: str) -> str:
    """Tokens are long random strings, so a plain SHA-256 is enough to keep them safe at rest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _find_user(uow: UnitOfWork, email: str) -> User | None:
    return uow.users.find(email.strip().lower())


def _principal(user: User) -> Principal:
    provider = user.provider
    actor = Actor(user.email, user.role, provider.id if provider else None)
    return Principal(actor, user.email, user.name, provider.name if provider else None)


@dataclass(frozen=True)
class AccountSummary:
    email: str
    name: str
    role: Role
    provider: str | None
    active: bool
    locked: bool


def list_accounts(uow: UnitOfWork, *, now: datetime) -> list[AccountSummary]:
    """Every person's account, by e-mail address; no password hashes leave this function."""
    with uow:
        return [
            AccountSummary(
                u.email,
                u.name,
                u.role,
                u.provider.name if u.provider else None,
                u.active,
                u.locked(now),
            )
            for u in sorted(uow.users.list(), key=lambda u: u.email)
        ]
