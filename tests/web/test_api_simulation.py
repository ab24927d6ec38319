"""The simulation API: commissioners save scenarios and start runs, the server runs them,
auditors read them; a run is cancelled while it runs; a refused scenario names every problem;
providers get nothing."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from caremarket.domain.access import Role
from caremarket.web.app import create_app
from tests.simulation_scenarios import TINY
from tests.web.conftest import bearer, make_market

EXAMPLES = Path(__file__).parents[2] / "examples" / "simulation"

WAIT_SECONDS = 60


def test_a_scenario_is_saved_run_and_its_results_read(client, tokens) -> None:
    mine = bearer(tokens[Role.COMMISSIONER])
    saved = client.post(
        "/api/simulation/scenarios",
        json={"commissioner": "HFD", "name": "By the API", "text": TINY},
        headers=mine,
    )
    assert saved.status_code == 201, saved.text
    scenario = saved.json()
    assert scenario["options"] == ["Zones", "Mini-competition"]

    started = client.post(
        f"/api/simulation/scenarios/{scenario['id']}/runs", json={"seed": 3}, headers=mine
    )

    assert started.status_code == 202, started.text
    run = started.json()
    assert (run["replications"], run["seed"], run["total"]) == (2, 3, 4)
    as_auditor = bearer(tokens[Role.AUDITOR])
    deadline = time.monotonic() + WAIT_SECONDS
    while run["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        run = client.get(f"/api/simulation/runs/{run['id']}", headers=as_auditor).json()
    assert (run["status"], run["done"], run["error"]) == ("done", 4, None)
    results = run["results"]
    cost = results["estimates"]["Mini-competition"]["cost"]
    assert cost["n"] == 2 and float(cost["low"]) <= float(cost["mean"]) <= float(cost["high"])
    assert set(results["differences"]) == {"Mini-competition"}
    listed = client.get(f"/api/simulation/scenarios/{scenario['id']}", headers=as_auditor).json()
    assert [r["id"] for r in listed["runs"]] == [run["id"]]
    names = [
        s["name"]
        for s in client.get(
            "/api/simulation/scenarios", params={"commissioner": "HFD"}, headers=as_auditor
        ).json()
    ]
    assert "By the API" in names


def test_a_refused_scenario_names_every_problem(client, tokens) -> None:
    answer = client.post(
        "/api/simulation/scenarios",
        json={"commissioner": "HFD", "name": "Tiny", "text": "title = 1\n[[options]]\n"},
        headers=bearer(tokens[Role.ADMIN]),
    )
    assert answer.status_code == 422
    assert set(answer.json()["fields"]) == {"name", "text"}


def test_out_of_bounds_runs_are_refused(client, tokens) -> None:
    answer = client.post(
        "/api/simulation/scenarios/1/runs",
        json={"replications": 1},
        headers=bearer(tokens[Role.COMMISSIONER]),
    )
    assert answer.status_code == 422


def test_auditors_and_providers_cannot_save_or_run(client, tokens) -> None:
    body = {"commissioner": "HFD", "name": "Not mine", "text": TINY}
    for role, status in ((Role.AUDITOR, 403), (Role.PROVIDER, 403), (Role.BROKER, 403)):
        headers = bearer(tokens[role])
        assert client.post("/api/simulation/scenarios", json=body, headers=headers).status_code == (
            status
        )
        assert (
            client.post("/api/simulation/scenarios/1/runs", json={}, headers=headers).status_code
            == status
        )
    assert (
        client.get("/api/simulation/runs/1", headers=bearer(tokens[Role.PROVIDER])).status_code
        == 403
    )


def a_herefordshire_run_under_way(client: TestClient, headers: dict[str, str]) -> dict:
    """A year of Herefordshire's five options saved and started, once the server runs it."""
    text = (EXAMPLES / "herefordshire.toml").read_text(encoding="utf-8")
    saved = client.post(
        "/api/simulation/scenarios",
        json={"commissioner": "HFD", "name": "Herefordshire", "text": text},
        headers=headers,
    ).json()
    run = client.post(
        f"/api/simulation/scenarios/{saved['id']}/runs", json={}, headers=headers
    ).json()
    deadline = time.monotonic() + WAIT_SECONDS
    while run["status"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.1)
        run = client.get(f"/api/simulation/runs/{run['id']}", headers=headers).json()
    assert run["status"] == "running"
    return run


def test_a_run_under_way_when_the_server_stops_is_put_back_in_the_queue(tmp_path) -> None:
    """A year of Herefordshire's five options: the server stops during it, at the next
    replication the run goes back in the queue (to run again at the next start), and the
    server is not held up until the whole run ends."""
    settings, tokens = make_market(f"sqlite:///{tmp_path / 'stopping.db'}")
    mine = bearer(tokens[Role.COMMISSIONER])
    app = create_app(settings.model_copy(update={"simulation_seconds": 0.1}))
    with TestClient(app) as client:
        run = a_herefordshire_run_under_way(client, mine)
        stopping_at = time.monotonic()
    app.state.engine.dispose()

    assert time.monotonic() - stopping_at < WAIT_SECONDS
    idle = create_app(settings.model_copy(update={"simulation_seconds": 0}))
    with TestClient(idle) as later:
        again = later.get(f"/api/simulation/runs/{run['id']}", headers=mine).json()
    idle.state.engine.dispose()
    assert (again["status"], again["done"], again["total"]) == ("queued", 0, 100)


def test_a_run_cancelled_while_the_server_runs_it_stops_and_keeps_its_cancellation(
    tmp_path,
) -> None:
    """A year of Herefordshire's five options, cancelled once the server has it under way: the
    run stops at its next replication and stays cancelled, its progress where it stopped; a
    second cancel, or an auditor's, is refused."""
    settings, tokens = make_market(f"sqlite:///{tmp_path / 'cancelling.db'}")
    mine = bearer(tokens[Role.COMMISSIONER])
    app = create_app(settings.model_copy(update={"simulation_seconds": 0.1}))
    with TestClient(app) as client:
        path = f"/api/simulation/runs/{a_herefordshire_run_under_way(client, mine)['id']}"
        refused = client.post(f"{path}/cancel", headers=bearer(tokens[Role.AUDITOR]))
        assert refused.status_code == 403

        cancelled = client.post(f"{path}/cancel", headers=mine)

        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "cancelled"
        time.sleep(3)  # a replication or two: the server's run has found the cancellation
        first = client.get(path, headers=mine).json()
        time.sleep(1)
        later = client.get(path, headers=mine).json()
        assert first["status"] == later["status"] == "cancelled"
        assert first["done"] == later["done"] < later["total"] == 100
        assert later["results"] is None and later["finished_at"] is not None
        again = client.post(f"{path}/cancel", headers=mine)
        assert again.status_code == 409
        assert "is cancelled: there is nothing to cancel" in again.text
    app.state.engine.dispose()
