"""Care packages file: one row per package; the person is named by a pseudonymised reference.

Columns: reference, person_reference, nhs_number (optional), postcode, commissioner, zone
(optional), service, pattern, weekly_hours (optional cross-check), start_on, end_on, status,
provider (optional), funding (optional, e.g. 'HFD 80; PERSON 20'), weekly_contribution
(optional: the person's assessed contribution, pounds a week), lot (optional, 'VEHICLE/LOT');
and for the waiting list's need: risk (low, medium, high), carer_breakdown (yes/no),
fit_for_discharge_on (a hospital discharge), all optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from caremarket.domain.nhs_numbers import parse_nhs_number
from caremarket.domain.packages import FundingShare, PackageStatus, with_weekly_contribution
from caremarket.domain.patterns import VisitLine, parse_pattern, weekly_hours
from caremarket.domain.postcodes import Postcode, parse_postcode
from caremarket.domain.priority import Risk
from caremarket.domain.shares import check_shares_total, parse_share
from caremarket.imports.commissioners import NAMED_IN_EACH_ROW, FileCommissioner
from caremarket.imports.csvfile import Columns, Row, Table
from caremarket.imports.fields import (
    parse_amount,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_list,
    parse_yes_no,
)
from caremarket.imports.lots import parse_lot_reference
from caremarket.imports.problems import Problems


@dataclass(frozen=True)
class PackageRow:
    line: int
    reference: str
    person_reference: str
    nhs_number: str | None
    postcode: Postcode
    commissioner: str
    zone: str | None
    service: str
    pattern: tuple[VisitLine, ...]
    start_on: date
    end_on: date | None
    status: PackageStatus
    provider: str | None
    funding: tuple[FundingShare, ...]  # empty: the commissioner pays it all (and no weekly)
    lot: tuple[str, str] | None = None  # (vehicle, lot)
    risk: Risk = Risk.LOW
    carer_breakdown: bool = False
    fit_for_discharge_on: date | None = None


def package_columns(commissioner: FileCommissioner = NAMED_IN_EACH_ROW) -> Columns:
    required, optional = commissioner.columns()
    return Columns(
        required=(
            "reference",
            "person_reference",
            "postcode",
            *required,
            "service",
            "pattern",
            "start_on",
            "status",
        ),
        optional=(
            *optional,
            "nhs_number",
            "zone",
            "weekly_hours",
            "end_on",
            "provider",
            "funding",
            "weekly_contribution",
            "lot",
            "risk",
            "carer_breakdown",
            "fit_for_discharge_on",
        ),
    )


def parse_packages(
    table: Table, problems: Problems, *, commissioner: FileCommissioner = NAMED_IN_EACH_ROW
) -> list[PackageRow]:
    """Checked package rows; the bad ones are left out and noted in problems."""
    parsed = [
        package
        for row in table.rows
        if (package := _package(row, problems, commissioner)) is not None
    ]
    problems.duplicates(
        ((p.line, p.reference, p.reference) for p in parsed), "reference", "reference"
    )
    _check_people_agree(parsed, problems)
    return parsed


def parse_funding(text: str) -> tuple[FundingShare, ...]:
    """'HFD 80; PERSON 20' -> funders and their percentage shares, which must add up to 100."""
    shares = []
    for item in parse_list(text):
        funder, _, share = item.rpartition(" ")
        if not funder.strip():
            raise ValueError(f"{item!r} is not a funder and a share, e.g. 'HFD 80'")
        shares.append(FundingShare(funder.strip(), parse_share(share)))
    funders = [s.funder for s in shares]
    if len(set(funders)) != len(funders):
        raise ValueError("a funder is named twice")
    check_shares_total((s.share for s in shares), what="the funding")
    return tuple(shares)


def _package(
    row: Row, problems: Problems, file_commissioner: FileCommissioner
) -> PackageRow | None:
    before = len(problems)
    commissioner = file_commissioner.of(row, problems)
    pattern = problems.cell(row, "pattern", parse_pattern)
    start_on = problems.cell(row, "start_on", parse_date)
    end_on = problems.cell(row, "end_on", parse_date, required=False)
    values = {
        "reference": problems.cell(row, "reference", str),
        "person_reference": problems.cell(row, "person_reference", str),
        "nhs_number": problems.cell(row, "nhs_number", parse_nhs_number, required=False),
        "postcode": problems.cell(row, "postcode", parse_postcode),
        "zone": row.get("zone") or None,
        "service": problems.cell(row, "service", str),
        "status": problems.cell(row, "status", lambda t: parse_choice(t, PackageStatus)),
        "provider": row.get("provider") or None,
        "funding": with_weekly_contribution(
            problems.cell(row, "funding", parse_funding, required=False) or (),
            problems.cell(row, "weekly_contribution", parse_amount, required=False),
        ),
        "lot": problems.cell(row, "lot", parse_lot_reference, required=False),
        "risk": problems.cell(row, "risk", lambda t: parse_choice(t, Risk), required=False)
        or Risk.LOW,
        "carer_breakdown": problems.cell(row, "carer_breakdown", parse_yes_no, required=False)
        or False,
        "fit_for_discharge_on": problems.cell(
            row, "fit_for_discharge_on", parse_date, required=False
        ),
    }
    if pattern is not None:
        _check_weekly_hours(row, pattern, problems)
    if start_on and end_on and end_on < start_on:
        problems.add(
            row.line,
            "end_on",
            row.get("end_on"),
            f"the package ends before it starts ({start_on:%d/%m/%Y})",
        )
    if len(problems) > before:
        return None
    return PackageRow(
        line=row.line,
        commissioner=commissioner,
        pattern=pattern,
        start_on=start_on,
        end_on=end_on,
        **values,
    )


def _check_weekly_hours(row: Row, pattern: tuple[VisitLine, ...], problems: Problems) -> None:
    """Written hours must match the pattern's, to the places written: '2.33' matches 2h20m."""
    given = problems.cell(row, "weekly_hours", parse_decimal, required=False)
    if given is None:
        return
    if given < 0:
        problems.add(
            row.line, "weekly_hours", row.get("weekly_hours"), "weekly hours cannot be negative"
        )
        return
    places = Decimal(1).scaleb(min(0, int(given.as_tuple().exponent)))
    actual = weekly_hours(pattern)
    if actual.quantize(places, rounding=ROUND_HALF_UP) != given:
        shown = actual.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        problems.add(
            row.line,
            "weekly_hours",
            row.get("weekly_hours"),
            f"the pattern {row.get('pattern')!r} is {shown:f} hours a week",
        )


def _check_people_agree(packages: list[PackageRow], problems: Problems) -> None:
    """Several packages of one person must give the same postcode and NHS number."""
    first: dict[tuple[str, str], PackageRow] = {}
    for package in packages:
        earlier = first.setdefault((package.commissioner, package.person_reference), package)
        for column in ("postcode", "nhs_number"):
            mine, theirs = getattr(package, column), getattr(earlier, column)
            if mine != theirs:
                problems.add(
                    package.line,
                    column,
                    str(mine or ""),
                    f"person {package.person_reference} has {column} {theirs or 'none'}"
                    f" on line {earlier.line}",
                )
