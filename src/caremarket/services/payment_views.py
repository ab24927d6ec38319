"""Reading payment runs: the list, a run's detail, a provider's remittance and the finance
export (the queries to resolve are `services.ecm.open_queries`). A provider sees only its
own lines and runs; to anyone else a run they may not see does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from caremarket.domain.access import Actor, Role
from caremarket.domain.errors import NotFound
from caremarket.domain.payment_runs import (
    PaymentRun,
    ProviderTotals,
    RunLine,
    funder_totals,
    provider_totals,
)
from caremarket.reports.payments import export_table, remittance_table
from caremarket.reports.tables import Table
from caremarket.services.ports import UnitOfWork


@dataclass(frozen=True)
class RunSummary:
    run: PaymentRun
    lines: int
    paid: Decimal
    held_lines: int


@dataclass(frozen=True)
class RunDetail:
    run: PaymentRun
    commissioner: str  # its name
    lines: tuple[RunLine, ...]
    totals: tuple[ProviderTotals, ...]
    by_funder: tuple[tuple[str, Decimal], ...]

    @property
    def paid(self) -> Decimal:
        return sum((t.paid for t in self.totals), Decimal("0.00"))

    @property
    def held(self) -> tuple[RunLine, ...]:
        return tuple(x for x in self.lines if x.held)

    def lines_of(self, provider: str) -> tuple[RunLine, ...]:
        return tuple(x for x in self.lines if x.provider == provider and not x.held)


def list_runs(
    uow: UnitOfWork, *, viewer: Actor, commissioner: str | None = None
) -> list[RunSummary]:
    with uow:
        runs = uow.payment_runs.list(commissioner=commissioner, provider_id=_own(viewer))
        summaries = []
        for run in runs:
            lines = uow.payment_runs.lines(run, provider_id=_own(viewer))
            summaries.append(
                RunSummary(
                    run,
                    len(lines),
                    sum((x.paid for x in lines), Decimal("0.00")),
                    sum(1 for x in lines if x.held),
                )
            )
        return summaries


def run_detail(uow: UnitOfWork, reference: str, *, viewer: Actor) -> RunDetail:
    with uow:
        run, lines = _run_and_lines(uow, reference, viewer)
        owner = uow.commissioners.get(run.commissioner)
        return RunDetail(
            run,
            owner.name,
            tuple(lines),
            tuple(provider_totals(lines)),
            funder_totals(lines),
        )


def remittance(uow: UnitOfWork, reference: str, *, provider: str, viewer: Actor) -> Table:
    """A provider's remittance advice for a run (a provider's own only)."""
    with uow:
        found = uow.providers.find(provider)
        if found is None or (viewer.role is Role.PROVIDER and viewer.provider_id != found.id):
            raise NotFound(f"there is no provider {provider}")
        run, lines = _run_and_lines(uow, reference, viewer)
        mine = [x for x in lines if x.provider == found.name]
        if not mine and viewer.role is Role.PROVIDER:
            raise NotFound(f"there is no payment run {reference}")
        owner = uow.commissioners.get(run.commissioner)
        return remittance_table(run, found.name, mine, commissioner=owner.name)


def finance_export(uow: UnitOfWork, reference: str, *, viewer: Actor) -> Table:
    """The run's lines paid, one row for each funder, for the ledger (docs/formats.md)."""
    if viewer.role is Role.PROVIDER:
        raise NotFound(f"there is no payment run {reference}")
    with uow:
        run, lines = _run_and_lines(uow, reference, viewer)
        owner = uow.commissioners.get(run.commissioner)
        return export_table(run, lines, commissioner=owner.name)


def _run_and_lines(
    uow: UnitOfWork, reference: str, viewer: Actor
) -> tuple[PaymentRun, list[RunLine]]:
    run = uow.payment_runs.find(reference)
    if run is None:
        raise NotFound(f"there is no payment run {reference}")
    lines = uow.payment_runs.lines(run, provider_id=_own(viewer))
    if viewer.role is Role.PROVIDER and not lines:
        raise NotFound(f"there is no payment run {reference}")
    return run, lines


def _own(viewer: Actor) -> int | None:
    """A provider's id, to see its own only; None for everyone else."""
    if viewer.role is Role.PROVIDER:
        if viewer.provider_id is None:
            raise NotFound("a provider account must name its provider")
        return viewer.provider_id
    return None
