"""Simulation pages: a commissioner saves a scenario (pasted or uploaded; every problem in the
error summary, the input kept), runs it in the server and reads the comparison, with charts,
their figures and the CSV, or cancels it; an auditor reads but neither saves, runs nor
cancels."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from caremarket.config import Settings
from caremarket.domain.access import Role
from tests.simulation_scenarios import TINY
from tests.web.conftest import form_token, post, serve, sign_in

WAIT_SECONDS = 60


def save(client: TestClient, *, files=None, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": form_token(client), "commissioner": "HFD"} | fields
    return client.post("/simulation/new", data=data, files=files, follow_redirects=False)


def test_a_commissioner_saves_a_scenario_runs_it_and_reads_the_comparison(client) -> None:
    sign_in(client, Role.COMMISSIONER)
    assert "Save a scenario" in client.get("/simulation/new").text

    saved = save(client, name="Pasted", text=TINY)

    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert "The scenario Pasted is saved" in page.text
    assert "Zones; Mini-competition" in page.text and 'value="2"' in page.text  # the file's
    listed = client.get("/simulation", params={"commissioner": "HFD"})
    assert "Pasted" in listed.text
    assert 'navigation__active-fallback">Simulation' in listed.text
    scenario_path = saved.headers["location"]

    started = client.post(
        f"{scenario_path}/runs",
        data={"csrf_token": form_token(client), "replications": "3", "seed": "12"},
        follow_redirects=False,
    )

    assert started.status_code == 303, started.text
    run_path = started.headers["location"]
    first = client.get(run_path).text
    assert "The run has started" in first and "3 replications of each option, seed 12" in first
    report = wait_for_the_report(client, run_path)
    assert "Each option&#39;s outputs: mean (95% confidence interval)" in report
    assert "Each option less the first" in report
    assert report.count("<svg") == 5 + 2  # five outputs as bars, each option's waiting list
    assert report.count("app-chart-table") == 7  # each chart's table beside it
    csv = client.get(f"{run_path}/download")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    rows = csv.text.splitlines()
    assert rows[0].startswith("option,output,mean,low,high,replications")
    assert len(rows) == 1 + 2 * 12 and rows[1].split(",")[5] == "3"


def wait_for_the_report(client: TestClient, path: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        page = client.get(path).text
        if "Download:" in page:
            return page
        assert "The run failed" not in page, page
        assert "runs done" in page and "window.location.reload" in page  # progress, refreshed
        time.sleep(0.5)
    raise AssertionError(f"the run at {path} did not finish in {WAIT_SECONDS} s")


def test_every_problem_is_listed_and_the_input_kept(client) -> None:
    sign_in(client, Role.COMMISSIONER)
    broken = TINY.replace('"st-helens"', '"nowhere"')

    answer = save(client, commissioner="NOPE", name="", text=broken)

    assert answer.status_code == 400
    summary = answer.text.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert 'href="#commissioner"' in summary and 'href="#name"' in summary
    assert 'href="#text"' in summary and "no policy preset &#39;nowhere&#39;" in summary
    assert "policy = &#34;nowhere&#34;" in answer.text  # the pasted scenario, kept


def test_a_scenario_file_is_uploaded(client) -> None:
    sign_in(client, Role.ADMIN)

    saved = save(
        client, name="Uploaded", files={"file": ("tiny.toml", TINY.encode(), "text/plain")}
    )

    assert saved.status_code == 303, saved.text
    assert "A tiny test" in client.get(saved.headers["location"]).text
    not_text = save(
        client, name="Binary", files={"file": ("x.toml", b"\xff\xfe\x00", "text/plain")}
    )
    assert not_text.status_code == 400 and 'href="#file"' in not_text.text


def test_replications_and_seed_out_of_bounds_are_refused(client) -> None:
    sign_in(client, Role.COMMISSIONER)
    answer = client.post(
        "/simulation/scenarios/1/runs",
        data={"csrf_token": form_token(client), "replications": "1", "seed": "x"},
    )
    assert answer.status_code == 400
    assert "The number of replications must be a whole number from 2 to 200" in answer.text
    assert "The random seed must be a whole number" in answer.text
    assert 'value="x"' in answer.text


def test_an_auditor_reads_the_report_but_neither_saves_nor_runs(client) -> None:
    sign_in(client, Role.AUDITOR)
    assert "Save a scenario" not in client.get("/simulation").text
    assert "Run the scenario" not in client.get("/simulation/scenarios/1").text
    assert "Download:" in client.get("/simulation/runs/1").text
    assert client.get("/simulation/new").status_code == 403
    refused = client.post(
        "/simulation/scenarios/1/runs",
        data={"csrf_token": form_token(client), "replications": "2", "seed": "1"},
    )
    assert refused.status_code == 403


def test_a_provider_has_no_simulation_area(client) -> None:
    sign_in(client, Role.PROVIDER)
    assert 'href="/simulation"' not in client.get("/").text
    assert client.get("/simulation").status_code == 403


@pytest.fixture
def idle(market_settings: Settings) -> Iterator[TestClient]:
    """The pages without the server's simulation job: a run started stays in the queue."""
    yield from serve(market_settings.model_copy(update={"simulation_seconds": 0}))


def a_waiting_run(client: TestClient, name: str) -> tuple[str, str]:
    """The tiny scenario saved under `name` and a run of it started: their pages' paths."""
    scenario_path = save(client, name=name, text=TINY).headers["location"]
    started = post(client, f"{scenario_path}/runs", replications="2", seed="1")
    return scenario_path, started.headers["location"]


def test_a_commissioner_cancels_a_waiting_run_and_a_second_cancel_is_refused(idle) -> None:
    sign_in(idle, Role.COMMISSIONER)
    scenario_path, run_path = a_waiting_run(idle, "To cancel")
    assert "Cancel the run" in idle.get(run_path).text

    cancelled = post(idle, f"{run_path}/cancel")

    assert cancelled.status_code == 303, cancelled.text
    page = idle.get(cancelled.headers["location"]).text
    assert "The run is cancelled" in page and "It stopped after 0 of" in page
    assert "Cancelled " in page and "Cancel the run" not in page
    assert "window.location.reload" not in page  # nothing more to wait for
    listed = idle.get(scenario_path).text
    assert "Cancelled" in listed
    again = idle.post(f"{run_path}/cancel", data={"csrf_token": form_token(idle)})
    assert again.status_code == 409
    assert "is cancelled: there is nothing to cancel" in again.text
    assert 'href="#run"' in again.text  # the error summary, linked to the run's heading


def test_an_auditor_cannot_cancel_a_run(idle) -> None:
    sign_in(idle, Role.COMMISSIONER)
    _, run_path = a_waiting_run(idle, "Kept running")
    idle.post("/sign-out", data={"csrf_token": form_token(idle)})
    sign_in(idle, Role.AUDITOR)

    assert "Cancel the run" not in idle.get(run_path).text
    refused = idle.post(f"{run_path}/cancel", data={"csrf_token": form_token(idle)})
    assert refused.status_code == 403
    idle.post("/sign-out", data={"csrf_token": form_token(idle)})
    sign_in(idle, Role.COMMISSIONER)  # the shared market keeps no run waiting for later tests
    assert idle.post(f"{run_path}/cancel", data={"csrf_token": form_token(idle)}).status_code == 200
