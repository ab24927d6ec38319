"""The committee pack in a browser: reached from the reports, a mistake in the period shown
in the error summary, the PDF and HTML downloaded, the pack itself accessible (axe)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caremarket.domain.access import Role
from tests.browser.conftest import Visitor

pytestmark = pytest.mark.browser

PERIOD = {"From": ("2", "1", "2017"), "To": ("1", "4", "2017")}  # the preset's report day


def enter_period(visitor: Visitor, period: dict[str, tuple[str, str, str]]) -> None:
    for legend, values in period.items():
        group = visitor.page.get_by_role("group", name=legend)
        for label, value in zip(("Day", "Month", "Year"), values, strict=True):
            group.get_by_label(label, exact=True).fill(value)


def test_a_commissioner_produces_and_downloads_the_committee_pack(
    visitor: Visitor, tmp_path: Path
) -> None:
    visitor.sign_in(visitor.site.account(Role.COMMISSIONER))
    visitor.click(visitor.navigation().get_by_text("Reports", exact=True))
    visitor.click(visitor.page.get_by_role("link", name="committee pack"))
    assert visitor.heading() == "Committee pack"

    enter_period(visitor, {"From": ("31", "2", "2017"), "To": PERIOD["To"]})
    visitor.click(visitor.page.get_by_role("button", name="Produce the pack"), status=400)
    summary = visitor.page.locator(".govuk-error-summary")
    assert "real date" in summary.inner_text()

    enter_period(visitor, PERIOD)
    visitor.click(visitor.page.get_by_role("button", name="Produce the pack"))
    # Laying out the PDF takes seconds, more on a busy machine: wait up to a minute for it.
    with visitor.page.expect_download(timeout=60_000) as pdf:
        visitor.page.get_by_role("link", name="Download the pack as a PDF").click()
    with visitor.page.expect_download() as html:
        visitor.page.get_by_role("link", name="Download the pack as a web page").click()

    assert pdf.value.suggested_filename == "committee-pack-HFD-2017-01-02-to-2017-04-01.pdf"
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    saved = tmp_path / html.value.suggested_filename
    html.value.save_as(saved)
    visitor.page.goto(saved.as_uri())
    assert (
        visitor.page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Home care market report — Herefordshire Council")
    )
    assert visitor.page.get_by_role("img").count() >= 10
    assert visitor.page.get_by_role("table").count() >= 10
    visitor.check()


def test_a_broker_has_no_committee_pack(visitor: Visitor) -> None:
    visitor.sign_in(visitor.site.account(Role.BROKER))
    visitor.goto("/reports/pack", status=403)
