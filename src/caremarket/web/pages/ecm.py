"""Electronic call monitoring (ECM) files: a provider uploads its file through a profile and
reads the validation report (counts, every bad row, the queries raised); a provider sees its
own files, finance and commissioners every provider's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from caremarket.domain.access import ECM_READERS, ECM_SENDERS
from caremarket.domain.errors import DomainError, ImportRejected
from caremarket.imports.ecm_profiles import PROFILES
from caremarket.services import ecm
from caremarket.web.access import PrincipalDep, allow
from caremarket.web.csrf import csrf_protected
from caremarket.web.deps import UowDep
from caremarket.web.pages.flash import redirect_with
from caremarket.web.pages.paging import Paging, pagination, paging, showing
from caremarket.web.pages.templates import render

router = APIRouter(prefix="/ecm", include_in_schema=False)
READ = [allow(*ECM_READERS)]
SEND = [allow(*ECM_SENDERS)]
MOST_BYTES = 50 * 1024 * 1024  # a year of a large provider's visits is well under this
PROFILE_NAMES = {
    "caremarket": "caremarket layout",
    "abacus": "Access Abacus Provider Portal: CSV service delivery file",
}


@router.get("", response_class=HTMLResponse, dependencies=READ)
def files(
    request: Request, uow: UowDep, by: PrincipalDep, page: Annotated[Paging, Depends(paging)]
) -> HTMLResponse:
    found, total = ecm.list_ecm_files(
        uow, provider_id=by.actor.provider_id, limit=page.per_page, offset=page.offset
    )
    context = {
        "title": "ECM files",
        "files": found,
        "own": by.actor.provider_id is not None,
        "summary": showing(page, total, len(found)),
        "pages": pagination(request.url.path, {}, page, total),
    }
    return render(request, "ecm/files.html", context)


@router.get("/upload", response_class=HTMLResponse, dependencies=SEND)
def upload_form(request: Request) -> HTMLResponse:
    return _form(request, {"profile": "caremarket"}, {})


@router.post("/upload", response_class=HTMLResponse, dependencies=[*SEND, csrf_protected()])
async def upload(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    file: Annotated[UploadFile | None, File()] = None,
    profile: Annotated[str, Form()] = "",
) -> Response:
    values = {"profile": profile}
    errors: dict[str, str] = {}
    content = await file.read(MOST_BYTES + 1) if file is not None else b""
    if profile not in PROFILES:
        errors["profile"] = "Select the layout of the file"
    if file is None or not file.filename or not content:
        errors["file"] = "Select the ECM file to upload"
    elif len(content) > MOST_BYTES:
        errors["file"] = "The file must be smaller than 50 MB: send it in parts"
    if errors:
        return _form(request, values, errors, status=400)
    assert file is not None and by.provider_name is not None
    try:
        summary = ecm.import_ecm_file(
            uow,
            content,
            provider=by.provider_name,
            profile=PROFILES[profile],
            filename=file.filename or "",
            by=by.actor,
            now=datetime.now(UTC),
        )
    except ImportRejected as rejected:
        errors["file"] = f"The file cannot be read: {rejected.problems[0].reason}"
        return _form(request, values, errors, status=400)
    except ecm.UnreadableEcmFile as error:
        errors["file"] = f"The file cannot be read: {error}"
        return _form(request, values, errors, status=400)
    except DomainError as error:  # a file already imported
        errors["file"] = f"The file was not imported: {error}"
        return _form(request, values, errors, status=409)
    bad = len(summary.problems)
    heading = f"{file.filename} imported" + (
        f": {bad} bad row{'s' if bad != 1 else ''}" if bad else ""
    )
    return redirect_with(request, f"/ecm/files/{summary.file_id}", heading)


@router.get("/files/{file_id}", response_class=HTMLResponse, dependencies=READ)
def report(request: Request, uow: UowDep, by: PrincipalDep, file_id: int) -> HTMLResponse:
    entry, queries = ecm.file_report(uow, file_id, provider_id=by.actor.provider_id)
    context = {
        "title": f"ECM file {entry.filename or entry.reference}",
        "file": entry,
        "queries": queries,
        "held": sum(1 for q in queries if q.query.holds),
        "profile_name": PROFILE_NAMES.get(entry.profile, entry.profile),
    }
    return render(request, "ecm/report.html", context)


def _form(
    request: Request, values: dict[str, Any], errors: dict[str, str], *, status: int = 200
) -> HTMLResponse:
    context = {
        "title": "Upload an ECM file",
        "values": values,
        "errors": errors,
        "profiles": PROFILE_NAMES,
    }
    return render(request, "ecm/upload.html", context, status_code=status)
