"""Two imports for the same provider at once, on PostgreSQL through two real connections:
the second is refused with 409 Conflict and says why (API, page and command line alike),
nothing of it written; once the first has finished, it goes through. Another provider's
import is not held up.

The first import is held open as an import holds it: a unit of work on a connection of its
own that has taken the provider's import lock (SqlVisits.lock_imports) and not yet finished.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import caremarket
from caremarket.config import Settings
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Role
from caremarket.services.ecm import ImportInProgress, import_ecm_file
from caremarket.web.app import create_app
from tests.conftest import fresh_postgres_database
from tests.web.conftest import SETUP, bearer, form_token, make_market, sign_in

WYESIDE = "Wyeside Home Care"
FILE = (
    b"visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end,"
    b"carers_present,verification,carer_ids\n"
    b"AT-1,PKG-0001,2017-07-05T07:30:00+01:00,30,completed,2017-07-05T07:31:00+01:00,"
    b"2017-07-05T08:00:00+01:00,1,app,C-9\n"
)
BUSY = "has another ECM import running"


@pytest.fixture(scope="module")
def market() -> Iterator[tuple[Settings, dict[Role, str]]]:
    for url in fresh_postgres_database():
        yield make_market(url)


@pytest.fixture
def first_import(market) -> Iterator[SqlUnitOfWork]:
    """Wyeside's import lock held by another connection's open transaction."""
    engine = make_engine(market[0].database_url)
    holder = SqlUnitOfWork(make_session_factory(engine))
    with holder:
        provider = holder.providers.get(WYESIDE)
        assert holder.visits.lock_imports(provider.id)
        yield holder
    engine.dispose()


@pytest.fixture
def api(market) -> Iterator[TestClient]:
    web = create_app(market[0])
    with TestClient(web) as client:
        yield client
    web.state.engine.dispose()


def test_a_second_import_at_once_is_refused_and_goes_through_after_the_first(market) -> None:
    engine = make_engine(market[0].database_url)
    holder = SqlUnitOfWork(make_session_factory(engine))
    second = SqlUnitOfWork(make_session_factory(engine))
    now = datetime.now(UTC)
    with holder:
        assert holder.visits.lock_imports(holder.providers.get(WYESIDE).id)
        for staged in (True, False):
            with pytest.raises(ImportInProgress, match=f"{WYESIDE} {BUSY}"):
                import_ecm_file(second, FILE, provider=WYESIDE, by=SETUP, now=now, staged=staged)
        # another provider's import is not held up
        other = import_ecm_file(
            second,
            b"visit_id,package_reference,planned_start,"
            b"planned_minutes,status,actual_start,actual_end\n",
            provider="Other Care",
            by=SETUP,
            now=now,
        )
        assert other.rows == 0
    summary = import_ecm_file(second, FILE, provider=WYESIDE, by=SETUP, now=now)
    assert (summary.visits_new, summary.staged) == (1, True)
    engine.dispose()


def test_the_api_answers_409_while_the_providers_other_import_runs(
    market, first_import, api
) -> None:
    tokens = market[1]
    answer = api.post(
        "/api/ecm/files",
        files={"file": ("visits.csv", FILE, "text/csv")},
        headers=bearer(tokens[Role.PROVIDER]),
    )
    assert answer.status_code == 409, answer.text
    assert BUSY in answer.text
    pushed = api.post(
        "/api/ecm/visits",
        json={"visits": [{"visit_id": "AT-2", "package_reference": "PKG-0001"}]},
        headers=bearer(tokens[Role.PROVIDER]),
    )
    assert pushed.status_code == 409, pushed.text


def test_the_upload_page_answers_409_while_the_providers_other_import_runs(
    first_import, api
) -> None:
    sign_in(api, Role.PROVIDER)
    answer = api.post(
        "/ecm/upload",
        data={"csrf_token": form_token(api), "profile": "caremarket"},
        files={"file": ("visits.csv", FILE, "text/csv")},
    )
    assert answer.status_code == 409, answer.text
    assert BUSY in answer.text


def test_the_command_line_says_why_while_the_providers_other_import_runs(
    market, first_import, tmp_path: Path
) -> None:
    path = tmp_path / "visits.csv"
    path.write_bytes(FILE)
    # in a process of its own, as a user runs it
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "caremarket",
            "ecm",
            "import",
            str(path),
            "--provider",
            WYESIDE,
            "--db",
            market[0].database_url,
        ],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(Path(caremarket.__file__).parents[1])},
        check=False,
    )
    assert result.returncode != 0
    assert BUSY in " ".join((result.stdout + result.stderr).split())
