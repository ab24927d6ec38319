"""Who reads which area of the pages, and the service navigation each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from caremarket.domain.access import (
    AUDIT_READERS,
    BROKERAGE_READERS,
    DASHBOARD_READERS,
    ECM_READERS,
    EVERYONE,
    MARKET_READERS,
    PACKAGE_READERS,
    PAYMENT_READERS,
    PROVIDERS,
    REPORT_READERS,
    SIMULATION_READERS,
    TENDER_READERS,
    Role,
)


@dataclass(frozen=True)
class Area:
    label: str
    href: str
    roles: frozenset[Role]


AREAS = (
    Area("Home", "/", EVERYONE),
    Area("Dashboard", "/dashboard", DASHBOARD_READERS),
    Area("Market", "/market", MARKET_READERS),
    Area("Care packages", "/packages", PACKAGE_READERS),
    Area("Brokerage", "/brokerage", BROKERAGE_READERS),
    Area("Tenders", "/tenders", TENDER_READERS),
    Area("Applications", "/applications", EVERYONE),  # a provider sees its own
    Area("ECM files", "/ecm", ECM_READERS),
    Area("Payments", "/payments", PAYMENT_READERS),
    Area("Reports", "/reports", REPORT_READERS),
    Area("Simulation", "/simulation", SIMULATION_READERS),
    Area("Open book", "/open-book", PROVIDERS),
    Area("Audit trail", "/audit", AUDIT_READERS),
)


def navigation(role: Role, path: str) -> list[dict[str, object]]:
    """Items for govukServiceNavigation: the areas this role may use, the current one marked."""
    return [
        {"text": area.label, "href": area.href, "active": _within(path, area.href)}
        for area in AREAS
        if role in area.roles
    ]


def _within(path: str, href: str) -> bool:
    return path == href or (href != "/" and path.startswith(href + "/"))
