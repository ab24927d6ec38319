"""Simulation: a commissioner's saved scenarios (pasted or uploaded TOML, docs/simulation.md),
runs of them in the server with their progress, and each run's comparison report: every
output's mean and 95 % interval side by side, each option's paired difference from the first,
charts each with its figures in a table beside it, and the CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from starlette.datastructures import UploadFile

from caremarket.domain.access import POLICY_SETTERS, SIMULATION_READERS
from caremarket.domain.simulation_runs import (
    MOST_REPLICATIONS,
    MOST_SEED,
    InvalidSavedScenario,
    SimulationRun,
)
from caremarket.reports import charts
from caremarket.services import market, simulation_runs
from caremarket.simulation.compare import (
    PLACES,
    Comparison,
    as_csv,
    as_rows,
    differences_as_rows,
)
from caremarket.simulation.run import METRICS
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(include_in_schema=False)
READ = [allow(*SIMULATION_READERS)]
EDIT = [allow(*POLICY_SETTERS)]
PATH = "/simulation"
BARS = ("time_to_start_median", "waiting_mean", "delay_days", "hand_backs", "cost")


async def uploaded(request: Request) -> str | None:
    """The text of the file chosen in the form, if one was (None: none chosen; "\\ufffd":
    not UTF-8 text)."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read()
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "\ufffd"


UploadDep = Annotated[str | None, Depends(uploaded)]


@router.get(PATH, response_class=HTMLResponse, dependencies=READ)
def scenarios(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    """The chosen commissioner's saved scenarios, newest first."""
    context = _chosen(request, uow)
    saved = (
        simulation_runs.list_scenarios(uow, commissioner=context["commissioner"])
        if context["commissioner"]
        else []
    )
    context |= {
        "saved": saved,
        "may_edit": by.actor.role in POLICY_SETTERS,
    }
    return render(request, "simulation/scenarios.html", context)


@router.get(f"{PATH}/new", response_class=HTMLResponse, dependencies=EDIT)
def new(request: Request, uow: UowDep) -> HTMLResponse:
    context = _chosen(request, uow)
    context["values"] = {"commissioner": context["commissioner"]}
    return render(request, "simulation/new.html", context | {"title": "Save a scenario"})


@router.post(f"{PATH}/new", response_class=HTMLResponse, dependencies=[*EDIT, csrf_protected()])
def save(
    request: Request, uow: UowDep, by: PrincipalDep, values: FormDep, upload: UploadDep
) -> Response:
    """Save the scenario pasted or uploaded; every problem is listed in the error summary,
    and what was given is kept in the form."""
    errors: dict[str, str] = {}
    text = values.get("text", "")
    if upload == "\ufffd":
        errors["file"] = "The file must be a scenario in TOML (UTF-8 text)"
    elif upload is not None:
        text = upload
    if not errors:
        try:
            saved = simulation_runs.save_scenario(
                uow,
                commissioner=values.get("commissioner", ""),
                name=values.get("name", ""),
                text=text,
                by=by.actor,
                now=datetime.now(UTC),
            )
        except InvalidSavedScenario as refused:
            errors |= refused.problems
        else:
            return redirect_with(
                request,
                f"{PATH}/scenarios/{saved.id}",
                f"The scenario {saved.name} is saved",
                "Run it to compare its options.",
            )
    context = _chosen(request, uow, values.get("commissioner"))
    context |= {"title": "Save a scenario", "values": values | {"text": text}, "errors": errors}
    return render(request, "simulation/new.html", context, status_code=400)


@router.get(f"{PATH}/scenarios/{{scenario_id}}", response_class=HTMLResponse, dependencies=READ)
def scenario(request: Request, uow: UowDep, by: PrincipalDep, scenario_id: int) -> HTMLResponse:
    """A saved scenario, its runs, and the form to run it."""
    saved, runs = simulation_runs.scenario_with_runs(uow, scenario_id)
    defaults = simulation_runs.run_defaults(saved)
    values = {"replications": str(defaults.replications), "seed": str(defaults.seed)}
    return render(request, "simulation/scenario.html", _scenario_context(saved, runs, by, values))


@router.post(
    f"{PATH}/scenarios/{{scenario_id}}/runs",
    response_class=HTMLResponse,
    dependencies=[*EDIT, csrf_protected()],
)
def start(
    request: Request, uow: UowDep, by: PrincipalDep, values: FormDep, scenario_id: int
) -> Response:
    """Start a run with the replications and seed given; it runs in the server."""
    errors: dict[str, str] = {}
    replications = forms.whole_number_field(
        values, "replications", errors, what="the number of replications", low=2,
        high=MOST_REPLICATIONS,
    )  # fmt: skip
    seed = forms.whole_number_field(
        values, "seed", errors, what="the random seed", low=0, high=MOST_SEED
    )
    if not errors:
        run, status = forms.attempt(
            errors,
            "replications",
            lambda: simulation_runs.start_run(
                uow,
                scenario_id,
                replications=replications,
                seed=seed,
                by=by.actor,
                now=datetime.now(UTC),
            ),  # fmt: skip
        )
        if run is not None:
            return redirect_with(
                request,
                f"{PATH}/runs/{run.id}",
                "The run has started",
                f"{run.replications} replications of each option, seed {run.seed}.",
            )
    saved, runs = simulation_runs.scenario_with_runs(uow, scenario_id)
    context = _scenario_context(saved, runs, by, values) | {"errors": errors}
    return render(request, "simulation/scenario.html", context, status_code=400)


@router.get(f"{PATH}/runs/{{run_id}}", response_class=HTMLResponse, dependencies=READ)
def run(request: Request, uow: UowDep, by: PrincipalDep, run_id: int) -> HTMLResponse:
    """A run: its progress until it is done (the page refreshes itself), then its report."""
    return render(request, "simulation/run.html", _run_context(uow, by, run_id))


@router.post(
    f"{PATH}/runs/{{run_id}}/cancel",
    response_class=HTMLResponse,
    dependencies=[*EDIT, csrf_protected()],
)
def cancel(request: Request, uow: UowDep, by: PrincipalDep, run_id: int) -> Response:
    """Cancel a run waiting or under way; one that has ended says so in the error summary."""
    errors: dict[str, str] = {}
    cancelled, status = forms.attempt(
        errors,
        "run",
        lambda: simulation_runs.cancel_run(uow, run_id, by=by.actor, now=datetime.now(UTC)),
    )
    if cancelled is not None:
        return redirect_with(
            request,
            f"{PATH}/runs/{run_id}",
            "The run is cancelled",
            f"It stopped after {cancelled.done} of {cancelled.total} runs; nothing more of it"
            " is kept.",
        )
    context = _run_context(uow, by, run_id) | {"errors": errors}
    return render(request, "simulation/run.html", context, status_code=status)


def _run_context(uow: UowDep, by: Any, run_id: int) -> dict[str, Any]:
    found, saved = simulation_runs.get_run(uow, run_id)
    context: dict[str, Any] = {
        "title": f"{saved.name}: run {found.id}",
        "run": found,
        "saved": saved,
        "may_edit": by.actor.role in POLICY_SETTERS,
        "path": PATH,
    }
    if found.results is not None:
        context |= _report(simulation_runs.results_of(found))
    return context


@router.get(f"{PATH}/runs/{{run_id}}/download", dependencies=READ)
def download(uow: UowDep, run_id: int) -> Response:
    """Every output of every option, with its difference from the first, as CSV."""
    found, saved = simulation_runs.get_run(uow, run_id)
    if found.results is None:
        return Response("The run has no results yet.", status_code=404, media_type="text/plain")
    return Response(
        as_csv(simulation_runs.results_of(found)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="simulation-run-{found.id}.csv"'},
    )


def _chosen(request: Request, uow: UowDep, owner: str | None = None) -> dict[str, Any]:
    commissioners = market.list_commissioners(uow)
    codes = [c.code for c in commissioners]
    wanted = owner or request.query_params.get("commissioner", "")
    return {
        "title": "Simulation",
        "commissioner": wanted if wanted in codes else (codes[0] if codes else ""),
        "commissioners": [(c.code, c.name) for c in commissioners],
        "path": PATH,
    }


def _scenario_context(
    saved: Any, runs: list[SimulationRun], by: Any, values: dict[str, str]
) -> dict[str, Any]:
    return {
        "title": saved.name,
        "saved": saved,
        "runs": runs,
        "values": values,
        "may_edit": by.actor.role in POLICY_SETTERS,
        "most_replications": MOST_REPLICATIONS,
        "path": PATH,
    }


def _report(comparison: Comparison) -> dict[str, Any]:
    """The report's tables and charts, each chart with its figures."""
    rows = as_rows(comparison)
    report: dict[str, Any] = {"head": rows[0], "rows": rows[1:], "charts": _charts(comparison)}
    if len(comparison.runs) > 1:
        differences = differences_as_rows(comparison)
        report |= {"difference_head": differences[0], "difference_rows": differences[1:]}
    report["below"] = [
        (name, ", ".join(f"{p} ({n} of {comparison.replications} runs)" for p, n in b.items()))
        for name in comparison.runs
        if (b := comparison.below_viability(name))
    ]
    return report


def _charts(comparison: Comparison) -> list[dict[str, Any]]:
    drawn = []
    for metric in BARS:
        label = METRICS[metric]
        places = PLACES.get(metric, 1)
        points, rows = [], []
        for name in comparison.runs:
            e = comparison.estimate(name, metric)
            value = Decimal(0) if e.mean.is_nan() else e.mean
            points.append(charts.Point(name, value, e.describe(places)))
            rows.append((name, *_interval(e, places)))
        title = label[:1].upper() + label[1:]
        drawn.append(
            {
                "id": f"chart-{metric.replace('_', '-')}",
                "title": title,
                "svg": Markup(charts.bar_chart(title, points, chart_id=f"chart-{metric}")),
                "head": ["Option", "Mean", "95% interval from", "to"],
                "rows": rows,
                "numeric": [1, 2, 3],
            }
        )
    for n, name in enumerate(comparison.runs, start=1):
        series = comparison.waiting_by_week(name)
        title = f"{name}: people on the waiting list, week by week (mean of the replications)"
        tenth = Decimal("0.1")
        drawn.append(
            {
                "id": f"chart-waiting-{n}",
                "title": title,
                "svg": Markup(
                    charts.line_chart(
                        title,
                        [
                            charts.Point(f"week {w}", v, f"{v.quantize(tenth)}")
                            for w, v in enumerate(series, start=1)
                        ],
                        chart_id=f"chart-waiting-{n}",
                    )
                ),
                "head": ["Week", "People waiting (mean)"],
                "rows": [(f"Week {w}", f"{v.quantize(tenth)}") for w, v in enumerate(series, 1)],
                "numeric": [1],
            }
        )
    return drawn


def _interval(e: Any, places: int) -> tuple[str, str, str]:
    if e.mean.is_nan():
        return ("–", "–", "–")
    q = Decimal(1).scaleb(-places)
    mean, low, high = (f"{v.quantize(q, ROUND_HALF_UP):,}" for v in (e.mean, e.low, e.high))
    return mean, low, high
