"""Receiving what a provider's electronic call monitoring (ECM) system says was delivered:
a file (through a column-mapping profile) or a batch pushed as JSON through the API.

One use case each, one commit. A file already imported for the provider is refused as a
duplicate: known by its own reference where it has one (Abacus's FileReference), otherwise by
the SHA-256 of its content. Every record is received through `domain.ecm.receive`: the same
record again changes nothing, a changed one becomes a new version (audited, with what changed).

Bad rows. The reader reports every bad row (line, field, reason) and keeps the good visits; a
record for a package that does not exist or is not the provider's is a bad row too. None of the
bad rows is written, and the good visits of the same file **are** stored, so nothing valid is
lost and nothing already delivered waits on a typing error elsewhere in the file. The file's
row keeps every problem; the provider corrects the bad rows and sends them again, in a new
file (a file reference once imported is not imported again) or through the API: the visits
already received come back unchanged and change nothing.

Checks. New and changed versions are matched to the visits planned for their packages
(`domain.schedules`, together with the records already held for those packages and days) and
checked (`domain.ecm.check`, overlaps looked for among the provider's other visits of those
days too); each flag is raised as a visit query, holding the visit or not as the flag says.

Two paths, one result. Row by row (the reference): the file read in Python, every record
received through `domain.ecm.receive`. The staging table (PostgreSQL, a layout SQL reads):
the file COPYed into a temporary table, read, checked against packages, versioned and
written by SQL (`db/ecm_staging.py`), its suspect rows read by the reference reader. Both then
match and check the new versions in `domain.ecm` and write the same file entry, queries and
audit (`_kept`). One import a provider at a time: a second at once is refused (409).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from caremarket.domain.access import Actor
from caremarket.domain.audit import differences, entry
from caremarket.domain.ecm import (
    Checked,
    Receipt,
    Received,
    RecordVersion,
    Verification,
    VisitRecord,
    VisitStatus,
    check,
    match,
    receive,
)
from caremarket.domain.errors import Conflict, DomainError, NotFound, RowProblem
from caremarket.domain.market import Provider
from caremarket.domain.packages import CarePackage
from caremarket.domain.schedules import DateRange
from caremarket.domain.visit_queries import query_for
from caremarket.imports.csvfile import Row, Table, normalise_header, read_header, row_cells
from caremarket.imports.ecm import EcmFile, EcmRow, parse_ecm, read_ecm_file
from caremarket.imports.ecm_profiles import (
    CAREMARKET,
    DATETIME_FORMATS,
    PROFILES,
    Profile,
    profile_from_toml,
)
from caremarket.imports.problems import Problems
from caremarket.services.ports import (
    EcmFileEntry,
    KeptVisit,
    PackageFilter,
    QueryListing,
    UnitOfWork,
)
from caremarket.services.schedules import planned_visits

API_PROFILE = "api"
EVERY_PACKAGE = 1_000_000


class DuplicateEcmFile(Conflict):
    pass


class UnreadableEcmFile(DomainError):
    pass


class ImportInProgress(Conflict):
    pass


@dataclass(frozen=True)
class EcmSummary:
    """What a file (or a pushed batch) held and what became of it."""

    reference: str
    rows: int  # data rows read (a pushed batch: its records)
    visits_new: int
    visits_changed: int
    visits_unchanged: int
    problems: tuple[RowProblem, ...]  # every bad row; none of them written
    queries: tuple[tuple[str, str, bool], ...]  # (visit ID, flag code, holds) raised
    warnings: tuple[str, ...] = ()
    file_id: int | None = None
    staged: bool = False  # received by set-based SQL (db/ecm_staging.py), not row by row

    @property
    def visits(self) -> int:
        return self.visits_new + self.visits_changed + self.visits_unchanged

    @property
    def held(self) -> int:
        return sum(1 for _, _, holds in self.queries if holds)

    def queries_by_code(self) -> list[tuple[str, int]]:
        return sorted(Counter(code for _, code, _ in self.queries).items())


def profile_named(name_or_toml: str, toml_text: str | None = None) -> Profile:
    """A shipped profile by name, or a profile read from a TOML file's text."""
    if toml_text is not None:
        return profile_from_toml(toml_text)
    try:
        return PROFILES[name_or_toml]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise DomainError(
            f"there is no ECM profile {name_or_toml!r}: use {known}, or a TOML profile file"
        ) from None


def import_ecm_file(
    uow: UnitOfWork,
    content: bytes,
    *,
    provider: str,
    profile: Profile = CAREMARKET,
    filename: str = "",
    by: Actor,
    now: datetime,
    staged: bool = True,
) -> EcmSummary:
    """Import one ECM file for a provider (its name). Refused whole (ImportRejected) only when
    it cannot be read at all; DuplicateEcmFile when it was imported already, ImportInProgress
    while another import of the provider's is running.

    On PostgreSQL a file whose layout SQL can read (`_stageable`) is staged and received by
    set-based SQL (db/ecm_staging.py); elsewhere, or with `staged=False`, it is read row by row
    (the reference path). Both give the same records, versions, queries, problems and audit."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableEcmFile("the file is not text in UTF-8: save it as CSV (UTF-8)") from None
    if staged and _stageable(profile):
        summary = _receive_staged(uow, content, text, profile, filename, provider, by=by, now=now)
        if summary is not None:
            return summary
    read = read_ecm_file(io.StringIO(text), profile)
    reference = read.file_reference or hashlib.sha256(content).hexdigest()
    rows = _data_rows(text)
    return _receive(uow, read, profile, reference, rows, filename, provider, by=by, now=now)


def push_visits(
    uow: UnitOfWork,
    records: Sequence[Mapping[str, Any]],
    *,
    provider: str,
    by: Actor,
    now: datetime,
) -> EcmSummary:
    """Receive a batch of visits in the caremarket layout's fields, as JSON objects. Each
    problem's `line` is the record's index in the batch (0 for the first)."""
    cells = [{normalise_header(k): _text(v) for k, v in record.items()} for record in records]
    table = Table([Row(index, row) for index, row in enumerate(cells)])
    read = parse_ecm(table, Problems(), CAREMARKET)
    canonical = json.dumps(list(records), sort_keys=True, default=str).encode()
    reference = "api:" + hashlib.sha256(canonical).hexdigest()
    read = EcmFile(API_PROFILE, read.rows, None, None, (), read.problems)
    return _receive(uow, read, CAREMARKET, reference, len(records), "", provider, by=by, now=now)


def list_ecm_files(
    uow: UnitOfWork, *, provider_id: int | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[EcmFileEntry], int]:
    with uow:
        return uow.visits.list_files(provider_id=provider_id, limit=limit, offset=offset)


def get_ecm_file(uow: UnitOfWork, file_id: int, *, provider_id: int | None = None) -> EcmFileEntry:
    """One file; a provider's user sees only its own (others are not found)."""
    with uow:
        found = uow.visits.get_file(file_id)
    if provider_id is not None and found.provider_id != provider_id:
        raise NotFound(f"there is no ECM file {file_id}")
    return found


def file_report(
    uow: UnitOfWork, file_id: int, *, provider_id: int | None = None
) -> tuple[EcmFileEntry, list[QueryListing]]:
    """A file as received, with the queries raised on what it brought; a provider's user
    sees only its own files (others are not found)."""
    with uow:
        found = uow.visits.get_file(file_id)
        if provider_id is not None and found.provider_id != provider_id:
            raise NotFound(f"there is no ECM file {file_id}")
        return found, uow.visits.file_queries(file_id)


def open_queries(
    uow: UnitOfWork, *, provider_id: int | None = None, held_only: bool = False
) -> list[QueryListing]:
    with uow:
        return uow.visits.open_queries(provider_id=provider_id, held_only=held_only)


# Receiving ------------------------------------------------------------------------------------


def _receive(
    uow: UnitOfWork,
    read: EcmFile,
    profile: Profile,
    reference: str,
    rows: int,
    filename: str,
    provider_name: str,
    *,
    by: Actor,
    now: datetime,
) -> EcmSummary:
    with uow:
        provider = _importing(uow, provider_name, reference)
        summary = _received(uow, provider, read, profile, reference, rows, filename, by=by, now=now)
        uow.commit()
    return summary


def _stageable(profile: Profile) -> bool:
    """A layout SQL reads: a visit a row, each field a column of its own (no date and time
    apart, no durations, no additional carers' rows, no file reference or week)."""
    return set(profile.columns) <= set(CAREMARKET.columns) and not profile.visit_id_from


def _receive_staged(
    uow: UnitOfWork,
    content: bytes,
    text: str,
    profile: Profile,
    filename: str,
    provider_name: str,
    *,
    by: Actor,
    now: datetime,
) -> EcmSummary | None:
    """The set-based path; None where the database cannot stage (not PostgreSQL)."""
    names, warnings = read_header(io.StringIO(text), profile.file_columns())
    reference = hashlib.sha256(content).hexdigest()
    with uow:
        staging = uow.visits.staging()  # type: ignore[attr-defined]
        if staging is None:
            return None
        provider = _importing(uow, provider_name, reference)
        if staging.stage(text, len(names)) is None:  # not one row a line: read row by row
            read = read_ecm_file(io.StringIO(text), profile)
            rows = _data_rows(text)
            summary = _received(
                uow, provider, read, profile, reference, rows, filename, by=by, now=now
            )
        else:
            summary = _received_staged(
                uow, staging, names, warnings, profile, reference, filename, provider, by, now
            )
        uow.commit()
    return summary


def _received_staged(
    uow: UnitOfWork,
    staging: Any,
    names: list[str],
    warnings: tuple[str, ...],
    profile: Profile,
    reference: str,
    filename: str,
    provider: Provider,
    by: Actor,
    now: datetime,
) -> EcmSummary:
    """The rows SQL reads received by SQL; the suspect ones read by the reference reader."""
    positions = {f: names.index(c) for f in profile.columns if (c := profile.column(f)) in names}
    staged = staging.read(
        positions,
        provider_id=provider.id,
        statuses=_words(profile.statuses, VisitStatus),
        verifications=_words(profile.verifications, Verification),
        width=len(names),
        spaced=profile.datetime_formats == DATETIME_FORMATS,
    )
    read = parse_ecm(
        Table([Row(line, row_cells(names, cells)) for line, cells in staged.suspect]),
        Problems(),
        profile,
    )
    problems = list(read.problems)
    heading = profile.columns.get("package_reference", "package_reference")
    for line, package_reference, exists in staged.packages:
        reason = (
            f"package {package_reference} is not {provider.name}'s"
            if exists
            else f"there is no package {package_reference}"
        )
        problems.append(RowProblem(line, heading, package_reference, reason))
    good, packages = _matched_to_packages(uow, provider, read.rows, profile, problems)
    staging.add_read([(r.line, packages[r.record.visit_id].id, r.record) for r in good])
    versioned = staging.version(provider.id)
    changed = [record.visit_id for _, record, version in versioned.fresh if version > 1]
    held = uow.visits.held(provider.id, changed)  # type: ignore[attr-defined]
    fresh = [
        Receipt(Received.NEW, RecordVersion(record, 1))
        if version == 1
        else Receipt(
            Received.CHANGED,
            RecordVersion(record, version),
            RecordVersion(held[record.visit_id].record, held[record.visit_id].version),
        )
        for _, record, version in versioned.fresh
    ]
    # the file's packages, as the reference path gives the checks them (those of its
    # unchanged visits too: a person's other package can hold their planned visit)
    file_packages = list(packages.values())
    if fresh:
        file_packages += uow.packages.find_each(versioned.references).values()

    def write(file_id: int) -> list[int]:
        ids = staging.write(provider.id, file_id, now)
        return [ids[r.version.record.visit_id] for r in fresh]

    summary = _kept(
        uow,
        provider,
        read.profile,
        reference,
        staged.rows,
        filename,
        (versioned.new, versioned.changed, versioned.unchanged),
        problems,
        warnings + read.warnings,
        fresh,
        file_packages,
        write,
        by=by,
        now=now,
    )
    return replace(summary, staged=True)


def _words(theirs: Mapping[str, Any], ours: Iterable[Any]) -> dict[str, str]:
    """A profile's words for a status or a method, with caremarket's own (theirs first)."""
    return {m.value: m.value for m in ours} | {k: v.value for k, v in theirs.items()}


def _importing(uow: UnitOfWork, provider_name: str, reference: str) -> Provider:
    """The provider, its imports locked for this transaction; refused while another import of
    its runs (two at once would each version the same visits) or if the file came before."""
    provider: Provider = uow.providers.get(provider_name)
    if not uow.visits.lock_imports(provider.id):  # type: ignore[attr-defined]
        raise ImportInProgress(
            f"{provider.name} has another ECM import running: send this file again when it"
            " has finished"
        )
    if uow.visits.find_file(provider.id, reference) is not None:  # type: ignore[attr-defined]
        raise DuplicateEcmFile(
            f"{provider.name} has already sent {_shown(reference)}: it was imported before"
        )
    return provider


def _received(
    uow: UnitOfWork,
    provider: Provider,
    read: EcmFile,
    profile: Profile,
    reference: str,
    rows: int,
    filename: str,
    *,
    by: Actor,
    now: datetime,
) -> EcmSummary:
    """The reference path: every record received in Python (domain.ecm.receive)."""
    problems = list(read.problems)
    good, packages = _matched_to_packages(uow, provider, read.rows, profile, problems)
    held = uow.visits.held(provider.id, [r.record.visit_id for r in good])  # type: ignore[attr-defined]
    receipts = receive(
        [r.record for r in good],
        {k: RecordVersion(v.record, v.version) for k, v in held.items()},
    )
    counts = Counter(r.received for r in receipts)
    fresh = [r for r in receipts if r.received is not Received.UNCHANGED]
    package_ids = {v: p.id for v, p in packages.items()}

    def write(file_id: int) -> list[int]:
        return uow.visits.add(  # type: ignore[no-any-return]
            [
                KeptVisit(
                    provider_id=provider.id,  # type: ignore[arg-type]
                    record=r.version.record,
                    version=r.version.version,
                    received_at=now,
                    package_id=package_ids.get(r.version.record.visit_id),
                    file_id=file_id,
                )
                for r in fresh
            ]
        )

    return _kept(
        uow,
        provider,
        read.profile,
        reference,
        rows,
        filename,
        (counts[Received.NEW], counts[Received.CHANGED], counts[Received.UNCHANGED]),
        problems,
        read.warnings,
        fresh,
        packages.values(),
        write,
        by=by,
        now=now,
    )


def _kept(
    uow: UnitOfWork,
    provider: Provider,
    profile_name: str,
    reference: str,
    rows: int,
    filename: str,
    counts: tuple[int, int, int],
    problems: list[RowProblem],
    warnings: tuple[str, ...],
    fresh: Sequence[Receipt],
    packages: Iterable[CarePackage],
    write: Callable[[int], list[int]],
    *,
    by: Actor,
    now: datetime,
) -> EcmSummary:
    """What both paths do with what they received: the file's entry, the checks on the new
    versions (against what was held before), the versions kept, their queries, the audit."""
    new, changed, unchanged = counts
    problems.sort(key=lambda p: p.line)
    file_id = uow.visits.add_file(
        EcmFileEntry(
            provider_id=provider.id,  # type: ignore[arg-type]
            reference=reference,
            profile=profile_name,
            filename=filename,
            rows=rows,
            visits_new=new,
            visits_changed=changed,
            visits_unchanged=unchanged,
            problems=tuple(
                {"line": p.line, "field": p.column, "value": p.value, "reason": p.reason}
                for p in problems
            ),
            received_at=now,
            received_by=by.name,
        )
    )
    checked = _checked(uow, provider, fresh, packages)  # against what was held before
    ids = write(file_id)
    queries = [
        query_for(record_id, flag, at=now)
        for record_id, c in zip(ids, checked, strict=True)
        for flag in c.flags
    ]
    uow.visits.add_queries(queries)
    raised = tuple(
        (c.match.record.visit_id, flag.code.value, flag.holds) for c in checked for flag in c.flags
    )
    summary = EcmSummary(
        reference, rows, new, changed, unchanged, tuple(problems), raised, warnings, file_id
    )
    uow.audit.record(
        entry(
            by,
            now,
            "ECM visits received",
            ("ECM file", f"{provider.name}: {_shown(reference)}"),
            {
                "file": filename or "pushed through the API",
                "rows": rows,
                "new": summary.visits_new,
                "changed": summary.visits_changed,
                "unchanged": summary.visits_unchanged,
                "bad rows": len({p.line for p in problems}),
                "queries": len(raised),
            },
        ),
        *_changed_entries(fresh, provider, by, now),
    )
    return summary


def _matched_to_packages(
    uow: UnitOfWork,
    provider: Provider,
    rows: Sequence[EcmRow],
    profile: Profile,
    problems: list[RowProblem],
) -> tuple[list[EcmRow], dict[str, CarePackage]]:
    """The rows whose package is the provider's, and each one's package by visit ID; the
    others are bad rows."""
    package_heading = profile.columns.get("package_reference", "package_reference")
    person_heading = profile.columns.get("person_reference", "person_reference")
    by_reference = uow.packages.find_each(
        {r.record.package_reference for r in rows if r.record.package_reference}
    )
    by_person = _packages_by_person(uow, provider, rows)
    good, packages = [], {}
    for row in rows:
        record = row.record
        if record.package_reference:
            package = by_reference.get(record.package_reference)
            if package is None:
                problems.append(
                    _problem(
                        row,
                        package_heading,
                        record.package_reference,
                        f"there is no package {record.package_reference}",
                    )
                )
                continue
            if not _delivers(provider, package):
                problems.append(
                    _problem(
                        row,
                        package_heading,
                        record.package_reference,
                        f"package {package.reference} is not {provider.name}'s",
                    )
                )
                continue
        else:
            person = record.person_reference or ""
            package = _package_on(by_person.get(person, []), record)
            if package is None:
                problems.append(
                    _problem(
                        row,
                        person_heading,
                        person,
                        f"{provider.name} has no package for person {person}"
                        f" on {record.day:%d/%m/%Y}",
                    )
                )
                continue
        good.append(row)
        packages[record.visit_id] = package
    return good, packages


def _packages_by_person(
    uow: UnitOfWork, provider: Provider, rows: Sequence[EcmRow]
) -> dict[str, list[CarePackage]]:
    if all(r.record.package_reference for r in rows):
        return {}
    listed, _ = uow.packages.search(
        PackageFilter(provider_id=provider.id), limit=EVERY_PACKAGE, offset=0
    )  # type: ignore[attr-defined]
    people = {r.record.person_reference for r in rows if not r.record.package_reference}
    wanted = [p.reference for p in listed if p.person in people]
    by_person: dict[str, list[CarePackage]] = {}
    for package in uow.packages.find_each(wanted).values():
        by_person.setdefault(package.person.reference, []).append(package)
    return by_person


def _package_on(packages: Iterable[CarePackage], record: VisitRecord) -> CarePackage | None:
    """The person's package running on the visit's day (the one started last, if several)."""
    running = [
        p
        for p in packages
        if p.start_on <= record.day and (p.end_on is None or record.day <= p.end_on)
    ]
    return max(running, key=lambda p: (p.start_on, p.reference), default=None)


def _delivers(provider: Provider, package: CarePackage) -> bool:
    return any(
        who is not None and who.id == provider.id
        for who in (package.provider, package.subcontractor)
    )


def _checked(
    uow: UnitOfWork,
    provider: Provider,
    fresh: Sequence[Receipt],
    packages: Iterable[CarePackage],
) -> list[Checked]:
    """The new versions matched and checked: among the records held for the same packages
    and days (they take their planned visits first, having come first), and for overlaps
    among all the provider's visits of those days."""
    if not fresh:
        return []
    records = [r.version.record for r in fresh]
    days = [r.day for r in records]
    period = DateRange(min(days), max(days))
    mine = {p.id: p for p in packages}.values()
    package_refs = {p.reference for p in mine}
    person_refs = {p.person.reference for p in mine}
    fresh_ids = {r.visit_id for r in records}
    around = DateRange(period.first - timedelta(days=1), period.last + timedelta(days=1))
    others = [
        v.record
        for v in uow.visits.current(around, provider_id=provider.id)  # type: ignore[attr-defined]
        if v.record.visit_id not in fresh_ids
    ]
    planned = planned_visits(uow, mine, period)
    # records already held take their planned visits first; what is left is matched anew
    held_here = [
        r
        for r in others
        if period.first <= r.day <= period.last
        and (r.package_reference in package_refs or r.person_reference in person_refs)
    ]
    taken = {id(m.planned) for m in match(held_here, planned) if m.planned is not None}
    free = [v for v in planned if id(v) not in taken]
    return check(match(records, free), earlier=others)


def _changed_entries(
    fresh: Sequence[Receipt], provider: Provider, by: Actor, now: datetime
) -> list[Any]:
    entries = []
    for receipt in fresh:
        if receipt.received is Received.CHANGED and receipt.previous is not None:
            before = _snapshot(receipt.previous.record)
            after = _snapshot(receipt.version.record)
            entries.append(
                entry(
                    by,
                    now,
                    "visit record changed",
                    ("visit", f"{provider.name}: {receipt.version.record.visit_id}"),
                    {"version": [receipt.previous.version, receipt.version.version]}
                    | differences(before, after),
                )
            )
    return entries


def _snapshot(record: VisitRecord) -> dict[str, Any]:
    values = asdict(record)
    return {k: _shown_value(v) for k, v in values.items()}


def _shown_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, tuple):
        return list(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _problem(row: EcmRow, column: str, value: str, reason: str) -> RowProblem:
    return RowProblem(row.line, column, value, reason)


def _shown(reference: str) -> str:
    if reference.startswith("api:"):
        return f"batch {reference[4:16]}"
    if len(reference) == 64 and all(c in "0123456789abcdef" for c in reference):
        return f"file {reference[:12]} (by its content)"
    return f"file {reference}"


def _data_rows(text: str) -> int:
    return max(sum(1 for row in csv.reader(io.StringIO(text)) if any(row)) - 1, 0)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
