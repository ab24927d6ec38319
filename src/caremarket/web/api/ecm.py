"""Electronic call monitoring (ECM): providers' systems push visits as JSON (a batch in the
caremarket layout's fields) or upload a file through a profile; each provider sees only its
own files; finance lists the queries the checks raised. A provider-scoped API token sends for
its own provider only: a record for another provider's package is a bad record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, UploadFile
from pydantic import BaseModel, Field

from caremarket.domain.access import ECM_READERS, ECM_SENDERS, VISIT_QUERY_READERS
from caremarket.services import ecm
from caremarket.services.accounts import Principal
from caremarket.services.ecm import EcmSummary
from caremarket.services.ports import EcmFileEntry, QueryListing
from caremarket.web.access import allow
from caremarket.web.deps import UowDep

router = APIRouter(tags=["ecm"])

Sender = Annotated[Principal, allow(*ECM_SENDERS)]
Reader = Annotated[Principal, allow(*ECM_READERS)]
Finance = Annotated[Principal, allow(*VISIT_QUERY_READERS)]
MOST_RECORDS = 50_000  # a batch; larger deliveries come as files or several batches


class VisitIn(BaseModel):
    """One visit, in the caremarket layout's fields (docs/formats.md): `visit_id`,
    `package_reference` (or `person_reference`), `planned_start`, `planned_minutes` and
    `status` are required; times ISO 8601, London time unless they carry an offset. Unknown
    fields are read past."""

    model_config = {"extra": "allow"}

    # Required fields are checked record by record, as a file's rows are: a record without
    # one is listed as bad and the rest of the batch is kept.
    visit_id: str | None = Field(None, max_length=128)
    package_reference: str | None = None
    person_reference: str | None = None
    planned_start: str | None = None
    planned_minutes: int | str | None = None
    status: str | None = None
    actual_start: str | None = None
    actual_end: str | None = None
    carers_planned: int | str | None = None
    carers_present: int | str | None = None
    cancelled_at: str | None = None
    verification: str | None = None
    notes: str | None = None
    carer_ids: list[str] | str | None = None
    service: str | None = None
    contract: str | None = None
    claimed: str | float | None = None


class Batch(BaseModel):
    visits: list[VisitIn] = Field(min_length=1, max_length=MOST_RECORDS)


class BadRecord(BaseModel):
    index: int | None = Field(description="The record's place in the batch (0 is the first).")
    line: int | None = Field(description="The row's line in an uploaded file (1 is the header).")
    field: str
    value: str
    reason: str


class QueryRaised(BaseModel):
    visit_id: str
    code: str
    holds: bool


class Received(BaseModel):
    reference: str
    rows: int
    visits_new: int
    visits_changed: int
    visits_unchanged: int
    bad: list[BadRecord]
    queries: list[QueryRaised]
    warnings: list[str]

    @classmethod
    def of(cls, summary: EcmSummary, *, pushed: bool) -> Received:
        return cls(
            reference=summary.reference,
            rows=summary.rows,
            visits_new=summary.visits_new,
            visits_changed=summary.visits_changed,
            visits_unchanged=summary.visits_unchanged,
            bad=[
                BadRecord(
                    index=p.line if pushed else None,
                    line=None if pushed else p.line,
                    field=p.column,
                    value=p.value,
                    reason=p.reason,
                )
                for p in summary.problems
            ],
            queries=[QueryRaised(visit_id=v, code=c, holds=h) for v, c, h in summary.queries],
            warnings=list(summary.warnings),
        )


class FileOut(BaseModel):
    id: int | None
    provider: str | None
    reference: str
    profile: str
    filename: str
    rows: int
    visits_new: int
    visits_changed: int
    visits_unchanged: int
    problems: list[dict[str, Any]]
    received_at: datetime
    received_by: str

    @classmethod
    def of(cls, entry: EcmFileEntry) -> FileOut:
        return cls(
            id=entry.id,
            provider=entry.provider,
            reference=entry.reference,
            profile=entry.profile,
            filename=entry.filename,
            rows=entry.rows,
            visits_new=entry.visits_new,
            visits_changed=entry.visits_changed,
            visits_unchanged=entry.visits_unchanged,
            problems=[dict(p) for p in entry.problems],
            received_at=entry.received_at,
            received_by=entry.received_by,
        )


class FilesOut(BaseModel):
    files: list[FileOut]
    total: int


class QueryOut(BaseModel):
    id: int | None
    provider: str
    visit_id: str
    version: int
    package_reference: str | None
    planned_start_at: datetime
    code: str
    message: str
    holds: bool
    raised_at: datetime

    @classmethod
    def of(cls, listed: QueryListing) -> QueryOut:
        q = listed.query
        return cls(
            id=q.id,
            provider=listed.provider,
            visit_id=listed.visit_id,
            version=listed.version,
            package_reference=listed.package_reference,
            planned_start_at=listed.planned_start_at,
            code=q.code,
            message=q.message,
            holds=q.holds,
            raised_at=q.raised_at,
        )


@router.post("/ecm/visits")
def push_visits(uow: UowDep, by: Sender, body: Batch) -> Received:
    """A batch of visits from the provider's ECM system. Every bad record is listed (its index,
    field and reason) and none of them kept; the good ones are. The same batch again is
    refused (409); a visit sent again unchanged changes nothing, and a changed one becomes its
    next version."""
    records = [v.model_dump(exclude_none=True) for v in body.visits]
    summary = ecm.push_visits(
        uow, records, provider=_own_provider(by), by=by.actor, now=datetime.now(UTC)
    )
    return Received.of(summary, pushed=True)


@router.post("/ecm/files")
async def upload_file(
    uow: UowDep,
    by: Sender,
    file: Annotated[UploadFile, File(description="The ECM file (CSV).")],
    profile: Annotated[str, Form(description="caremarket or abacus.")] = "caremarket",
) -> Received:
    """An ECM file read through a shipped profile; a file already imported is refused (409)."""
    content = await file.read()
    summary = ecm.import_ecm_file(
        uow,
        content,
        provider=_own_provider(by),
        profile=ecm.profile_named(profile),
        filename=file.filename or "",
        by=by.actor,
        now=datetime.now(UTC),
    )
    return Received.of(summary, pushed=False)


@router.get("/ecm/files")
def list_files(uow: UowDep, by: Reader, limit: int = 100, offset: int = 0) -> FilesOut:
    """The newest first; a provider sees only its own."""
    files, total = ecm.list_ecm_files(
        uow, provider_id=by.actor.provider_id, limit=min(max(limit, 1), 500), offset=offset
    )
    return FilesOut(files=[FileOut.of(f) for f in files], total=total)


@router.get("/ecm/files/{file_id}")
def read_file(uow: UowDep, by: Reader, file_id: int) -> FileOut:
    return FileOut.of(ecm.get_ecm_file(uow, file_id, provider_id=by.actor.provider_id))


@router.get("/ecm/queries")
def list_queries(uow: UowDep, by: Finance, held: bool = False) -> list[QueryOut]:
    """Open queries on current visit records, the oldest first (`held`: only those holding a
    visit out of payment)."""
    return [QueryOut.of(q) for q in ecm.open_queries(uow, held_only=held)]


def _own_provider(by: Principal) -> str:
    if by.provider_name is None:  # a provider's account always names its provider
        raise HTTPException(403, "Only a provider's account or token sends ECM records.")
    return by.provider_name
