"""Applied zone designs, with the wards and sectors of each zone and the day they apply from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from caremarket.db import tables as t
from caremarket.domain.market import Commissioner
from caremarket.domain.zone_designs import ZoneDesign

D = t.zone_designs.c


class SqlZoneDesigns:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, design: ZoneDesign) -> None:
        self.session.flush()
        design.id = self.session.execute(
            insert(t.zone_designs)
            .values(
                commissioner_id=design.commissioner.id,
                name=design.name,
                area=design.area,
                method=design.method,
                wards={z: list(w) for z, w in design.wards.items()},
                sectors={z: list(s) for z, s in design.sectors.items()},
                effective_from=design.effective_from,
                applied_at=design.applied_at,
                applied_by=design.applied_by,
                redrawn_at=design.redrawn_at,
            )
            .returning(D.id)
        ).scalar_one()

    def redrawn(self, design: ZoneDesign, at: datetime) -> bool:
        """Mark that the zones take the design at ``at``; False if it was taken already (by
        another process: the update waits on its row lock, then finds it taken)."""
        self.session.flush()
        taken = self.session.execute(
            update(t.zone_designs)
            .where(D.id == design.id, D.redrawn_at.is_(None))
            .values(redrawn_at=at)
        ).rowcount
        if taken:
            design.redrawn_at = at
        return bool(taken)

    def due(self, day: date) -> list[tuple[str, str]]:
        """(commissioner code, design name) of the designs waiting whose day has come, by day."""
        self.session.flush()
        c = t.commissioners.c
        rows = self.session.execute(
            select(c.code, D.name)
            .join(t.commissioners, c.id == D.commissioner_id)
            .where(D.redrawn_at.is_(None), D.effective_from <= day)
            .order_by(D.effective_from, D.applied_at, D.id)
        ).all()
        return [(row.code, row.name) for row in rows]

    def list(self, commissioner: Commissioner) -> list[ZoneDesign]:
        """Oldest first."""
        self.session.flush()
        rows = self.session.execute(
            select(t.zone_designs)
            .where(D.commissioner_id == commissioner.id)
            .order_by(D.effective_from, D.applied_at, D.id)
        ).all()
        return [
            ZoneDesign(
                commissioner=commissioner,
                name=row.name,
                area=row.area,
                method=row.method,
                wards={z: tuple(w) for z, w in row.wards.items()},
                sectors={z: tuple(s) for z, s in row.sectors.items()},
                effective_from=row.effective_from,
                applied_at=row.applied_at,
                applied_by=row.applied_by,
                redrawn_at=row.redrawn_at,
                id=row.id,
            )
            for row in rows
        ]
