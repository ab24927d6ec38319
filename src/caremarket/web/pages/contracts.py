"""Contracts: the register (with its CSV), a contract's page with its variations and the forms
to record an uplift, decide an extension or end it early, and each vehicle's term with the
form to decide its next extension. Everyone reads (a provider its own contracts);
commissioners and administrators write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import MARKET_READERS, POLICY_SETTERS, Role
from caremarket.domain.calendar import LONDON
from caremarket.domain.errors import NotFound
from caremarket.reports import render as reports_render
from caremarket.services import contracts, market, structure
from caremarket.services.accounts import Principal
from caremarket.services.contracts import ContractSummary
from caremarket.services.ports import UnitOfWork
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/market", include_in_schema=False)
READ = [allow(*MARKET_READERS)]
WRITE = [allow(*POLICY_SETTERS), csrf_protected()]
REGISTER = "/market/contracts"
MOST_MONTHS = 600
MOST_PERCENT = Decimal(100)
TAKEN, DECLINED = "taken", "declined"
DECISIONS = {TAKEN: "Take the extension", DECLINED: "Decline it: the term ends as it stands"}


@router.get("/contracts", response_class=HTMLResponse, dependencies=READ)
def register(request: Request, uow: UowDep, by: PrincipalDep) -> HTMLResponse:
    """The contract register, filtered by commissioner, vehicle and expiry."""
    values = dict(request.query_params)
    errors: dict[str, str] = {}
    rows = _register_rows(uow, by, values, errors)
    context = {
        "title": "Contracts",
        "rows": rows,
        "today": _today(),
        "commissioners": [(c.code, c.name) for c in market.list_commissioners(uow)],
        "vehicles": [(v.code, f"{v.code}: {v.name}") for v in structure.list_vehicles(uow)],
        "terms": _terms(uow),
        "values": values,
        "errors": errors,
        "csv_query": urlencode({k: v for k, v in values.items() if v}),
    }
    return render(request, "market/contracts.html", context, status_code=400 if errors else 200)


@router.get("/contracts.csv", dependencies=READ)
def register_csv(request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """The register as shown, as a CSV file."""
    values = dict(request.query_params)
    errors: dict[str, str] = {}
    rows = _register_rows(uow, by, values, errors)
    if errors:
        return Response("; ".join(errors.values()), status_code=400, media_type="text/plain")
    whose = values.get("commissioner") or "all"
    table = contracts.register_table(rows, on=_today(), whose=whose)
    filename = f"contracts-{whose}-{_today().isoformat()}.csv"
    return Response(
        reports_render.as_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/contracts/{contract}", response_class=HTMLResponse, dependencies=READ)
def contract_page(request: Request, uow: UowDep, by: PrincipalDep, contract: str) -> Response:
    return _contract_page(request, uow, by, contract)


@router.post("/contracts/{contract}/uplift", response_class=HTMLResponse, dependencies=WRITE)
def record_uplift(
    request: Request, uow: UowDep, by: PrincipalDep, contract: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    percent = _percent_field(values, "percent", errors)
    effective = forms.date_field(
        values, "effective", errors, what="the day the uplift applies from"
    )
    agreed = forms.date_field(values, "uplift-agreed", errors, what="the day it was agreed")
    reason = forms.text_field(
        values, "uplift-reason", errors, what="why rates rise", length=forms.LONG_NOTE_LENGTH
    )
    if errors or percent is None or effective is None or agreed is None or reason is None:
        return _contract_page(request, uow, by, contract, values, errors, status=400)
    _, status = forms.attempt(
        errors,
        "percent",
        lambda: contracts.uplift_contract(
            uow,
            contract,
            percent=percent,
            effective_from=effective,
            agreed_on=agreed,
            reason=reason,
            by=by.actor,
            now=datetime.now(UTC),
        ),
    )
    if errors:
        return _contract_page(request, uow, by, contract, values, errors, status=status)
    return redirect_with(
        request,
        _contract_url(contract),
        f"Rates rise by {percent.normalize():f}% from {effective.day} {effective:%B %Y}",
    )


@router.post("/contracts/{contract}/extension", response_class=HTMLResponse, dependencies=WRITE)
def decide_contract_extension(
    request: Request, uow: UowDep, by: PrincipalDep, contract: str, values: FormDep
) -> Response:
    return _decide_extension(
        request,
        values,
        lambda errors, status: _contract_page(
            request, uow, by, contract, values, errors, status=status
        ),
        lambda option, taken, decided, reason: contracts.decide_contract_extension(
            uow,
            contract,
            option=option,
            taken=taken,
            agreed_on=decided,
            reason=reason,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        _contract_url(contract),
        "the contract",
    )


@router.post("/contracts/{contract}/end", response_class=HTMLResponse, dependencies=WRITE)
def end_contract(
    request: Request, uow: UowDep, by: PrincipalDep, contract: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    last_day = forms.date_field(values, "end", errors, what="the contract's last day")
    reason = forms.text_field(
        values, "end-reason", errors, what="why it ends early", length=forms.LONG_NOTE_LENGTH
    )
    if errors or last_day is None or reason is None:
        return _contract_page(request, uow, by, contract, values, errors, status=400)
    _, status = forms.attempt(
        errors,
        "end-day",
        lambda: contracts.end_contract(
            uow, contract, on=last_day, reason=reason, by=by.actor, now=datetime.now(UTC)
        ),
    )
    if errors:
        return _contract_page(request, uow, by, contract, values, errors, status=status)
    return redirect_with(
        request, _contract_url(contract), f"The contract ends on {last_day.day} {last_day:%B %Y}"
    )


@router.get("/vehicles/{code}/term", response_class=HTMLResponse, dependencies=READ)
def vehicle_term(request: Request, uow: UowDep, by: PrincipalDep, code: str) -> Response:
    return _term_page(request, uow, by, code)


@router.post("/vehicles/{code}/term", response_class=HTMLResponse, dependencies=WRITE)
def set_vehicle_term(
    request: Request, uow: UowDep, by: PrincipalDep, code: str, values: FormDep
) -> Response:
    errors: dict[str, str] = {}
    starts = forms.date_field(values, "starts", errors, what="the day the term starts")
    initial = forms.whole_number_field(
        values, "initial", errors, what="the initial period in months", low=1, high=MOST_MONTHS
    )
    extensions = _months_list(values, "extensions", errors)
    if errors or starts is None or initial is None or extensions is None:
        return _term_page(request, uow, by, code, values, errors, status=400)
    term, status = forms.attempt(
        errors,
        "initial",
        lambda: contracts.set_term(
            uow,
            code,
            starts_on=starts,
            initial_months=initial,
            extension_months=extensions,
            by=by.actor,
            now=datetime.now(UTC),
        ),
    )
    if term is None:
        return _term_page(request, uow, by, code, values, errors, status=status)
    return redirect_with(request, _term_url(code), f"{code} runs {term.description}")


@router.post("/vehicles/{code}/term/extension", response_class=HTMLResponse, dependencies=WRITE)
def decide_vehicle_extension(
    request: Request, uow: UowDep, by: PrincipalDep, code: str, values: FormDep
) -> Response:
    return _decide_extension(
        request,
        values,
        lambda errors, status: _term_page(request, uow, by, code, values, errors, status=status),
        lambda option, taken, decided, reason: contracts.decide_vehicle_extension(
            uow,
            code,
            option=option,
            taken=taken,
            decided_on=decided,
            reason=reason,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        _term_url(code),
        code,
    )


def _register_rows(
    uow: UnitOfWork, by: Principal, values: dict[str, str], errors: dict[str, str]
) -> list[ContractSummary]:
    expiring = forms.date_field(
        values, "expiring", errors, what="the date contracts expire before", required=False
    )
    if errors:
        return []
    return contracts.contract_register(
        uow,
        viewer=by.actor,
        on=_today(),
        commissioner=values.get("commissioner") or None,
        vehicle=values.get("vehicle") or None,
        expiring_before=expiring,
    )


def _contract_page(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    reference: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> Response:
    summary = contracts.get_contract(uow, reference, viewer=by.actor, on=_today())
    context: dict[str, Any] = {
        "title": f"Contract {summary.reference}",
        "contract": summary,
        "ref": quote(summary.reference, safe=""),
        "may_write": by.actor.role in POLICY_SETTERS,
        "is_provider": by.actor.role is Role.PROVIDER,
        "decisions": DECISIONS,
        "today": _today(),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "market/contract.html", context, status_code=status)


def _term_page(
    request: Request,
    uow: UnitOfWork,
    by: Principal,
    code: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    status: int = 200,
) -> Response:
    term = contracts.term_of(uow, code)
    vehicle = next((v for v in structure.list_vehicles(uow) if v.code == code), None)
    if vehicle is None:
        raise NotFound(f"there is no vehicle {code}")
    context: dict[str, Any] = {
        "title": f"Term of {code}",
        "vehicle": vehicle,
        "term": term,
        "code": quote(code, safe=""),
        "may_write": by.actor.role in POLICY_SETTERS,
        "decisions": DECISIONS,
        "today": _today(),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "market/term.html", context, status_code=status)


def _terms(uow: UnitOfWork) -> list[tuple[str, str, Any]]:
    return [(v.code, v.name, contracts.term_of(uow, v.code)) for v in structure.list_vehicles(uow)]


class _Ends(Protocol):
    @property
    def ends_on(self) -> date: ...


def _decide_extension(
    request: Request,
    values: dict[str, str],
    again: Callable[[dict[str, str], int], Response],
    decide: Callable[[int, bool, date, str], _Ends],
    url: str,
    whose: str,
) -> Response:
    """Take or decline the next extension option of a contract's or a vehicle's term; a
    refusal shows the page `again` with the values sent and why."""
    errors: dict[str, str] = {}
    decision = forms.choice_field(
        values, "decision", DECISIONS, errors, message="Select whether to take the extension"
    )
    option = forms.whole_number_field(values, "option", errors, what="the option", low=1, high=99)
    decided = forms.date_field(values, "decided", errors, what="the day it was decided")
    reason = forms.text_field(
        values, "decision-reason", errors, what="the reason", length=forms.LONG_NOTE_LENGTH
    )
    if errors or decision is None or option is None or decided is None or reason is None:
        return again(errors, 400)
    done, status = forms.attempt(
        errors, "decision", lambda: decide(option, decision == TAKEN, decided, reason)
    )
    if done is None:
        return again(errors, status)
    return redirect_with(
        request,
        url,
        f"Extension option {option} {decision}: {whose} ends on"
        f" {done.ends_on.day} {done.ends_on:%B %Y}",
    )


def _percent_field(values: dict[str, str], name: str, errors: dict[str, str]) -> Decimal | None:
    """A percentage above 0, to three decimal places at most."""
    text = values.get(name, "").strip().removesuffix("%").strip()
    if not text:
        errors[name] = "Enter the uplift as a percentage"
        return None
    try:
        percent = Decimal(text)
    except InvalidOperation:
        percent = None
    if (
        percent is None
        or not percent.is_finite()
        or not 0 < percent < MOST_PERCENT
        or percent != percent.quantize(Decimal("0.001"))
    ):
        errors[name] = "The uplift must be a percentage above 0 and below 100, like 3.5"
        return None
    return percent


def _months_list(values: dict[str, str], name: str, errors: dict[str, str]) -> list[int] | None:
    """Optional extensions in months, separated by commas: '12, 12'; empty for none."""
    text = values.get(name, "").strip()
    if not text:
        return []
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isascii() and p.isdigit() and 0 < int(p) <= MOST_MONTHS for p in parts):
        errors[name] = "Enter each extension in months, separated by commas, like 12, 12"
        return None
    return [int(p) for p in parts]


def _contract_url(reference: str) -> str:
    return f"{REGISTER}/{quote(reference, safe='')}"


def _term_url(code: str) -> str:
    return f"/market/vehicles/{quote(code, safe='')}/term"


def _today() -> date:
    return datetime.now(LONDON).date()
