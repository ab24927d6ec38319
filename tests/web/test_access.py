"""Who may use what: every route declares a rule, and every role gets the right answer."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from caremarket.web.access import route_rule
from tests.web.conftest import bearer, sign_in

SAMPLE_PATH_VALUES = {
    "reference": "PKG-0001",
    "name": "zone-demand",
    "code": "HFD-DPS",
    "application_id": "1",
    "provider": "Wyeside Home Care",
    "contract": "HFD-DPS-O-A-1",
    "tender": "HFD-T1",
    "lot": "O-A",
    "bidder": "Wyeside Home Care",
    "run": "HFD-2017-07-10",
    "query_id": "1",
    "file_id": "1",
    "invoice": "INV-1",
    "scenario_id": "1",
    "run_id": "1",
}
SAMPLE_QUERIES = {
    "/api/zones/lookup": {"commissioner": "HFD", "postcode": "HR6 8AA"},
    "/api/reports/{name}": {"commissioner": "HFD", "on": "2017-08-01"},
    "/api/reports/vehicle-use": {"vehicle": "HFD-DPS", "on": "2017-08-01"},
    "/api/reports/pack": {"commissioner": "HFD", "from": "2017-07-03", "to": "2017-08-01"},
    "/api/cost-of-care/scenarios": {"commissioner": "HFD"},
    "/api/open-book/comparison": {"commissioner": "HFD"},
    "/api/cost-of-care/gap": {"commissioner": "HFD", "on": "2017-08-01"},
    "/api/reports/cost-of-care": {"commissioner": "HFD", "on": "2017-08-01"},
    "/api/reports/forecast": {"commissioner": "HFD", "on": "2017-08-01"},
    "/api/simulation/scenarios": {"commissioner": "HFD"},
}


def app_routes(client: TestClient) -> list[RouteContext]:
    """Every API and page route, as mounted: FastAPI keeps included routers whole, so their
    routes (with their full paths and the dependencies they were included with) are walked."""
    routes = [
        r for r in iter_route_contexts(client.app.routes) if isinstance(r.original_route, APIRoute)
    ]
    assert len(routes) > 100, "the walk must find the app's routes"
    return routes


def rule_of(route: RouteContext) -> frozenset[Role] | None | bool:
    rule = route_rule(route.dependencies)
    if rule is False:
        rule = route_rule(_walk(route.dependant))
    return rule


def _walk(dependant):
    for sub in dependant.dependencies:
        yield sub
        yield from _walk(sub)


def url_of(route: RouteContext) -> str:
    return re.sub(r"{(\w+)}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], route.path)


def test_every_route_declares_who_may_use_it(client: TestClient) -> None:
    missing = [f"{sorted(r.methods)} {r.path}" for r in app_routes(client) if rule_of(r) is False]
    assert missing == [], f"routes without an allow() or public() rule: {missing}"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_is_let_in_or_turned_away_on_every_read_route(
    client: TestClient, tokens: dict[Role, str], role: Role
) -> None:
    for route in app_routes(client):
        if "GET" not in route.methods:
            continue
        rule = rule_of(route)
        answer = client.get(
            url_of(route), params=SAMPLE_QUERIES.get(route.path), headers=bearer(tokens[role])
        )
        if rule is None or role in rule:
            assert answer.status_code == 200, f"{role} on {route.path}: {answer.text[:200]}"
        else:
            assert answer.status_code == 403, f"{role} on {route.path}: {answer.status_code}"


def test_without_signing_in_the_api_says_401_and_pages_go_to_sign_in(client: TestClient) -> None:
    for route in app_routes(client):
        if "GET" not in route.methods or rule_of(route) is None:
            continue
        answer = client.get(
            url_of(route), params=SAMPLE_QUERIES.get(route.path), follow_redirects=False
        )
        if route.path.startswith("/api"):
            assert answer.status_code == 401, route.path
            assert answer.json()["error"] == "not_signed_in"
        else:
            assert answer.status_code == 303, route.path
            assert answer.headers["location"].startswith("/sign-in?next=")


def test_a_provider_sees_only_its_own_packages(client: TestClient, tokens: dict[Role, str]) -> None:
    as_provider = bearer(tokens[Role.PROVIDER])
    listed = client.get("/api/packages", headers=as_provider).json()
    assert [p["reference"] for p in listed["items"]] == ["PKG-0001"]
    assert client.get("/api/packages/PKG-0001", headers=as_provider).status_code == 200


def test_another_providers_package_is_not_found_for_a_provider(
    client: TestClient, tokens: dict[Role, str]
) -> None:
    answer = client.get("/api/packages/PKG-0002", headers=bearer(tokens[Role.PROVIDER]))
    assert answer.status_code == 404
    assert "Other Care" not in answer.text
    listed = client.get(
        "/api/packages", params={"provider": "Other Care"}, headers=bearer(tokens[Role.PROVIDER])
    )
    assert listed.json()["total"] == 0


def test_staff_see_every_package(client: TestClient, tokens: dict[Role, str]) -> None:
    answer = client.get("/api/packages/PKG-0002", headers=bearer(tokens[Role.BROKER]))
    assert answer.json()["provider"] == "Other Care"


def test_a_revoked_or_made_up_token_is_refused(client: TestClient) -> None:
    answer = client.get("/api/packages", headers=bearer("cm_made-up"))
    assert answer.status_code == 401


def test_a_person_signed_in_by_the_form_reaches_the_pages(client: TestClient) -> None:
    sign_in(client, Role.AUDITOR)
    assert client.get("/").status_code == 200
