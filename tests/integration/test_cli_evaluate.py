"""`caremarket evaluate` on the shipped example: the worked tender's totals, ranks and outcomes
on the screen, in a CSV file and in a workbook; a mistake in a file as a message, not a trace."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from caremarket.cli import app
from tests.unit.test_evaluation import HAND_COMPUTED

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "tender-evaluation.toml")
runner = CliRunner()


def expected(lot: str) -> list[tuple[str, str, str, str, str, str, str, str]]:
    """The unit test's hand-computed rows as the report shows them."""
    return [
        (lot, bidder, quality, price, social, total, "" if rank is None else str(rank), outcome)
        for bidder, quality, price, social, total, rank, outcome in HAND_COMPUTED[lot]
    ]


def csv_rows(output: str) -> list[tuple[str, ...]]:
    """The report's CSV rows, with the columns `expected` gives."""
    columns = ("lot", "bidder", "quality", "price", "social-value", "total", "rank", "outcome")
    return [tuple(r[c] for c in columns) for r in csv.DictReader(io.StringIO(output))]


def test_evaluate_prints_each_lots_totals_ranks_and_outcomes() -> None:
    result = runner.invoke(app, ["evaluate", EXAMPLE])
    assert result.exit_code == 0, result.output
    sections = re.split(r"^Lot (\w), \w+$", result.output, flags=re.MULTILINE)
    lots = dict(zip(sections[1::2], sections[2::2], strict=True))
    assert list(lots) == ["N", "S", "R"]
    for code, text in lots.items():
        assert "Example Council, 1 March 2027" in text
        for lot, bidder, quality, price, social, total, rank, outcome in expected(code):
            scores = rf"\s+{quality}\s+{price}\s+{social}\s+{total}\s+{rank}" if rank else ""
            line = rf"^{bidder}\s+£\d+\.\d\d\s+(pass|fail){scores}\s+{re.escape(outcome)}$"
            assert re.search(line, text, flags=re.MULTILINE), (lot, bidder, text)
    assert "tie at the cut-off: decide between Alder, Elm" in lots["R"]
    assert "lowest compliant price £24.00 an hour" in lots["S"]
    assert (
        "Damson: excluded: failed the gate 'CQC registration' (not registered for its South branch)"
    ) in lots["S"]


def test_evaluate_as_csv_has_one_row_per_bid_with_the_lot() -> None:
    result = runner.invoke(app, ["evaluate", EXAMPLE, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert csv_rows(result.output) == [*expected("N"), *expected("S"), *expected("R")]
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0]["hourly rate (£)"] == "30.00"
    assert rows[0]["explanation"] == (
        "rank 1 of 5 with 83.00; awarded (the lot takes up to 3 providers)"
    )


def test_evaluate_as_excel_writes_a_sheet_per_lot_with_numbers(tmp_path: Path) -> None:
    refused = runner.invoke(app, ["evaluate", EXAMPLE, "--format", "xlsx"])
    assert refused.exit_code == 1
    assert "--out" in refused.output

    out = tmp_path / "evaluation.xlsx"
    result = runner.invoke(app, ["evaluate", EXAMPLE, "-f", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Lot N, North", "Lot S, South", "Lot R, Rural"]
    north = book["Lot N, North"]
    header = [c.value for c in north[4]]
    assert header[:4] == ["bidder", "hourly rate", "cqc", "quality"]
    elm = next(row for row in north.iter_rows(min_row=5) if row[0].value == "Elm")
    total = elm[header.index("total")]
    assert total.value == 71.33 and total.number_format == "0.00"
    assert elm[1].value == 27 and elm[1].number_format == '"£"#,##0.00'
    assert elm[header.index("rank")].value == 4
    notes = [row[0].value for row in north.iter_rows() if row[0].value]
    assert "lowest compliant price £21.00 an hour" in notes


def test_evaluate_writes_the_table_or_csv_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "evaluation.csv"
    result = runner.invoke(app, ["evaluate", EXAMPLE, "-f", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "N,Elm,27.00,pass,30.00,23.33,18.00,71.33,4,not awarded," in out.read_text()


def test_a_mistake_in_the_file_is_a_message_naming_the_lot_bidder_and_field(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.toml"
    text = Path(EXAMPLE).read_text()
    broken.write_text(text.replace("hourly_rate = 27.00", 'hourly_rate = "27 pounds"', 1))
    result = runner.invoke(app, ["evaluate", str(broken)])
    assert result.exit_code == 1
    assert "Error: broken.toml: lot N, Elm, hourly_rate: '27 pounds' is not an amount" in (
        " ".join(result.output.split())
    )
    assert "Traceback" not in result.output


def test_a_rule_broken_in_the_file_is_a_message_too(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    text = Path(EXAMPLE).read_text()
    broken.write_text(
        text.replace("moderated = 3, evaluators = { Asha = 2", "evaluators = { Asha = 2")
    )
    result = runner.invoke(app, ["evaluate", str(broken)])
    assert result.exit_code == 1
    assert "lot N, Elm: Quality has no moderated mark" in " ".join(result.output.split())


def test_a_missing_file_is_a_message() -> None:
    result = runner.invoke(app, ["evaluate", "no-such-tender.toml"])
    assert result.exit_code == 1
    assert "cannot read no-such-tender.toml" in result.output
