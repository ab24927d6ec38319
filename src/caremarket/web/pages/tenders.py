"""Tenders: the list, a tender's lots, a lot's bids (with the form to enter one), a bid's
marks (each evaluator's, the moderated mark), gates and low price; the lot's evaluation report
with its downloads; and the award, with any tie at the cut-off decided."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import POLICY_SETTERS, TENDER_READERS
from caremarket.domain.errors import DomainError, NotFound
from caremarket.domain.evaluation import Kind, model_from_data
from caremarket.domain.market import Tier
from caremarket.reports import render as formats
from caremarket.reports.evaluation import lot_table
from caremarket.services import contracts, tender_views, tenders
from caremarket.services.accounts import Principal
from caremarket.services.contracts import AwardTerms
from caremarket.services.ports import UnitOfWork
from caremarket.services.tender_views import EvaluationNotReady
from caremarket.web import report_files
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages import forms
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.forms import FormDep
from caremarket.web.pages.reports import _head, _rows
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/tenders", include_in_schema=False)
READ = [allow(*TENDER_READERS)]
ENTER = [allow(*POLICY_SETTERS), csrf_protected()]
LOT = "/{tender}/lots/{lot}"
BID = LOT + "/bids/{bidder}"
TIERS = {tier.value: tier.value.capitalize() for tier in Tier if tier is not Tier.SUBCONTRACTOR}


@router.get("", response_class=HTMLResponse, dependencies=READ)
def list_tenders(request: Request, uow: UowDep) -> HTMLResponse:
    return render(
        request,
        "tenders/list.html",
        {"title": "Tenders", "tenders": tender_views.list_tenders(uow)},
    )


@router.get("/{tender}", response_class=HTMLResponse, dependencies=READ)
def tender_page(request: Request, uow: UowDep, tender: str) -> HTMLResponse:
    summary = tender_views.tender_summary(uow, tender)
    model = model_from_data(summary.model)
    return render(
        request,
        "tenders/tender.html",
        {"title": f"Tender {summary.code}", "tender": summary, "criteria": model.criteria},
    )


@router.get(LOT, response_class=HTMLResponse, dependencies=READ)
def lot_page(request: Request, uow: UowDep, by: PrincipalDep, tender: str, lot: str) -> Response:
    return render(request, "tenders/lot.html", _lot_context(uow, by, tender, lot))


@router.post(LOT + "/bids", response_class=HTMLResponse, dependencies=ENTER)
def enter_bid(
    request: Request, uow: UowDep, by: PrincipalDep, values: FormDep, tender: str, lot: str
) -> Response:
    errors: dict[str, str] = {}
    bidder = forms.text_field(values, "bidder", errors, what="the bidder's name", length=200)
    rate = forms.money_field(values, "hourly-rate", errors, what="the hourly rate")
    provider = values.get("provider", "").strip() or None
    status = 400
    if bidder is not None and rate is not None:
        try:
            tenders.enter_bid(
                uow,
                tender,
                lot,
                bidder=bidder,
                hourly_rate=rate,
                provider=provider,
                by=by.actor,
                now=datetime.now(UTC),
            )
        except NotFound:
            raise
        except DomainError as error:
            field = "provider" if "provider" in str(error) else "bidder"
            errors[field] = forms.sentence(str(error))
            status = forms.refusal_status(error)
        else:
            return redirect_with(
                request, _lot_url(tender, lot), f"{bidder}'s bid is entered", "Now mark it."
            )
    context = _lot_context(uow, by, tender, lot) | {"errors": errors, "values": values}
    return render(request, "tenders/lot.html", context, status_code=status)


@router.get(BID, response_class=HTMLResponse, dependencies=READ)
def bid_page(
    request: Request, uow: UowDep, by: PrincipalDep, tender: str, lot: str, bidder: str
) -> Response:
    return render(request, "tenders/bid.html", _bid_context(uow, by, tender, lot, bidder))


@router.post(BID + "/marks", response_class=HTMLResponse, dependencies=ENTER)
def record_mark(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    values: FormDep,
    tender: str,
    lot: str,
    bidder: str,
) -> Response:
    errors: dict[str, str] = {}
    form = _BidForm(request, uow, by, tender, lot, bidder, values)
    context = form.context()
    criterion = forms.choice_field(
        values, "mark-criterion", context["marked"], errors, message="Select the criterion marked"
    )
    evaluator = forms.text_field(
        values, "evaluator", errors, what="the evaluator's name", length=200
    )
    mark = forms.whole_number_field(values, "mark", errors, what="the mark", low=0, high=10)
    if errors:
        return form.refused(errors)
    assert criterion is not None and evaluator is not None and mark is not None
    return form.record(
        errors,
        "mark",
        lambda: tenders.record_mark(
            uow,
            tender,
            lot,
            bidder,
            criterion=criterion,
            evaluator=evaluator,
            mark=mark,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        f"{evaluator}'s mark for {context['marked'][criterion]} is recorded",
    )


@router.post(BID + "/moderation", response_class=HTMLResponse, dependencies=ENTER)
def agree_mark(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    values: FormDep,
    tender: str,
    lot: str,
    bidder: str,
) -> Response:
    errors: dict[str, str] = {}
    form = _BidForm(request, uow, by, tender, lot, bidder, values)
    context = form.context()
    criterion = forms.choice_field(
        values,
        "moderated-criterion",
        context["marked"],
        errors,
        message="Select the criterion the mark is agreed for",
    )
    mark = forms.whole_number_field(
        values, "moderated-mark", errors, what="the moderated mark", low=0, high=10
    )
    note = forms.text_field(
        values, "note", errors, what="how the mark was agreed", length=forms.LONG_NOTE_LENGTH
    )
    if errors:
        return form.refused(errors)
    assert criterion is not None and mark is not None and note is not None
    return form.record(
        errors,
        "moderated-mark",
        lambda: tenders.agree_mark(
            uow,
            tender,
            lot,
            bidder,
            criterion=criterion,
            mark=mark,
            note=note,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        f"The moderated mark for {context['marked'][criterion]} is agreed",
    )


@router.post(BID + "/gates", response_class=HTMLResponse, dependencies=ENTER)
def record_gate(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    values: FormDep,
    tender: str,
    lot: str,
    bidder: str,
) -> Response:
    errors: dict[str, str] = {}
    form = _BidForm(request, uow, by, tender, lot, bidder, values)
    context = form.context()
    gate = forms.choice_field(
        values, "gate", context["gates"], errors, message="Select the gate judged"
    )
    result = forms.choice_field(
        values, "result", {"pass": "", "fail": ""}, errors, message="Select pass or fail"
    )
    reason = forms.note_field(
        values, "gate-reason", errors, what="why it failed", length=forms.LONG_NOTE_LENGTH
    )
    if result == "fail" and not reason:
        errors["gate-reason"] = "Enter why the bid failed the gate"
    if errors:
        return form.refused(errors)
    assert gate is not None
    return form.record(
        errors,
        "gate",
        lambda: tenders.record_gate(
            uow,
            tender,
            lot,
            bidder,
            criterion=gate,
            passed=result == "pass",
            reason=reason,
            by=by.actor,
            now=datetime.now(UTC),
        ),
        f"{bidder} {'passed' if result == 'pass' else 'failed'} {context['gates'][gate]}",
    )


@router.post(BID + "/low-price", response_class=HTMLResponse, dependencies=ENTER)
def accept_low_price(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    values: FormDep,
    tender: str,
    lot: str,
    bidder: str,
) -> Response:
    errors: dict[str, str] = {}
    form = _BidForm(request, uow, by, tender, lot, bidder, values)
    reason = forms.text_field(
        values,
        "low-price-reason",
        errors,
        what="why the low price was accepted",
        length=forms.LONG_NOTE_LENGTH,
    )
    if reason is None:
        return form.refused(errors)
    return form.record(
        errors,
        "low-price-reason",
        lambda: tenders.accept_low_price(
            uow, tender, lot, bidder, reason=reason, by=by.actor, now=datetime.now(UTC)
        ),
        f"{bidder}'s low price is accepted",
    )


@router.get(LOT + "/report", response_class=HTMLResponse, dependencies=READ)
def report_page(request: Request, uow: UowDep, tender: str, lot: str) -> Response:
    context = _report_context(request, uow, tender, lot)
    return render(request, "tenders/report.html", context)


@router.get(LOT + "/report/download", dependencies=READ)
def download(request: Request, uow: UowDep, tender: str, lot: str, format: str = "csv") -> Response:
    """The lot's report as a CSV file or an Excel workbook, each row with its explanation."""
    if format not in report_files.FILE_FORMATS:
        raise HTTPException(404, f"There is no {format} download: choose csv or xlsx.")
    context = _report_context(request, uow, tender, lot, explanations_as_notes=False)
    table = context["report_table"]
    if table is None:
        raise HTTPException(409, context["not_ready"])
    filename = f"evaluation-{tender}-lot-{lot}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "csv":
        return Response(
            formats.as_csv(table), media_type="text/csv; charset=utf-8", headers=headers
        )
    return Response(formats.as_xlsx(table), media_type=report_files.XLSX, headers=headers)


@router.get(LOT + "/award", response_class=HTMLResponse, dependencies=[allow(*POLICY_SETTERS)])
def award_form(request: Request, uow: UowDep, tender: str, lot: str) -> Response:
    return render(request, "tenders/award.html", _award_context(request, uow, tender, lot))


@router.post(LOT + "/award", response_class=HTMLResponse, dependencies=ENTER)
async def award_lot(
    request: Request, uow: UowDep, by: PrincipalDep, tender: str, lot: str
) -> Response:
    async with request.form() as form:
        chosen = [str(v) for v in form.getlist("tie")]
        values = {k: v for k, v in form.items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    tier = forms.choice_field(values, "tier", TIERS, errors, message="Select the tier they join")
    rate_card = values.get("rate_card", "").strip() or None
    reason = forms.note_field(
        values, "reason", errors, what="why the tie went so", length=forms.LONG_NOTE_LENGTH
    )
    status = 400
    if not errors:
        assert tier is not None
        try:
            award = tenders.award_lot(
                uow,
                tender,
                lot,
                tier=Tier(tier),
                tie_winners=chosen,
                reason=reason or None,
                terms=AwardTerms(rate_card=rate_card),
                by=by.actor,
                now=datetime.now(UTC),
            )
        except NotFound:
            raise
        except DomainError as error:
            field = (
                "reason"
                if "say why" in str(error)
                else "tie"
                if "tie" in str(error)
                else "rate_card"
                if "rate card" in str(error) or "term" in str(error)
                else "tier"
            )
            errors[field] = forms.sentence(str(error))
            status = forms.refusal_status(error)
        else:
            return redirect_with(
                request,
                _lot_url(tender, lot) + "/report",
                f"Lot {lot} is awarded to {', '.join(award.awarded) or 'nobody'}",
                f"They join the lot as {tier} providers, each with a contract"
                f" ({', '.join(award.contracts) or 'none'}).",
            )
    context = _award_context(request, uow, tender, lot) | {
        "errors": errors,
        "values": values,
        "chosen": chosen,
    }
    return render(request, "tenders/award.html", context, status_code=status)


def _lot_context(uow: UnitOfWork, by: Principal, tender: str, lot: str) -> dict[str, Any]:
    detail = tender_views.lot_detail(uow, tender, lot)
    summary = tender_views.tender_summary(uow, tender)
    model = model_from_data(summary.model)
    return {
        "title": f"Lot {detail.lot.code}, {detail.lot.name}: tender {detail.tender}",
        "detail": detail,
        "tender": summary,
        "marked": [c for c in model.criteria if c.kind is Kind.MARKS],
        "gates": [c for c in model.criteria if c.kind is Kind.GATE],
        "may_enter": by.actor.role in POLICY_SETTERS and detail.award is None,
        "may_award": by.actor.role in POLICY_SETTERS,
        "lot_url": _lot_url(tender, lot),
        "bid_url": lambda bidder: _bid_url(tender, lot, bidder),
    }


def _bid_context(
    uow: UnitOfWork, by: Principal, tender: str, lot: str, bidder: str
) -> dict[str, Any]:
    context = _lot_context(uow, by, tender, lot)
    bid = next((b for b in context["detail"].bids if b.bidder == bidder), None)
    if bid is None:
        raise NotFound(f"lot {lot} of tender {tender} has no bid from {bidder}")
    evaluators = sorted({who for marks in bid.marks.values() for who in marks})
    return context | {
        "title": f"{bidder}'s bid: lot {lot}, tender {tender}",
        "bid": bid,
        "evaluators": evaluators,
        "marked": {c.code: c.name for c in context["marked"]},
        "scales": {c.code: c.scale for c in context["marked"]},
        "gates": {c.code: c.name for c in context["gates"]},
        "action": _bid_url(tender, lot, bidder),
        "evaluator": by.name,
    }


def _report_context(
    request: Request, uow: UnitOfWork, tender: str, lot: str, *, explanations_as_notes: bool = True
) -> dict[str, Any]:
    detail = tender_views.lot_detail(uow, tender, lot)
    summary = tender_views.tender_summary(uow, tender)
    context: dict[str, Any] = {
        "title": f"Evaluation of lot {lot}: tender {tender}",
        "detail": detail,
        "tender": summary,
        "lot_url": _lot_url(tender, lot),
        "report_table": None,
        "not_ready": None,
        "evaluation": None,
    }
    try:
        evaluation = tender_views.evaluate(uow, tender, lot)
    except EvaluationNotReady as error:
        return context | {"not_ready": forms.sentence(str(error))}
    on = (
        detail.award.awarded_on
        if detail.award
        else datetime.now(request.app.state.settings.zone).date()
    )
    table = lot_table(
        evaluation,
        commissioner=", ".join(summary.commissioners) or summary.vehicle,
        on=on,
        explanations_as_notes=explanations_as_notes,
    )
    return context | {
        "evaluation": evaluation,
        "report_table": table,
        "head": _head(table),
        "rows": _rows(table),
        "criteria": {c.code: c.name for c in evaluation.model.criteria},
    }


def _award_context(request: Request, uow: UnitOfWork, tender: str, lot: str) -> dict[str, Any]:
    context = _report_context(request, uow, tender, lot)
    evaluation = context["evaluation"]
    left = None
    if evaluation is not None and evaluation.tied_at_cut_off:
        left = (evaluation.lot.max_providers or 0) - len(evaluation.awarded)
    return context | {
        "title": f"Award lot {lot}: tender {tender}",
        "tiers": list(TIERS.items()),
        "term": contracts.term_of(uow, context["detail"].vehicle),
        "rate_cards": contracts.rate_cards_of(uow, context["detail"].vehicle),
        "left": left,
        "chosen": [],
        "values": {"tier": Tier.APPROVED.value},
    }


@dataclass(frozen=True)
class _BidForm:
    """A form on a bid's page: recorded, back to the page with a message; refused, the page
    again with the values sent and why."""

    request: Request
    uow: UnitOfWork
    by: Principal
    tender: str
    lot: str
    bidder: str
    values: dict[str, str]

    def context(self) -> dict[str, Any]:
        return _bid_context(self.uow, self.by, self.tender, self.lot, self.bidder)

    def record(
        self, errors: dict[str, str], field: str, action: Callable[[], object], heading: str
    ) -> Response:
        """Run the service; a refusal (not a missing tender, lot or bid) goes in the summary."""
        _, status = forms.attempt(errors, field, action)
        if errors:
            return self.refused(errors, status)
        return redirect_with(self.request, _bid_url(self.tender, self.lot, self.bidder), heading)

    def refused(self, errors: dict[str, str], status: int = 400) -> Response:
        context = self.context() | {"errors": errors, "values": self.values}
        return render(self.request, "tenders/bid.html", context, status_code=status)


def _lot_url(tender: str, lot: str) -> str:
    return f"/tenders/{quote(tender, safe='')}/lots/{quote(lot, safe='')}"


def _bid_url(tender: str, lot: str, bidder: str) -> str:
    return f"{_lot_url(tender, lot)}/bids/{quote(bidder, safe='')}"
