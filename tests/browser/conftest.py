"""The real server and a real browser: one of each for the whole session.

The server is ``caremarket serve`` in a subprocess, on a SQLite demo database that
``caremarket demo --preset herefordshire --no-serve`` built; the browser is Debian's
Chromium, headless, driven by Playwright. Without Chromium the browser tests are skipped on
a developer's machine and fail in CI (CI set): ``.ci/run`` installs it.

Every page a test visits must pass an axe-core check (``Visitor.check``); a test that leaves
a page unchecked errors at teardown, naming the page.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from caremarket.cli import app as cli
from caremarket.domain.access import Role

if TYPE_CHECKING:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import BrowserContext, Frame, Locator, Page, Response

CHROMIUM = Path(os.environ.get("CAREMARKET_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # The machine's network is closed: no background calls home, updates or sync.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PRESET = "herefordshire"
START_SECONDS = 60
SERIOUS = frozenset({"serious", "critical"})


def _no_browser(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (in CI the browser tests must run: .ci/run installs chromium)")
    pytest.skip(reason)


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    password: str
    provider: str | None = None


@dataclass(frozen=True)
class DemoSite:
    url: str
    database_url: str
    accounts: dict[Role, DemoAccount]
    log_path: Path

    def account(self, role: Role) -> DemoAccount:
        return self.accounts[role]

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[Role, DemoAccount]]:
    """A demo database built by the CLI, and the sign-ins it printed (one per role)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.db'}"
    result = CliRunner().invoke(cli, ["demo", "--preset", PRESET, "--no-serve", "--db", url])
    assert result.exit_code == 0, result.output
    return url, printed_accounts(result.output)


def printed_accounts(output: str) -> dict[Role, DemoAccount]:
    """The sign-ins the demo printed: ``<label> <role>@demo.invalid password <pw> (<provider>)``."""
    found = {}
    for role, domain, password, provider in re.findall(
        r"\b([a-z]+)(@demo\.invalid)\s+password\s+(\S+)(?: \((.+)\))?$", output, re.M
    ):
        found[Role(role)] = DemoAccount(Role(role), role + domain, password, provider or None)
    assert set(found) == set(Role), f"the demo printed no sign-in for some roles:\n{output}"
    return found


@pytest.fixture(scope="session")
def site(
    demo_database: tuple[str, dict[Role, DemoAccount]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[DemoSite]:
    """``caremarket serve`` on a free localhost port, until the session ends."""
    database_url, accounts = demo_database
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    env = os.environ | {"CAREMARKET_ENVIRONMENT": "test"}
    command = [sys.executable, "-m", "caremarket", "serve", "--db", database_url]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log_path)
        yield DemoSite(url, database_url, accounts, log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped (exit {server.returncode}):\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(
        f"the server did not answer /api/health in {START_SECONDS} s:\n{log_path.read_text()}"
    )


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Headless Chromium with a new, empty profile; one for the session."""
    if not CHROMIUM.exists():
        _no_browser(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _no_browser(f"Playwright is not installed ({error}): pip install -e '.[test]'")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            accept_downloads=True,
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()


@dataclass
class Visitor:
    """A person at the browser: goes to pages and checks each one for accessibility."""

    page: Page
    site: DemoSite
    unchecked: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def goto(self, path: str, *, status: int = 200) -> None:
        self.expect(self.page.goto(self.site.url + path), status, f"GET {path}")
        self.check()

    def expect(self, answer: Response | None, status: int, what: str) -> None:
        got = answer.status if answer is not None else None
        if got != status:
            server = (
                f"\nThe server's log ends:\n{self.site.log_tail()}" if got and got >= 500 else ""
            )
            pytest.fail(f"{what} answered {got}, not {status} ({self.page.url}){server}")

    def check(self) -> None:
        """axe-core on the page as it is now: no serious or critical violations."""
        self.page.wait_for_load_state()
        results = axe().run(self.page)
        serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        assert not serious, accessibility_report(self.page.url, serious)
        self.checked.append(self.page.url)
        self.unchecked.clear()

    def click(self, target: Locator, *, status: int = 200) -> None:
        """Click a link or a button that leads to another page, and check that page."""
        with self.page.expect_navigation() as navigation:
            target.click()
        self.expect(navigation.value, status, f"{target}")
        self.check()

    def sign_in(self, account: DemoAccount) -> None:
        self.goto("/sign-in")
        self.page.get_by_label("E-mail address").fill(account.email)
        self.page.get_by_label("Password", exact=True).fill(account.password)
        self.click(self.page.get_by_role("button", name="Sign in", exact=True))

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text().strip()

    def navigation(self) -> Locator:
        """The service navigation's links (GOV.UK service navigation, labelled Main)."""
        return self.page.get_by_role("navigation", name="Main").get_by_role("link")

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.site.url)


@cache
def axe() -> Axe:
    """axe-core as the package bundles it: injected into each page, nothing fetched."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def accessibility_report(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    report = yield
    if report.when == "call":
        item.call_failed = report.failed  # type: ignore[attr-defined]
    return report


@pytest.fixture
def visitor(
    browser_context: BrowserContext, site: DemoSite, request: pytest.FixtureRequest
) -> Iterator[Visitor]:
    """A new tab with no cookies (so no one is signed in); every page it shows is checked."""
    browser_context.clear_cookies()
    page = browser_context.new_page()
    visitor = Visitor(page, site)

    def navigated(frame: Frame) -> None:
        if frame != page.main_frame:
            return
        before = (visitor.unchecked or visitor.checked or [""])[-1]
        if frame.url != before and frame.url.split("#")[0] == before.split("#")[0]:
            return  # a link within the page: still the same page
        visitor.unchecked.append(frame.url)

    page.on("framenavigated", navigated)
    yield visitor
    page.close()
    if not getattr(request.node, "call_failed", True):
        assert not visitor.unchecked, (
            f"pages shown without an accessibility check: {visitor.unchecked}"
        )
