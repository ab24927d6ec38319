"""Profiles of electronic call monitoring (ECM) files: how a system's export maps to the
fields caremarket reads, so the file is read as it comes (`caremarket.imports.ecm`).

A profile maps caremarket's fields (below) to the file's own column headings, and says how
its cells are written: date, time and date-and-time formats, its words for a visit's status
and for how it was verified, the columns it carries that caremarket reads past, and, for
files that give each additional carer a row of their own, the column marking those rows.
Two profiles ship with caremarket: ``caremarket`` (the documented layout, docs/formats.md) and
``abacus`` (the Access Abacus Provider Portal "CSV service delivery file"). Others are data:
a TOML file read by `profile_from_toml`.

Fields: `visit_id` (or `visit_id_from`, the fields that make one up), `package_reference`
and/or `person_reference`, `planned_start` (or `planned_date` and `planned_time`),
`planned_minutes` (or `planned_duration`), `status`, `actual_start` (or `actual_time`, on
the visit's date), `actual_end` (or `actual_duration`), `carers_planned`, `carers_present`
(or `secondary`), `cancelled_at`, `verification`, `notes`, `carer_ids`, `service`,
`contract`, `provider`, `claimed`, and for the file: `file_reference`, `week_ending`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from caremarket.domain.ecm import Verification, VisitStatus
from caremarket.imports.csvfile import Columns, normalise_header

FIELDS = (
    "visit_id",
    "package_reference",
    "person_reference",
    "planned_start",
    "planned_date",
    "planned_time",
    "planned_minutes",
    "planned_duration",
    "status",
    "actual_start",
    "actual_time",
    "actual_end",
    "actual_duration",
    "carers_planned",
    "carers_present",
    "secondary",
    "cancelled_at",
    "verification",
    "notes",
    "carer_ids",
    "service",
    "contract",
    "provider",
    "claimed",
    "file_reference",
    "week_ending",
)
_ALTERNATIVES = (  # each profile maps one of each
    ("visit_id", "visit_id_from"),
    ("package_reference", "person_reference"),
    ("planned_start", "planned_date"),
    ("planned_minutes", "planned_duration"),
    ("actual_start", "actual_time"),
    ("actual_end", "actual_duration"),
)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TIME_FORMATS = ("%H:%M", "%H:%M:%S")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)


class InvalidProfile(ValueError):
    pass


@dataclass(frozen=True)
class Profile:
    name: str
    columns: Mapping[str, str]  # caremarket's field -> the file's column heading
    optional: frozenset[str] = frozenset()  # fields whose column may be missing
    read_past: tuple[str, ...] = ()  # columns known and not read (no warning)
    visit_id_from: tuple[str, ...] = ()  # fields that make up a visit ID where there is none
    date_formats: tuple[str, ...] = DATE_FORMATS
    time_formats: tuple[str, ...] = TIME_FORMATS
    datetime_formats: tuple[str, ...] = DATETIME_FORMATS
    statuses: Mapping[str, VisitStatus] = field(default_factory=dict)  # their word -> ours
    verifications: Mapping[str, Verification] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(FIELDS))
        if unknown:
            raise InvalidProfile(
                f"profile {self.name}: {', '.join(unknown)} is not a field caremarket reads"
            )
        for first, second in _ALTERNATIVES:
            has_first = first in self.columns or (first == "visit_id" and self.visit_id_from)
            if not has_first and second not in self.columns:
                raise InvalidProfile(f"profile {self.name} maps neither {first} nor {second}")
        if "planned_date" in self.columns and "planned_time" not in self.columns:
            raise InvalidProfile(f"profile {self.name}: planned_date needs planned_time")
        for name in self.visit_id_from:
            if name not in self.columns:
                raise InvalidProfile(f"profile {self.name}: visit_id_from names unmapped {name}")

    def column(self, name: str) -> str | None:
        """The file's column for a field, as the header reader names it."""
        return self._normalised.get(name)

    @property
    def _normalised(self) -> dict[str, str]:
        cached = self.__dict__.get("_columns_normalised")
        if cached is None:
            cached = {f: normalise_header(h) for f, h in self.columns.items()}
            object.__setattr__(self, "_columns_normalised", cached)
        return cached

    def file_columns(self) -> Columns:
        required = tuple(
            normalise_header(h) for f, h in self.columns.items() if f not in self.optional
        )
        optional = tuple(normalise_header(h) for f, h in self.columns.items() if f in self.optional)
        ignored = tuple(normalise_header(h) for h in self.read_past)
        return Columns(required, optional, ignored)


CAREMARKET = Profile(
    name="caremarket",
    columns={
        name: name
        for name in (
            "visit_id",
            "package_reference",
            "person_reference",
            "planned_start",
            "planned_minutes",
            "status",
            "actual_start",
            "actual_end",
            "carers_planned",
            "carers_present",
            "cancelled_at",
            "verification",
            "notes",
            "carer_ids",
            "service",
            "contract",
            "claimed",
        )
    },
    optional=frozenset(
        {
            "person_reference",
            "carers_planned",
            "carers_present",
            "cancelled_at",
            "verification",
            "notes",
            "carer_ids",
            "service",
            "contract",
            "claimed",
        }
    ),
)

ABACUS = Profile(
    name="abacus",
    columns={
        "file_reference": "FileReference",
        "provider": "ProviderRef",
        "contract": "ContractNumber",
        "person_reference": "ServiceUserRef",
        "week_ending": "WeekEnding",
        "claimed": "PaymentClaimed",
        "service": "ServiceType",
        "planned_date": "VisitDate",
        "planned_time": "StartTimeClaimed",
        "planned_duration": "DurationClaimed",
        "actual_time": "ActualStartTime",
        "actual_duration": "ActualDuration",
        "secondary": "SecondaryVisit",
        "carers_planned": "NumberOfCarers",
    },
    optional=frozenset({"claimed", "carers_planned"}),
    # ServiceUserDetails holds the person's name: caremarket never keeps it.
    read_past=("Description", "Created", "ServiceUserDetails", "OurRef", "ServiceUserContribution"),
    visit_id_from=("contract", "person_reference", "planned_date", "planned_time"),
    date_formats=("%d/%m/%Y",),
    time_formats=("%H:%M:%S", "%H:%M"),
)

PROFILES = {profile.name: profile for profile in (CAREMARKET, ABACUS)}


def profile_from_toml(text: str) -> Profile:
    """A profile written as TOML (see docs/formats.md); wrong keys or values are refused."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidProfile(f"the profile is not valid TOML: {error}") from None
    return profile_from_mapping(data)


def profile_from_mapping(data: Mapping[str, Any]) -> Profile:
    known = {
        "name",
        "columns",
        "optional",
        "read_past",
        "visit_id_from",
        "formats",
        "statuses",
        "verifications",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidProfile(f"unknown profile key {', '.join(unknown)}")
    if not isinstance(data.get("name"), str) or not isinstance(data.get("columns"), dict):
        raise InvalidProfile("a profile has a name and a [columns] table")
    formats = dict(data.get("formats", {}))
    bad_formats = sorted(set(formats) - {"date", "time", "datetime"})
    if bad_formats:
        raise InvalidProfile(f"unknown format {', '.join(bad_formats)}: use date, time, datetime")
    try:
        statuses = {k.lower(): VisitStatus(v) for k, v in data.get("statuses", {}).items()}
        verifications = {
            k.lower(): Verification(v) for k, v in data.get("verifications", {}).items()
        }
    except ValueError as error:
        raise InvalidProfile(f"profile {data['name']}: {error}") from None
    return Profile(
        name=data["name"],
        columns={str(k): str(v) for k, v in data["columns"].items()},
        optional=frozenset(data.get("optional", ())),
        read_past=tuple(data.get("read_past", ())),
        visit_id_from=tuple(data.get("visit_id_from", ())),
        date_formats=_formats(formats.get("date"), DATE_FORMATS),
        time_formats=_formats(formats.get("time"), TIME_FORMATS),
        datetime_formats=_formats(formats.get("datetime"), DATETIME_FORMATS),
        statuses=statuses,
        verifications=verifications,
    )


def _formats(given: str | list[str] | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if given is None:
        return default
    return (given,) if isinstance(given, str) else tuple(given)
