"""Keeping procurement: a vehicle's admission rules (a frozen value, kept as a row and read
back) and providers' applications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.db.repositories import SqlRepository
from caremarket.domain.market import Vehicle
from caremarket.domain.procurement import (
    Admission,
    AdmissionRules,
    AdmissionWindow,
    Application,
    ApplicationStatus,
)

A = t.vehicle_admissions.c


class SqlAdmissions:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, vehicle: Vehicle) -> AdmissionRules | None:
        self.session.flush()
        row = self.session.execute(
            select(t.vehicle_admissions).where(A.vehicle_id == vehicle.id)
        ).one_or_none()
        if row is None:
            return None
        windows = tuple(
            AdmissionWindow(date.fromisoformat(opens), date.fromisoformat(closes))
            for opens, closes in row.windows
        )
        return AdmissionRules(
            Admission(row.mode, windows),
            inadequate_allowed=row.inadequate_allowed,
            required_documents=row.required_documents,
            insured_until=row.insured_until,
        )

    def set(self, vehicle: Vehicle, rules: AdmissionRules, *, at: datetime, by: str) -> None:
        self.session.flush()  # the vehicle's id
        self.session.execute(delete(t.vehicle_admissions).where(A.vehicle_id == vehicle.id))
        self.session.execute(
            insert(t.vehicle_admissions).values(
                vehicle_id=vehicle.id,
                mode=rules.admission.mode,
                windows=[
                    [w.opens_on.isoformat(), w.closes_on.isoformat()]
                    for w in rules.admission.windows
                ],
                inadequate_allowed=rules.inadequate_allowed,
                required_documents=rules.required_documents,
                insured_until=rules.insured_until,
                set_at=at,
                set_by=by,
            )
        )


class SqlApplications(SqlRepository[Application]):
    def __init__(self, session: Session) -> None:
        super().__init__(session, Application, "id", label="application")

    def search(
        self, *, status: ApplicationStatus | None = None, provider_name: str | None = None
    ) -> Sequence[Application]:
        """Newest first."""
        c = t.applications.c
        query = select(Application).order_by(c.applied_at.desc(), c.id.desc())
        if status is not None:
            query = query.where(c.status == status)
        if provider_name is not None:
            query = query.where(c.provider_name == provider_name)
        return self.session.scalars(query).all()
