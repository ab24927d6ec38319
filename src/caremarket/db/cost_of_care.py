"""Keeping cost-of-care scenarios and providers' open-book submissions (Core, like contracts):
the inputs are JSON, written and read by the domain (exact decimals as strings)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.domain.cost_of_care import (
    CostOfCareScenario,
    OpenBookSubmission,
    from_json,
    to_json,
)
from caremarket.domain.errors import NotFound
from caremarket.domain.market import Commissioner, Provider

S = t.cost_of_care_scenarios.c
OB = t.open_book_submissions.c


class SqlScenarios:
    """A commissioner's dated scenarios; a name is kept once (saving it again replaces it)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def list(self, commissioner: Commissioner) -> list[CostOfCareScenario]:
        """Oldest first, then by name."""
        self.session.flush()
        rows = self.session.execute(
            select(t.cost_of_care_scenarios)
            .where(S.commissioner_id == commissioner.id)
            .order_by(S.effective_from, S.name)
        ).all()
        return [self._scenario(commissioner, row) for row in rows]

    def find(self, commissioner: Commissioner, name: str) -> CostOfCareScenario | None:
        self.session.flush()
        row = self.session.execute(
            select(t.cost_of_care_scenarios).where(
                S.commissioner_id == commissioner.id, S.name == name
            )
        ).one_or_none()
        return None if row is None else self._scenario(commissioner, row)

    def get(self, commissioner: Commissioner, name: str) -> CostOfCareScenario:
        found = self.find(commissioner, name)
        if found is None:
            raise NotFound(f"{commissioner.name} has no cost-of-care scenario {name!r}")
        return found

    def save(self, scenario: CostOfCareScenario) -> None:
        """Add the scenario, or replace the inputs and date of the one with its name."""
        self.session.flush()
        values: dict[str, Any] = {
            "effective_from": scenario.effective_from,
            "inputs": to_json(scenario.inputs, scenario.zones),
            "created_at": scenario.created_at,
            "created_by": scenario.created_by,
        }
        commissioner_id = scenario.commissioner.id
        found = self.session.scalar(
            select(S.id).where(S.commissioner_id == commissioner_id, S.name == scenario.name)
        )
        if found is None:
            scenario.id = self.session.scalar(
                insert(t.cost_of_care_scenarios)
                .values(commissioner_id=commissioner_id, name=scenario.name, **values)
                .returning(S.id)
            )
        else:
            self.session.execute(
                update(t.cost_of_care_scenarios).where(S.id == found).values(**values)
            )
            scenario.id = found

    def _scenario(self, commissioner: Commissioner, row: Any) -> CostOfCareScenario:
        inputs, zones = from_json(row.inputs)
        return CostOfCareScenario(
            commissioner=commissioner,
            name=row.name,
            effective_from=row.effective_from,
            inputs=inputs,
            zones=zones,
            created_at=row.created_at,
            created_by=row.created_by,
            id=row.id,
        )


class SqlOpenBook:
    """Providers' submissions: one for each provider, commissioner and period start (a second
    for the same period replaces the first)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, submission: OpenBookSubmission) -> None:
        self.session.flush()
        values: dict[str, Any] = {
            "period_end": submission.period_end,
            "lines": {name: str(amount) for name, amount in submission.lines.items()},
            "submitted_at": submission.submitted_at,
            "submitted_by": submission.submitted_by,
        }
        found = self.session.scalar(
            select(OB.id).where(
                OB.provider_id == submission.provider.id,
                OB.commissioner_id == submission.commissioner.id,
                OB.period_start == submission.period_start,
            )
        )
        if found is None:
            submission.id = self.session.scalar(
                insert(t.open_book_submissions)
                .values(
                    provider_id=submission.provider.id,
                    commissioner_id=submission.commissioner.id,
                    period_start=submission.period_start,
                    **values,
                )
                .returning(OB.id)
            )
        else:
            self.session.execute(
                update(t.open_book_submissions).where(OB.id == found).values(**values)
            )
            submission.id = found

    def search(
        self,
        *,
        commissioner: Commissioner | None = None,
        provider: Provider | None = None,
        on: date | None = None,
    ) -> list[OpenBookSubmission]:
        """Newest period first; ``on``: only the periods covering that day."""
        self.session.flush()
        query = select(t.open_book_submissions).order_by(OB.period_start.desc(), OB.id)
        if commissioner is not None:
            query = query.where(OB.commissioner_id == commissioner.id)
        if provider is not None:
            query = query.where(OB.provider_id == provider.id)
        if on is not None:
            query = query.where(OB.period_start <= on, OB.period_end >= on)
        rows = self.session.execute(query).all()
        providers = self._load(Provider, {r.provider_id for r in rows})
        commissioners = self._load(Commissioner, {r.commissioner_id for r in rows})
        return [
            OpenBookSubmission(
                provider=providers[row.provider_id],
                commissioner=commissioners[row.commissioner_id],
                period_start=row.period_start,
                period_end=row.period_end,
                lines={name: Decimal(amount) for name, amount in row.lines.items()},
                submitted_at=row.submitted_at,
                submitted_by=row.submitted_by,
                id=row.id,
            )
            for row in rows
        ]

    def _load(self, cls: type, ids: Iterable[int]) -> dict[int, Any]:
        if not ids:
            return {}
        found = self.session.scalars(select(cls).where(cls.id.in_(set(ids))))  # type: ignore[attr-defined]
        return {item.id: item for item in found}
