"""Spend by funder: what the payment runs paid for a period, split between the funders.

The figures are the payment lines' funder amounts as the runs kept them (each line's amount
split by its package's funding, pooled budgets shared by the partners' pool shares, the
person's assessed contribution as the ``PERSON`` funder): the report adds them up, it never
splits an amount again, so it always agrees with the remittances and the ledger export.

A line counts in the period by its visit's day. Lines held for a query are not paid and not
counted; an adjustment line (a correction in a later run) counts by the day of its visit,
with its sign. By default only approved runs count (a draft may still change); drafts may be
included, and the notes say which were. The table has a column per funder (the council, the
NHS bodies and other partners, the person's contributions) and a row per provider, zone,
week (Monday to Sunday) and payment run, each kind under its own "By" label.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from caremarket.reports.tables import Column, Measure, Row, Table

PERSON = "PERSON"
ZERO = Decimal("0.00")
NO_ZONE = "No package"
GROUPS = ("Provider", "Zone", "Week", "Run")


@dataclass(frozen=True)
class PaidLine:
    run: str  # the payment run's reference
    approved: bool
    provider: str
    zone: str | None  # the package's zone code; None: not matched to a package
    day: date  # the visit's day
    funders: tuple[tuple[str, Decimal], ...]  # (funder code, amount), as the line keeps them


def funder_heading(code: str, names: Mapping[str, str]) -> str:
    """'Herefordshire Council (HFD)', "The person's contributions"."""
    if code == PERSON:
        return "The person's contributions"
    return f"{names[code]} ({code})" if code in names else code


def spend_by_funder(
    lines: Iterable[PaidLine],
    *,
    funder_names: Mapping[str, str],
    own: str,
    commissioner: str,
    since: date,
    on: date,
    drafts: bool = False,
) -> Table:
    counted = [x for x in lines if since <= x.day <= on and (x.approved or drafts)]
    funders = _funder_order({f for x in counted for f, _ in x.funders}, funder_names, own)
    sums: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    total: dict[str, Decimal] = defaultdict(Decimal)
    for line in counted:
        keys = (
            ("Provider", line.provider),
            ("Zone", line.zone or NO_ZONE),
            ("Week", _monday(line.day).isoformat()),
            ("Run", line.run),
        )
        for funder, amount in line.funders:
            total[funder] += amount
            for key in keys:
                sums[key][funder] += amount

    def cells(by: str, label: str, parts: Mapping[str, Decimal]) -> tuple[object, ...]:
        figures = [parts.get(f, ZERO) + ZERO for f in funders]
        return (by, label, *figures, sum(figures, ZERO))

    rows = [
        Row(cells(by, label, sums[(by, label)]))  # type: ignore[arg-type]
        for by in GROUPS
        for label in sorted(k for b, k in sums if b == by)
    ]
    runs = sorted({(x.run, x.approved) for x in counted})
    return Table(
        title="Spend by funder",
        commissioner=commissioner,
        on=on,
        since=since,
        columns=(
            Column("By"),
            Column("Group"),
            *(Column(funder_heading(f, funder_names), Measure.PENCE) for f in funders),
            Column("Total", Measure.PENCE),
        ),
        rows=tuple(rows),
        totals=Row(cells("Total", "", total)),  # type: ignore[arg-type]
        notes=(
            "Basis: the payment runs' lines for visits in the period, each funder's part as"
            " the run kept it; held lines are not counted, adjustments are, by their visit's"
            " day.",
            (
                "Approved and draft runs: a draft may still change."
                if drafts
                else "Approved runs only: drafts are not counted."
            ),
            "Runs counted: "
            + (", ".join(f"{r} ({'approved' if a else 'draft'})" for r, a in runs) or "none")
            + ".",
        ),
    )


def _funder_order(codes: set[str], names: Mapping[str, str], own: str) -> Sequence[str]:
    """The runs' commissioner, its partners by code, then any other funder, the person's
    contributions last."""
    known = sorted((c for c in codes if c in names), key=lambda c: (c != own, c))
    other = sorted(c for c in codes if c not in names and c != PERSON)
    return [*known, *other, *([PERSON] if PERSON in codes else [])]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
