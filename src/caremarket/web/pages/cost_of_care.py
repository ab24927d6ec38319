"""Cost of care: a scenario's price an hour by zone (staff), editing and saving scenarios
(commissioners), providers' open-book costs beside the model (commissioners see every
provider's, a provider sends and sees its own)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import POLICY_SETTERS, PROVIDERS, REPORT_READERS
from caremarket.domain.cost_of_care import (
    COMPONENTS,
    INPUTS,
    InvalidCostInputs,
    inputs_from,
    zone_travel_from,
)
from caremarket.domain.errors import DomainError
from caremarket.services import cost_of_care, market
from caremarket.services.accounts import Principal
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.reports import _head, _rows
from caremarket.web.pages.templates import render

router = APIRouter(include_in_schema=False)
READ = [allow(*REPORT_READERS)]
EDIT = [allow(*POLICY_SETTERS)]
PATH = "/cost-of-care"


@router.get(PATH, response_class=HTMLResponse, dependencies=READ)
def scenario(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    """A scenario (by default the one in force today) priced in each zone, and its inputs."""
    context = _chosen(request, uow)
    if context["commissioner"]:
        chosen, prices, inputs = cost_of_care.breakdown(
            uow, commissioner=context["commissioner"], scenario=context["name"] or None,
            on=_today(request),
        )  # fmt: skip
        context |= {
            "scenario": chosen,
            "described": _described(chosen),
            "prices": prices,
            "prices_head": _head(prices),
            "prices_rows": _rows(prices),
            "inputs_head": _head(inputs),
            "inputs_rows": _rows(inputs),
        }
        if context["saved"]:
            compared = cost_of_care.compare_scenarios(
                uow,
                commissioner=context["commissioner"],
                names=[cost_of_care.DEFAULTS] + [name for name, _ in context["saved"]],
            )
            context |= {"compared_head": _head(compared), "compared_rows": _rows(compared)}
    context["may_edit"] = by.actor.role in POLICY_SETTERS
    return render(request, "cost_of_care/scenario.html", context)


@router.get(f"{PATH}/edit", response_class=HTMLResponse, dependencies=EDIT)
def edit(request: Request, uow: UowDep) -> HTMLResponse:
    """The form to save a scenario, filled in from the one chosen (or the defaults)."""
    context = _chosen(request, uow)
    values: dict[str, str] = {"commissioner": context["commissioner"]}
    if context["commissioner"]:
        chosen = cost_of_care.scenario_of(
            uow, commissioner=context["commissioner"], name=context["name"] or None,
            on=_today(request),
        )  # fmt: skip
        values |= {item.name: str(getattr(chosen.inputs, item.name)) for item in INPUTS}
        values["name"] = "" if chosen.id is None else chosen.name
        if chosen.id is not None:
            values |= {
                "effective_from-day": str(chosen.effective_from.day),
                "effective_from-month": str(chosen.effective_from.month),
                "effective_from-year": str(chosen.effective_from.year),
            }
        for code, _ in context["zones"]:
            travel = chosen.travel_in(code)
            values[f"zone-{code}-minutes"] = str(travel.travel_minutes_per_visit)
            values[f"zone-{code}-miles"] = str(travel.miles_per_visit)
    return render(request, "cost_of_care/edit.html", context | {"values": values})


@router.post(f"{PATH}/edit", response_class=HTMLResponse, dependencies=[*EDIT, csrf_protected()])
def save(request: Request, uow: UowDep, by: PrincipalDep, values: FormDep) -> Response:
    """Save the scenario; every problem is listed in the error summary."""
    commissioners = {c.code: c.name for c in market.list_commissioners(uow)}
    errors: dict[str, str] = {}
    owner = forms.choice_field(
        values, "commissioner", commissioners, errors, message="Select a commissioner"
    )
    name = values.get("name", "").strip()
    if not name:
        errors["name"] = "Enter a name for the scenario"
    effective_from = forms.date_field(
        values, "effective_from", errors, what="the date the scenario is in force from"
    )
    zones = [z.code for z in market.list_zones(uow, commissioner=owner)] if owner else []
    if errors:  # name or date wrong: still list what is wrong with the inputs
        errors |= _field_errors(_input_problems(values, zones))
    if owner and not errors and effective_from:
        try:
            saved = cost_of_care.save_scenario(
                uow,
                commissioner=owner,
                name=name,
                effective_from=effective_from,
                inputs={item.name: values.get(item.name, "") for item in INPUTS},
                zones={
                    code: (
                        values.get(f"zone-{code}-minutes", ""),
                        values.get(f"zone-{code}-miles", ""),
                    )
                    for code in zones
                },  # fmt: skip
                by=by.actor,
                now=datetime.now(UTC),
            )
        except InvalidCostInputs as error:
            errors |= _field_errors(error)
        else:
            return redirect_with(
                request,
                f"{PATH}?commissioner={owner}&scenario={saved.name}",
                f"The scenario {saved.name} is saved",
                f"It is in force from {saved.effective_from:%-d %B %Y}.",
            )
    context = _chosen(request, uow, owner) | {"values": values, "errors": errors}
    return render(request, "cost_of_care/edit.html", context, status_code=400)


@router.get(f"{PATH}/open-book", response_class=HTMLResponse, dependencies=READ)
def open_book(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    """Every provider's open-book costs covering the day beside the model, line by line."""
    context = _chosen(request, uow)
    context |= {"title": "Open book: providers' costs", "tables": _comparisons(
        uow, context["commissioner"], _today(request), by
    )}  # fmt: skip
    return render(request, "cost_of_care/open_book.html", context)


@router.get("/open-book", response_class=HTMLResponse, dependencies=[allow(*PROVIDERS)])
def provider_open_book(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    """A provider's own open book: the form to send its costs, and them beside the model."""
    return render(request, "cost_of_care/provider.html", _provider_context(request, uow, by))


@router.post(
    "/open-book",
    response_class=HTMLResponse,
    dependencies=[allow(*PROVIDERS), csrf_protected()],
)
def submit(request: Request, uow: UowDep, by: PrincipalDep, values: FormDep) -> Response:
    context = _provider_context(request, uow, by)
    errors: dict[str, str] = {}
    owner = forms.choice_field(
        values, "commissioner", dict(context["commissioners"]), errors,
        message="Select the commissioner the costs are for",
    )  # fmt: skip
    start = forms.date_field(values, "period_start", errors, what="the period's first day")
    end = forms.date_field(values, "period_end", errors, what="the period's last day")
    lines = {name: values.get(f"line-{i}", "") for i, name in enumerate(COMPONENTS)}
    if not any(v.strip() for v in lines.values()):
        errors["line-0"] = "Enter at least one cost line"
    if owner and start and end and not errors:
        try:
            cost_of_care.submit_open_book(
                uow, commissioner=owner, period_start=start, period_end=end, lines=lines,
                by=by.actor, now=datetime.now(UTC),
            )  # fmt: skip
        except InvalidCostInputs as error:
            errors |= _line_errors(error)
        except DomainError as error:
            errors["commissioner"] = str(error)
        else:
            return redirect_with(
                request, "/open-book", "Your costs are sent",
                "The commissioner sees them beside its cost-of-care model.",
            )  # fmt: skip
    context |= {"values": values, "errors": errors}
    return render(request, "cost_of_care/provider.html", context, status_code=400)


def _chosen(request: Request, uow: UnitOfWork, owner: str | None = None) -> dict[str, Any]:
    commissioners = market.list_commissioners(uow)
    codes = [c.code for c in commissioners]
    wanted = owner or request.query_params.get("commissioner", "")
    code = wanted if wanted in codes else (codes[0] if codes else "")
    saved = cost_of_care.list_scenarios(uow, commissioner=code) if code else []
    name = request.query_params.get("scenario", "")
    return {
        "title": "Cost of care",
        "commissioner": code,
        "commissioners": [(c.code, c.name) for c in commissioners],
        "name": name if name in {s.name for s in saved} else "",
        "saved": [(s.name, f"{s.name} (from {s.effective_from:%-d %B %Y})") for s in saved],
        "zones": [(z.code, z.name) for z in market.list_zones(uow, commissioner=code)]
        if code
        else [],
        "inputs": INPUTS,
    }


def _provider_context(request: Request, uow: UnitOfWork, by: Principal) -> dict[str, Any]:
    commissioners = market.list_commissioners(uow)
    today = _today(request)
    return {
        "title": "Open book",
        "commissioners": [(c.code, c.name) for c in commissioners],
        "components": list(enumerate(COMPONENTS)),
        "submissions": cost_of_care.open_book_submissions(uow, by=by.actor),
        "tables": [t for c in commissioners for t in _comparisons(uow, c.code, today, by)],
    }


def _comparisons(uow: UnitOfWork, code: str, on: date, by: Principal) -> list[dict[str, Any]]:
    if not code:
        return []
    tables = cost_of_care.open_book_comparisons(uow, commissioner=code, on=on, by=by.actor)
    return [{"table": t, "head": _head(t), "rows": _rows(t)} for t in tables]


def _described(chosen: Any) -> str:
    if chosen.id is None:
        return "The defaults: no scenario is saved in force today."
    return f"{chosen.name}, in force from {chosen.effective_from:%-d %B %Y}."


def _field_errors(error: InvalidCostInputs) -> dict[str, str]:
    """The service's problems keyed by the form field each is about."""
    labels = {item.name: item.label for item in INPUTS}
    errors = {}
    for key, problem in error.problems.items():
        if key.startswith("zone "):
            code = key.removeprefix("zone ")
            errors[f"zone-{code}-minutes"] = f"Zone {code}: {problem}"
        elif key in labels:
            errors[key] = f"{labels[key]} {problem}"
        else:
            errors[key] = f"{key.replace('_', ' ').capitalize()}: {problem}"
    return errors


def _input_problems(values: dict[str, str], zones: list[str]) -> InvalidCostInputs:
    """What the model would refuse in the form's inputs, without saving anything."""
    problems: dict[str, str] = {}
    try:
        inputs_from({item.name: values.get(item.name, "") for item in INPUTS})
    except InvalidCostInputs as error:
        problems |= error.problems
    for code in zones:
        try:
            zone_travel_from(
                code, values.get(f"zone-{code}-minutes", ""), values.get(f"zone-{code}-miles", "")
            )
        except InvalidCostInputs as error:
            problems |= error.problems
    return InvalidCostInputs(problems)


def _line_errors(error: InvalidCostInputs) -> dict[str, str]:
    index = {name: i for i, name in enumerate(COMPONENTS)}
    return {
        f"line-{index[k]}" if k in index else "period_end-day": f"{k}: {problem}"
        if k in index
        else f"The period's last day {problem}"
        for k, problem in error.problems.items()
    }


def _today(request: Request) -> date:
    return datetime.now(request.app.state.settings.zone).date()
