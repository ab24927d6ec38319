"""A tender's evaluation as report tables: one per lot, or all the lots in one for a CSV file.

Cells keep the domain's exact scores; the renderers show them to 2 places, half-up, as the
domain's ``shown`` does, so the screen, the CSV file and the workbook agree with the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from caremarket.domain.evaluation import Kind, LotEvaluation, ReportRow
from caremarket.reports.tables import Cell, Column, Measure, Row, Table


def lot_table(
    evaluation: LotEvaluation,
    *,
    commissioner: str,
    on: date,
    explanations_as_notes: bool = False,
) -> Table:
    """One lot's report: every criterion's score, the total, rank, outcome and why; the lot's
    notes. On a screen the explanations, being long, read better as notes under the table."""
    lot = evaluation.lot
    columns = _columns(evaluation, explanation=not explanations_as_notes)
    rows = tuple(Row(_cells(row, explanation=not explanations_as_notes)) for row in evaluation.rows)
    notes = evaluation.notes
    if explanations_as_notes:
        notes = (*notes, "", *(f"{row.bidder}: {row.explanation}" for row in evaluation.rows))
    return Table(f"Lot {lot.code}, {lot.name}", commissioner, on, columns, rows, notes=tuple(notes))


def tender_table(
    title: str, evaluations: Sequence[LotEvaluation], *, commissioner: str, on: date
) -> Table:
    """Every lot's rows in one table, the lot first: one header for a CSV file.
    The lots' notes go with each lot's table; a CSV file carries rows only."""
    if not evaluations:
        raise ValueError("a tender table needs at least one lot")
    columns = (Column("lot"), *_columns(evaluations[0], explanation=True))
    rows = tuple(
        Row((evaluation.lot.code, *_cells(row, explanation=True)))
        for evaluation in evaluations
        for row in evaluation.rows
    )
    return Table(title, commissioner, on, columns, rows)


def _columns(evaluation: LotEvaluation, *, explanation: bool) -> tuple[Column, ...]:
    criteria = tuple(
        Column(c.code, Measure.LABEL if c.kind is Kind.GATE else Measure.POINTS)
        for c in evaluation.model.criteria
    )
    return (
        Column("bidder"),
        Column("hourly rate", Measure.PENCE),
        *criteria,
        Column("total", Measure.POINTS),
        Column("rank", Measure.COUNT),
        Column("outcome"),
        *((Column("explanation"),) if explanation else ()),
    )


def _cells(row: ReportRow, *, explanation: bool) -> tuple[Cell, ...]:
    scores: tuple[Cell, ...] = tuple(
        score.shown() if score.passed is not None else score.points for score in row.scores
    )
    return (
        row.bidder,
        row.hourly_rate,
        *scores,
        row.total,
        row.rank,
        row.outcome.value,
        *((row.explanation,) if explanation else ()),
    )
