"""Dependencies shared by the API and the pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from caremarket.config import Settings
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.calendar import WorkingWeek
from caremarket.holidays import working_week


def get_uow(request: Request) -> SqlUnitOfWork:
    return SqlUnitOfWork(request.app.state.session_factory)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_week() -> WorkingWeek:
    """Business hours for sourcing windows: England and Wales, bank holidays excluded."""
    return working_week()


WeekDep = Annotated[WorkingWeek, Depends(get_week)]
UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
