"""Electronic call monitoring (ECM) files: one row per visit (or one per carer), read through
a column-mapping profile (`caremarket.imports.ecm_profiles`), so another system's export is
read as it comes.

Times are London time unless written with an offset. An actual end written as a clock time
that comes twice (the hour the clocks go back) is the later one when the earlier would end
before the start. An actual start given as a time only is taken on the visit's date, or the
day before or after where that is nearer the planned start (a visit planned at 23:50 that
began at 00:05).

Every bad row is reported with its line, field and reason, and none of them is accepted:
a visit any of whose rows is wrong is left out whole (its other rows reported too). The good
visits are kept, so nothing valid is lost; whether to store them while some rows are wrong is
the caller's choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import Verification, VisitRecord, VisitStatus
from caremarket.domain.errors import RowProblem
from caremarket.imports.csvfile import Row, Source, Table, read_table
from caremarket.imports.ecm_profiles import CAREMARKET, Profile
from caremarket.imports.fields import parse_amount, parse_count, parse_list
from caremarket.imports.problems import Problems
from caremarket.imports.times import describe_formats, parse_duration, parse_with_formats

T = TypeVar("T")
MAX_CARERS = 4
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0", "")


def caremarket_row(record: VisitRecord) -> dict[str, str]:
    """A visit written in the caremarket layout (for generated files and the examples):
    reading the row back gives the same record."""

    def moment(value: datetime | None) -> str:
        return value.astimezone(LONDON).isoformat(timespec="seconds") if value else ""

    return {
        "visit_id": record.visit_id,
        "package_reference": record.package_reference or "",
        "person_reference": record.person_reference or "",
        "planned_start": moment(record.planned_start_at),
        "planned_minutes": str(record.planned_minutes),
        "status": record.status.value,
        "actual_start": moment(record.actual_start_at),
        "actual_end": moment(record.actual_end_at),
        "carers_planned": str(record.carers_planned or ""),
        "carers_present": str(record.carers_present),
        "cancelled_at": moment(record.cancelled_at),
        "verification": record.verification.value,
        "notes": record.notes,
        "carer_ids": "; ".join(record.carer_ids),
        "service": record.service or "",
        "contract": record.contract or "",
        "claimed": f"{record.claimed:.2f}" if record.claimed is not None else "",
    }


@dataclass(frozen=True)
class EcmRow:
    line: int
    record: VisitRecord


@dataclass(frozen=True)
class EcmFile:
    """The good visits of a file, and what is wrong with the rest: bad rows are left out,
    each reported, and the good ones kept (nothing valid is lost)."""

    profile: str
    rows: list[EcmRow]
    file_reference: str | None = None
    week_ending: date | None = None
    warnings: tuple[str, ...] = ()
    problems: tuple[RowProblem, ...] = ()

    @property
    def records(self) -> list[VisitRecord]:
        return [row.record for row in self.rows]


def read_ecm_file(source: Source, profile: Profile = CAREMARKET) -> EcmFile:
    """Every good visit of an ECM file, and every bad row with its line, field and reason.

    A file that cannot be read at all (empty, or without a column the profile needs) is
    refused at once (ImportRejected)."""
    table = read_table(source, profile.file_columns())
    return parse_ecm(table, Problems(), profile)


def parse_ecm(table: Table, problems: Problems, profile: Profile = CAREMARKET) -> EcmFile:
    """The visits of a table read through a profile; bad rows left out and noted."""
    reader = _RowReader(profile, problems)
    parsed = [(row, fields_) for row in table.rows if (fields_ := reader.read(row)) is not None]
    file_reference = _one_value(parsed, profile, problems, "file_reference")
    week_ending = _one_value(parsed, profile, problems, "week_ending")
    warnings = list(table.warnings)
    visits = _visits(table.rows, parsed, profile, problems, warnings)
    return EcmFile(
        profile.name,
        visits,
        file_reference,
        week_ending,
        tuple(warnings),
        tuple(sorted(problems.found, key=lambda p: p.line)),
    )


# Reading a row --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Values:
    record: VisitRecord
    secondary: bool
    file_reference: str | None
    week_ending: date | None


class _RowReader:
    def __init__(self, profile: Profile, problems: Problems) -> None:
        self.profile = profile
        self.problems = problems

    def read(self, row: Row) -> _Values | None:
        before = len(self.problems)
        cell = self._cell
        profile = self.profile
        planned_start = self._planned_start(row)
        planned_minutes = (
            cell(row, "planned_minutes", _minutes)
            if "planned_minutes" in profile.columns
            else cell(row, "planned_duration", _whole_minutes)
        )
        status = (
            cell(row, "status", self._status)
            if "status" in profile.columns
            else VisitStatus.COMPLETED
        )
        package = cell(row, "package_reference", str, required=False)
        person = cell(row, "person_reference", str, required=False)
        if not package and not person:
            column = profile.columns.get("package_reference") or profile.columns["person_reference"]
            self.problems.add(row.line, column, "", "a visit names its package or its person")
        carers_planned = cell(row, "carers_planned", _carers, required=False)
        carers_present = cell(row, "carers_present", _carers_present, required=False)
        carer_ids = cell(row, "carer_ids", parse_list, required=False) or ()
        secondary = bool(cell(row, "secondary", _yes_no, required=False))
        cancelled_at = cell(row, "cancelled_at", self._moment, required=False)
        actual_start = actual_end = None
        if status is VisitStatus.COMPLETED and planned_start is not None:
            actual_start = self._actual_start(row, planned_start)
            if actual_start is not None:
                actual_end = self._actual_end(row, actual_start)
        values: dict[str, Any] = {
            "verification": cell(row, "verification", self._verification, required=False)
            or Verification.ECM,
            "notes": cell(row, "notes", str, required=False) or "",
            "service": cell(row, "service", str, required=False),
            "contract": cell(row, "contract", str, required=False),
            "claimed": cell(row, "claimed", parse_amount, required=False),
        }
        file_reference = cell(row, "file_reference", str, required=False)
        week_ending = cell(row, "week_ending", self._date, required=False)
        if carer_ids and carers_present is not None and len(carer_ids) != carers_present:
            self.problems.add(
                row.line,
                self._heading("carer_ids"),
                row.get(profile.column("carer_ids") or ""),
                f"{len(carer_ids)} carer IDs for {carers_present} carers present",
            )
        if status is VisitStatus.COMPLETED and carers_present == 0:
            self.problems.add(
                row.line,
                self._heading("carers_present"),
                "0",
                "a completed visit had at least one carer present",
            )
        if week_ending and planned_start and not _in_week(planned_start, week_ending):
            self.problems.add(
                row.line,
                self._heading(
                    "planned_date" if "planned_date" in profile.columns else "planned_start"
                ),
                row.get(profile.column("planned_date") or profile.column("planned_start") or ""),
                f"the visit is not in the week ending {week_ending:%d/%m/%Y}",
            )
        visit_id = self._visit_id(row, planned_start, values["contract"], person)
        if len(self.problems) > before or not (planned_start and planned_minutes and status):
            return None
        if carers_present is None:
            completed = status is VisitStatus.COMPLETED
            carers_present = len(carer_ids) if carer_ids else int(completed)
        record = VisitRecord(
            visit_id=visit_id,
            planned_start_at=planned_start,
            planned_minutes=planned_minutes,
            status=status,
            package_reference=package or None,
            person_reference=person or None,
            actual_start_at=actual_start,
            actual_end_at=actual_end,
            carers_planned=carers_planned,
            carers_present=carers_present,
            cancelled_at=cancelled_at,
            carer_ids=tuple(carer_ids),
            **values,
        )
        return _Values(record, secondary, file_reference, week_ending)

    # the parts of a row

    def _planned_start(self, row: Row) -> datetime | None:
        if "planned_start" in self.profile.columns:
            return self._cell(row, "planned_start", self._moment)
        day = self._cell(row, "planned_date", self._date)
        clock = self._cell(row, "planned_time", self._time)
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock, tzinfo=LONDON)

    def _actual_start(self, row: Row, planned_start: datetime) -> datetime | None:
        if "actual_start" in self.profile.columns:
            return self._completed_cell(row, "actual_start", self._moment)
        clock = self._completed_cell(row, "actual_time", self._time)
        if clock is None:
            return None
        local = planned_start.astimezone(LONDON)
        candidates = [
            datetime.combine(local.date() + timedelta(days=d), clock, tzinfo=LONDON)
            for d in (0, -1, 1)
        ]
        return min(candidates, key=lambda c: abs(c - planned_start))

    def _actual_end(self, row: Row, actual_start: datetime) -> datetime | None:
        if "actual_end" in self.profile.columns:
            end = self._completed_cell(row, "actual_end", self._moment)
            start_utc = actual_start.astimezone(UTC)
            if end is not None and end.tzinfo is LONDON and end.astimezone(UTC) < start_utc:
                later = end.replace(fold=1)  # the second time the clock shows it
                if later.astimezone(UTC) >= start_utc:
                    return later
            return end
        duration = self._completed_cell(row, "actual_duration", parse_duration)
        if duration is None:
            return None
        return _add_real_time(actual_start, duration)

    def _visit_id(
        self, row: Row, planned_start: datetime | None, contract: str | None, person: str | None
    ) -> str:
        if "visit_id" in self.profile.columns:
            return self._cell(row, "visit_id", str) or ""
        if planned_start is None:
            return ""
        local = planned_start.astimezone(LONDON)
        parts = {
            "contract": contract or "",
            "person_reference": person or "",
            "package_reference": row.get(self.profile.column("package_reference") or ""),
            "planned_date": f"{local:%Y-%m-%d}",
            "planned_time": f"{local:%H:%M}",
        }
        return "/".join(
            parts.get(name, row.get(self.profile.column(name) or ""))
            for name in (self.profile.visit_id_from)
        )

    # cells

    def _heading(self, name: str) -> str:
        return self.profile.columns.get(name, name)

    def _cell(
        self, row: Row, name: str, parse: Callable[[str], T], *, required: bool = True
    ) -> T | None:
        column = self.profile.column(name)
        if column is None:
            return None
        text = row.get(column)
        if not text:
            if required:
                self.problems.add(
                    row.line, self._heading(name), "", f"{self._heading(name)} is required"
                )
            return None
        try:
            return parse(text)
        except ValueError as error:
            self.problems.add(row.line, self._heading(name), text, str(error))
            return None

    def _completed_cell(self, row: Row, name: str, parse: Callable[[str], T]) -> T | None:
        column = self.profile.column(name)
        if column is not None and not row.get(column):
            self.problems.add(
                row.line,
                self._heading(name),
                "",
                f"a completed visit needs its {self._heading(name)}",
            )
            return None
        return self._cell(row, name, parse)

    def _status(self, text: str) -> VisitStatus:
        word = " ".join(text.split()).lower()
        if word in self.profile.statuses:
            return self.profile.statuses[word]
        for status in VisitStatus:
            if status.value == word:
                return status
        allowed = ", ".join([*self.profile.statuses, *(s.value for s in VisitStatus)])
        raise ValueError(f"{text!r} is not a status: write {allowed}")

    def _verification(self, text: str) -> Verification:
        word = " ".join(text.split()).lower()
        if word in self.profile.verifications:
            return self.profile.verifications[word]
        for method in Verification:
            if method.value == word:
                return method
        allowed = ", ".join([*self.profile.verifications, *(v.value for v in Verification)])
        raise ValueError(f"{text!r} is not a way of verifying a visit: write {allowed}")

    def _date(self, text: str) -> date:
        parsed = parse_with_formats(text, self.profile.date_formats)
        if parsed is None:
            raise ValueError(
                f"{text!r} is not a date: write {describe_formats(self.profile.date_formats)}"
            )
        return parsed.date()

    def _time(self, text: str) -> time:
        parsed = parse_with_formats(text, self.profile.time_formats)
        if parsed is None:
            raise ValueError(
                f"{text!r} is not a time: write {describe_formats(self.profile.time_formats)}"
            )
        return parsed.time()

    def _moment(self, text: str) -> datetime:
        if len(text) > 10 and text[10] == "T":  # ISO 8601, as caremarket writes and APIs send
            try:
                return _zoned(datetime.fromisoformat(text))
            except ValueError:
                pass
        parsed = parse_with_formats(text, self.profile.datetime_formats)
        if parsed is not None:
            return parsed.replace(tzinfo=LONDON)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            written = describe_formats(self.profile.datetime_formats)
            raise ValueError(f"{text!r} is not a date and time: write {written}") from None
        return _zoned(moment)


def _zoned(moment: datetime) -> datetime:
    return moment.astimezone(LONDON) if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _add_real_time(start: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of elapsed time after `start`, in London time."""
    return (start.astimezone(UTC) + duration).astimezone(LONDON)


def _in_week(moment: datetime, week_ending: date) -> bool:
    day = moment.astimezone(LONDON).date()
    return week_ending - timedelta(days=6) <= day <= week_ending


def _minutes(text: str) -> int:
    minutes = parse_count(text)
    if not 1 <= minutes <= 24 * 60:
        raise ValueError(f"a visit is planned for 1 to 1440 minutes, not {minutes}")
    return minutes


def _whole_minutes(text: str) -> int:
    duration = parse_duration(text)
    if duration % timedelta(minutes=1):
        raise ValueError(f"{text!r}: a planned duration is in whole minutes")
    return _minutes(str(duration // timedelta(minutes=1)))


def _carers(text: str) -> int:
    count = parse_count(text)
    if not 1 <= count <= MAX_CARERS:
        raise ValueError(f"a visit needs 1 to {MAX_CARERS} carers, not {count}")
    return count


def _carers_present(text: str) -> int:
    count = parse_count(text)
    if count > MAX_CARERS * 2:
        raise ValueError(f"{count} carers at one visit is not plausible")
    return count


def _yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(f"{text!r} is not True or False")


# Across rows ----------------------------------------------------------------------------------


def _one_value(
    parsed: list[tuple[Row, _Values]], profile: Profile, problems: Problems, name: str
) -> Any:
    """A file-level value (its reference, its week) that every row must give alike."""
    first: tuple[int, Any] | None = None
    for row, values in parsed:
        value = getattr(values, name)
        if value is None:
            continue
        if first is None:
            first = (row.line, value)
        elif value != first[1]:
            problems.add(
                row.line,
                profile.columns[name],
                str(value),
                f"a file has one {profile.columns[name]}: line {first[0]} gives {first[1]}",
            )
    return first[1] if first else None


def _visits(
    rows: list[Row],
    parsed: list[tuple[Row, _Values]],
    profile: Profile,
    problems: Problems,
    warnings: list[str],
) -> list[EcmRow]:
    """The file's visits: the rows of each visit (one, or one a carer) made one record; a
    visit any row of which is wrong left out, and each of its rows reported."""
    key_of = {row.line: _raw_key(row, profile) for row in rows}
    groups: dict[tuple[str, ...], list[tuple[Row, _Values]]] = {}
    for row, values in parsed:
        groups.setdefault(key_of[row.line], []).append((row, values))
    visits: list[tuple[tuple[str, ...], EcmRow]] = []
    for key, members in groups.items():
        firsts = _distinct([m for m in members if not m[1].secondary], warnings)
        extras = [m for m in members if m[1].secondary]
        visit_id = members[0][1].record.visit_id
        if len(firsts) > 1:
            lines = ", ".join(str(row.line) for row, _ in firsts)
            for row, _ in firsts:
                problems.add(
                    row.line,
                    _visit_heading(profile),
                    visit_id,
                    f"visit {visit_id} is on lines {lines}, differently",
                )
        elif not firsts:
            for row, _ in extras:
                problems.add(
                    row.line,
                    profile.columns["secondary"],
                    row.get(profile.column("secondary") or ""),
                    f"an additional carer's row for visit {visit_id},"
                    " which has no first carer's row",
                )
        else:
            row, values = firsts[0]
            record = values.record
            if "secondary" in profile.columns:
                record = replace(record, carers_present=1 + len(extras))
            visits.append((key, EcmRow(row.line, record)))
    wrong_lines = {p.line for p in problems.found}
    wrong_keys = {key_of[line]: line for line in sorted(wrong_lines) if line in key_of}
    kept = []
    for key, visit in visits:
        if key not in wrong_keys:
            kept.append(visit)
            continue
        for row, _ in groups[key]:
            if row.line not in wrong_lines:
                problems.add(
                    row.line,
                    "",
                    "",
                    f"visit {visit.record.visit_id} is left out: line {wrong_keys[key]},"
                    " another row of it, is wrong",
                )
    return kept


def _raw_key(row: Row, profile: Profile) -> tuple[str, ...]:
    """What makes rows one visit, as written: its ID, or the cells a profile makes one of."""
    names = ("visit_id",) if "visit_id" in profile.columns else profile.visit_id_from
    return tuple(row.get(profile.column(name) or "") for name in names)


def _distinct(members: list[tuple[Row, _Values]], warnings: list[str]) -> list[tuple[Row, _Values]]:
    """Rows for the same visit: those alike kept once, with a warning."""
    distinct: list[tuple[Row, _Values]] = []
    for row, values in members:
        same = next((d for d in distinct if d[1].record == values.record), None)
        if same is None:
            distinct.append((row, values))
        else:
            warnings.append(
                f"line {row.line} repeats visit {values.record.visit_id} of line {same[0].line}:"
                " read once"
            )
    return distinct


def _visit_heading(profile: Profile) -> str:
    if "visit_id" in profile.columns:
        return profile.columns["visit_id"]
    return ", ".join(profile.columns[name] for name in profile.visit_id_from)
