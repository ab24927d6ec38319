import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.migrate import DatabaseNotMigrated
from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.web.conftest import bearer, sign_in


def test_the_app_refuses_to_start_on_an_unmigrated_database(settings: Settings) -> None:
    with pytest.raises(DatabaseNotMigrated, match="caremarket db upgrade"):
        create_app(settings)


@pytest.fixture
def client(client: TestClient, tokens: dict[Role, str]) -> TestClient:
    """A commissioner's system, by API token."""
    client.headers.update(bearer(tokens[Role.COMMISSIONER]))
    return client


def test_health_answers_with_the_version(client: TestClient) -> None:
    assert client.get("/api/health").json()["status"] == "ok"


def test_commissioners_are_listed_with_their_pathway_rules(client: TestClient) -> None:
    [hfd] = client.get("/api/commissioners").json()
    assert hfd["code"] == "HFD"
    assert hfd["pathway_rules"] == "D if weekly hours >= 28 or the service is 24-hour; else O"


def test_a_postcode_is_looked_up_to_its_zone_whatever_its_spacing(client: TestClient) -> None:
    answer = client.get("/api/zones/lookup", params={"commissioner": "HFD", "postcode": "hr6 8aa"})
    assert answer.status_code == 200
    assert answer.json()["code"] == "A"


def test_a_postcode_outside_every_zone_is_a_clear_error(client: TestClient) -> None:
    answer = client.get("/api/zones/lookup", params={"commissioner": "HFD", "postcode": "LE1 1AA"})
    assert answer.status_code == 422
    assert answer.json() == {
        "error": "unknown_postcode",
        "detail": "LE1 1AA is not in any zone",
        "fields": {},
    }


def test_an_invalid_postcode_is_refused_in_the_error_shape(client: TestClient) -> None:
    answer = client.get(
        "/api/zones/lookup", params={"commissioner": "HFD", "postcode": "NOT A CODE"}
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_postcode"


def test_an_unknown_commissioner_is_not_found(client: TestClient) -> None:
    answer = client.get("/api/zones", params={"commissioner": "NOPE"})
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


def test_packages_are_listed_a_page_at_a_time_with_filters(client: TestClient) -> None:
    page = client.get("/api/packages", params={"provider": "Wyeside Home Care"}).json()
    assert page["total"] == 1
    [package] = page["items"]
    assert package["reference"] == "PKG-0001"
    assert package["weekly_hours"] == "14"
    assert package["provider"] == "Wyeside Home Care"
    assert (
        client.get("/api/packages", params={"zone": "A", "status": "active"}).json()["total"] == 2
    )
    assert client.get("/api/packages", params={"zone": "B"}).json()["total"] == 0


def test_a_bad_filter_value_names_the_field(client: TestClient) -> None:
    answer = client.get("/api/packages", params={"status": "dreaming", "limit": 0})
    assert answer.status_code == 422
    assert set(answer.json()["fields"]) == {"status", "limit"}


def test_the_zones_page_shows_the_market(client: TestClient) -> None:
    sign_in(client, Role.COMMISSIONER)
    page = client.get("/market/zones")
    assert page.status_code == 200
    assert "Herefordshire Council" in page.text
    assert "HR6" in page.text


def test_the_openapi_description_is_served(client: TestClient) -> None:
    assert "/api/packages" in client.get("/api/openapi.json").json()["paths"]
