"""Signing in and out through the form: errors, lock-out, CSRF, and where it leads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.services import accounts
from tests.web.conftest import PASSWORD, SETUP, email_of


def form_token(client: TestClient) -> str:
    return client.get("/sign-in").text.split('name="csrf_token" value="')[1].split('"')[0]


def post_sign_in(client: TestClient, email: str, password: str, next: str = "/"):
    data = {"email": email, "password": password, "csrf_token": form_token(client), "next": next}
    return client.post("/sign-in", data=data, follow_redirects=False)


@pytest.fixture
def fresh_account(market_settings: Settings) -> str:
    """An account of its own, so locking it out disturbs no other test."""
    email = f"{uuid.uuid4().hex[:8]}@example.org"
    engine = make_engine(market_settings.database_url)
    uow = SqlUnitOfWork(make_session_factory(engine))
    accounts.add_user(
        uow,
        email=email,
        name="Fresh",
        role=Role.BROKER,
        password=PASSWORD,
        by=SETUP,
        now=datetime.now(UTC),
    )
    engine.dispose()
    return email


def test_signing_in_goes_back_to_the_page_asked_for(client: TestClient) -> None:
    answer = post_sign_in(client, email_of(Role.BROKER), PASSWORD, next="/?page=2")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?page=2"


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient) -> None:
    answer = post_sign_in(client, email_of(Role.BROKER), PASSWORD)
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_sign_in_never_leads_off_the_site(client: TestClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        answer = post_sign_in(client, email_of(Role.BROKER), PASSWORD, next=target)
        assert answer.headers["location"] == "/"


def test_a_wrong_password_shows_an_error_without_saying_which_part(client: TestClient) -> None:
    answer = post_sign_in(client, email_of(Role.BROKER), "not the password")
    assert answer.status_code == 400
    assert "The e-mail address or password is not right." in answer.text
    assert "<title>Error: " in answer.text


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(client: TestClient) -> None:
    answer = post_sign_in(client, "nobody@example.org", PASSWORD)
    assert "The e-mail address or password is not right." in answer.text


def test_empty_fields_are_each_named(client: TestClient) -> None:
    answer = post_sign_in(client, "", "")
    assert "Enter your e-mail address" in answer.text
    assert "Enter your password" in answer.text


def test_five_failures_lock_the_account_even_against_the_right_password(
    client: TestClient, fresh_account: str
) -> None:
    for _ in range(5):
        post_sign_in(client, fresh_account, "wrong password!")
    answer = post_sign_in(client, fresh_account, PASSWORD)
    assert answer.status_code == 400
    assert "locked" in answer.text


def test_a_form_without_its_token_is_refused(client: TestClient) -> None:
    data = {"email": email_of(Role.BROKER), "password": PASSWORD, "csrf_token": "forged"}
    answer = client.post("/sign-in", data=data, follow_redirects=False)
    assert answer.status_code == 403


def test_signing_out_ends_the_session(client: TestClient) -> None:
    post_sign_in(client, email_of(Role.BROKER), PASSWORD)
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/sign-out", data={"csrf_token": form_token(client)})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_secure_when_served_beyond_localhost(
    market_settings: Settings,
) -> None:
    from caremarket.web.app import create_app

    app = create_app(market_settings.model_copy(update={"host": "0.0.0.0"}))
    with TestClient(app, base_url="https://testserver") as secure_client:
        answer = post_sign_in(secure_client, email_of(Role.BROKER), PASSWORD)
        assert "secure" in answer.headers["set-cookie"].lower()
    app.state.engine.dispose()
