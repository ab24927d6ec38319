"""One sign-in for each role on a demo database, so a visitor can try every face of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caremarket.domain.access import Actor, Role
from caremarket.services import accounts
from caremarket.services.ports import UnitOfWork

DEMO_PASSWORD = "caremarket-demo"  # a demo database only: never for real data
DEMO_DOMAIN = "demo.invalid"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    provider: str | None

    def __str__(self) -> str:
        bound = f" ({self.provider})" if self.provider else ""
        return f"{self.role.label:<22} {self.email:<32} password {DEMO_PASSWORD}{bound}"


def add_demo_accounts(uow: UnitOfWork, *, by: Actor, now: datetime) -> list[DemoAccount]:
    """Add the accounts not yet there; the provider account is the busiest provider's."""
    with uow:
        provider = _busiest_provider(uow)
        wanted = [
            DemoAccount(
                f"{role.value}@{DEMO_DOMAIN}", role, provider if role is Role.PROVIDER else None
            )
            for role in Role
            if role is not Role.PROVIDER or provider is not None
        ]
        missing = [a for a in wanted if uow.users.find(a.email) is None]
    for account in missing:
        accounts.add_user(
            uow,
            email=account.email,
            name=f"Demo {account.role.label.lower()}",
            role=account.role,
            password=DEMO_PASSWORD,
            provider=account.provider,
            by=by,
            now=now,
        )
    return wanted


def _busiest_provider(uow: UnitOfWork) -> str | None:
    counts: dict[str, int] = {}
    for package in uow.packages.list():
        if package.provider is not None:
            counts[package.provider.name] = counts.get(package.provider.name, 0) + 1
    return max(sorted(counts), key=counts.__getitem__) if counts else None
