"""A provider uploads its ECM file and reads the validation report, in a real browser; every
page passes axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.db.engine import make_engine, make_session_factory
from caremarket.db.unit_of_work import SqlUnitOfWork
from caremarket.domain.access import Actor, Role
from caremarket.domain.packages import PackageStatus
from caremarket.services import market
from caremarket.services.ports import PackageFilter
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser
LOOKER = Actor("browser-tests", Role.AUDITOR)


def test_a_provider_uploads_an_ecm_file_and_reads_its_report(
    visitor: Visitor, tmp_path: Path
) -> None:
    account = visitor.site.account(Role.PROVIDER)
    package = own_package(visitor.site.database_url, account.provider)
    ecm_file = tmp_path / "week.csv"
    ecm_file.write_text(
        "visit_id,package_reference,planned_start,planned_minutes,status,actual_start,actual_end\n"
        f"BR-1,{package},2026-01-05 07:30,30,completed,2026-01-05 07:31,2026-01-05 08:00\n"
        f"BR-2,{package},2026-01-05 11:15,30,finished,2026-01-05 11:15,2026-01-05 11:45\n"
        f"BR-3,NO-SUCH-PACKAGE,2026-01-05 15:00,30,missed,,\n",
        encoding="utf-8",
    )
    visitor.sign_in(account)
    visitor.click(visitor.navigation().get_by_text("ECM files", exact=True))
    visitor.click(visitor.page.get_by_role("button", name="Upload an ECM file"))

    # sent without a file, the form says what is missing
    visitor.click(visitor.page.get_by_role("button", name="Upload and check the file"), status=400)
    assert "Select the ECM file to upload" in visitor.page.get_by_role("alert").inner_text()

    visitor.page.get_by_label("caremarket layout").check()
    visitor.page.get_by_label("ECM file").set_input_files(ecm_file)
    visitor.click(visitor.page.get_by_role("button", name="Upload and check the file"))

    assert visitor.heading() == "week.csv"
    assert "week.csv imported: 2 bad rows" in visitor.page.get_by_role("main").inner_text()
    bad = visitor.page.get_by_role("table").filter(has_text="What is wrong")
    rows = bad.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2
    assert "'finished' is not a status" in rows[0]
    assert "there is no package NO-SUCH-PACKAGE" in rows[1]

    visitor.click(visitor.page.get_by_role("link", name="ECM files").first)
    assert "week.csv" in visitor.page.get_by_role("table").inner_text()


def own_package(database_url: str, provider: str | None) -> str:
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(make_session_factory(engine))
        packages, _ = market.list_packages(
            uow, PackageFilter(status=PackageStatus.ACTIVE), viewer=LOOKER, limit=500
        )
    finally:
        engine.dispose()
    return next(p.reference for p in packages if p.provider == provider)
