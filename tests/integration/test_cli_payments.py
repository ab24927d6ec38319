"""`caremarket payments`: a week made, its remittance and export read, approved, an invoice
reconciled, and payment rules kept from a TOML file."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

from typer.testing import CliRunner

from caremarket.cli import app
from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.calendar import LONDON
from caremarket.domain.ecm import VisitRecord, VisitStatus
from caremarket.services.ports import KeptVisit
from tests.builders import A_MOMENT
from tests.integration.test_payment_runs import add_a_daily_package

runner = CliRunner()
MONDAY = date(2018, 3, 26)


def a_week_delivered(db: str) -> None:
    """Herefordshire's £15.80 an hour, one 30-minute call a day, delivered for a week."""
    engine = make_engine(db)
    uow = SqlUnitOfWork(make_session_factory(engine))
    ids = add_a_daily_package(uow)
    with uow:
        kept = []
        for n in range(7):
            start = datetime.combine(MONDAY + timedelta(days=n), time(7, 30), tzinfo=LONDON)
            record = VisitRecord(
                visit_id=f"V-{n}",
                planned_start_at=start,
                planned_minutes=30,
                status=VisitStatus.COMPLETED,
                package_reference="PKG-0001",
                actual_start_at=start,
                actual_end_at=start + timedelta(minutes=30),
            )
            kept.append(KeptVisit(ids["provider"], record, 1, A_MOMENT, ids["package"]))
        uow.visits.add(kept)
        uow.commit()
    engine.dispose()


def test_a_week_is_run_read_approved_and_reconciled(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    a_week_delivered(db)
    made = runner.invoke(
        app,
        ["payments", "run", "-c", "HFD", "--from", "2018-03-26", "--to", "2018-04-01", "--db", db],
    )
    assert made.exit_code == 0, made.output
    assert "Wyeside Home Care: 7 lines, £55.30 paid, 0 held" in made.output
    reference = "HFD-2018-03-26"

    remittance = runner.invoke(
        app, ["payments", "remittance", reference, "-p", "Wyeside Home Care", "--db", db]
    )
    assert remittance.exit_code == 0, remittance.output
    rows = list(csv.DictReader(io.StringIO(remittance.output)))
    assert [r["Amount (£)"] for r in rows] == ["7.90"] * 7 + ["55.30"]

    exported = runner.invoke(app, ["payments", "export", reference, "--db", db])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert {(r["provider"], r["funder"], r["amount (£)"]) for r in rows} == {
        ("Wyeside Home Care", "HFD", "7.90")
    }
    assert len(rows) == 7

    approved = runner.invoke(app, ["payments", "approve", reference, "--db", db])
    assert approved.exit_code == 0, approved.output
    again = runner.invoke(app, ["payments", "approve", reference, "--db", db])
    assert again.exit_code == 1 and "cannot change" in again.output

    invoice = tmp_path / "INV-77.csv"
    invoice.write_text(
        "visit_id,package_reference,date,minutes,amount\n"
        + "".join(f"V-{n},PKG-0001,2018-03-{26 + n:02d},30,7.90\n" for n in range(6))
        + "V-6,PKG-0001,2018-04-01,45,11.85\n",
        encoding="utf-8",
    )
    reconciled = runner.invoke(
        app,
        ["payments", "reconcile", str(invoice), "-p", "Wyeside Home Care", "--run", reference]
        + ["--db", db],
    )
    assert reconciled.exit_code == 0, reconciled.output
    assert "7 lines, 6 agree" in reconciled.output
    assert "different minutes and amount; 45 / 30 min" in reconciled.output
    assert "difference £3.95" in reconciled.output


def test_payment_rules_are_kept_from_a_toml_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    rules = tmp_path / "rules.toml"
    rules.write_text('name = "HFD 2018"\ntolerance_minutes = 10\n', encoding="utf-8")
    kept = runner.invoke(app, ["payments", "rules", str(rules), "--db", db])
    assert kept.exit_code == 0, kept.output
    assert "HFD 2018: planned minutes paid within 10 minutes" in kept.output
    rules.write_text('name = "X"\ntolerance = 10\n', encoding="utf-8")
    refused = runner.invoke(app, ["payments", "rules", str(rules), "--db", db])
    assert refused.exit_code == 1 and "unknown payment rule tolerance" in refused.output


def test_an_over_run_is_authorised_and_a_weekly_contribution_set_from_the_command_line(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'caremarket.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    a_week_delivered(db)
    refused = runner.invoke(
        app,
        ["payments", "extend", "-p", "Wyeside Home Care", "--visit", "V-0", "--minutes", "15"]
        + ["--db", db],
    )
    assert refused.exit_code == 1 and "did not run over" in refused.output
    set_ = runner.invoke(
        app, ["payments", "contribution", "PKG-0001", "--weekly", "£20.00"] + ["--db", db]
    )
    assert set_.exit_code == 0, set_.output
    made = runner.invoke(
        app,
        ["payments", "run", "-c", "HFD", "--from", "2018-03-26", "--to", "2018-04-01", "--db", db],
    )
    assert made.exit_code == 0, made.output
    exported = runner.invoke(app, ["payments", "export", "HFD-2018-03-26", "--db", db])
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert [r["amount (£)"] for r in rows if r["funder"] == "PERSON"] == ["7.90", "7.90", "4.20"]
    bad = runner.invoke(
        app, ["payments", "contribution", "PKG-0001", "--weekly", "2.001"] + ["--db", db]
    )
    assert bad.exit_code == 1 and "pounds and pence" in bad.output
