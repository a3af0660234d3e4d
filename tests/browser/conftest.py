"""The web apps in a real browser: Debian's Chromium driven by Playwright, against the local
stack started as ``make run`` starts it (tests/e2e/conftest.py), with the web apps built as
``make run`` builds them. Every screen a test looks at is checked with axe-core and saved as a
screenshot in ``build/screenshots/`` (git-ignored)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Response, expect, sync_playwright

from bench.web import CHROMIUM, CHROMIUM_ARGS, Downloads, StaleWebBuild, require_web_build
from tests import contract
from tests.e2e.conftest import REPO, Platform, start_platform
from tests.support import leaks

AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "build" / "screenshots"
#: The longest a test waits for something the user would wait for.
PATIENCE_MS = 15_000
# Assertions wait as long as actions do (Playwright's own default is 5 s). Under a CI machine's
# load the first report of a fresh platform (a cold API, its upload) took longer than 5 s and a
# journey failed on time alone; speed is judged by the benchmarks (bench/web.py), not here.
expect.set_options(timeout=PATIENCE_MS)


def web_apps_built() -> None:
    """The apps ``make web`` built (``make test`` builds them before pytest): a test only checks
    the build, never writes it, so no worker rebuilds the pages another is serving."""
    try:
        require_web_build()
    except StaleWebBuild as stale:
        pytest.fail(str(stale))


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: make test installs it (apt-get install -y chromium)")
    web_apps_built()
    running = start_platform(tmp_path_factory.mktemp("state"))
    yield running
    output = running.stop()
    found = leaks(output) + leaks(running.event_log())
    assert found == [], "personal data in the platform's logs or events:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Per module, not per session: Playwright's sync API keeps an asyncio loop running in the
    thread while it lives, and the handlers other modules call (the feed poller's batch runs on
    asyncio) must find none, as in Lambda."""
    with sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile per test, at the 1280×800 the console is designed for."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 800},
        locale="en-GB",
    )
    context.set_default_timeout(PATIENCE_MS)
    yield context
    context.close()


@pytest.fixture
def phone(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh Chromium profile per test on a 360×640 phone screen, as the public app is used."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "phone-profile"),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 360, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    context.set_default_timeout(PATIENCE_MS)
    yield context
    context.close()


class Tab:
    """One person's tab of a web app, with what the browser said about the page."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.problems: list[str] = []
        #: Every file of the web apps this tab downloaded, measured as ``make bench`` measures.
        self.received = Downloads(url)
        #: Every answer of the API the console received, to check against docs/openapi.json.
        self.answers: list[contract.Answer] = []
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("response", self._response)
        page.on("console", self._console)
        page.add_init_script(path=str(AXE))  # as the page loads, outside its CSP

    def _response(self, response: Response) -> None:
        path = urlsplit(response.url).path
        # What the API really answered (a test's own fake answers carry no Server header).
        if path.startswith("/v1/") and response.header_value("server"):
            self.answers.append(
                contract.Answer(
                    response.request.method,
                    response.url,
                    response.status,
                    response.header_value("content-type") or "",
                    b"" if response.status == 304 else response.body(),  # a 304 has none
                )
            )
        self.received.record(response)

    @property
    def downloads(self) -> list[tuple[str, int, int]]:
        """(path, bytes as sent, gzip size) of every file of the web apps downloaded so far."""
        return self.received.files

    def shipped(self, suffix: str = "") -> int:
        """Bytes downloaded so far, as gzip sends them, of files whose name ends with ``suffix``."""
        return self.received.shipped(suffix)

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(f"CSP: {text}")

    def check(self, screen: str) -> None:
        """The screen as it is now: no serious or critical axe violation, a screenshot kept."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{screen}.png"), full_page=True)
        result = self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert bad == [], f"accessibility violations on {screen}: {bad}"
        assert self.problems == [], f"the browser reported on {screen}: {self.problems}"


class Console(Tab):
    """One person's tab of the console."""

    def open(self, hash_: str = "") -> None:
        self.page.goto(f"{self.url}/console/{hash_}")

    def sign_in(self, role: str, **ids: str) -> None:
        self.open("#/sign-in")
        page = self.page
        page.get_by_label("Role").select_option(role)
        if "org_id" in ids:
            page.get_by_label("Organisation id").fill(ids["org_id"])
        if "partner_id" in ids:
            page.get_by_label("Partner id").fill(ids["partner_id"])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Sign out").wait_for()


class PublicApp(Tab):
    """One person's tab of the public app (no account anywhere)."""

    def open(self, hash_: str = "") -> None:
        self.page.goto(f"{self.url}/{hash_}")


@pytest.fixture
def console(browser: BrowserContext, platform: Platform) -> Iterator[Callable[[], Console]]:
    """Opens another tab (a second person: sessions are per tab, in memory). Every answer of the
    API that a tab received must follow the contract the console's client was generated from."""
    tabs: list[Console] = []

    def open_tab() -> Console:
        tabs.append(Console(browser.new_page(), platform.url))
        return tabs[-1]

    yield open_tab
    broken = contract.report([answer for tab in tabs for answer in tab.answers])
    assert not broken, "answers the console received that break docs/openapi.json:\n" + broken


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def name_pattern(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(text), re.IGNORECASE)


@pytest.fixture
def public_app(phone: BrowserContext, platform: Platform) -> Iterator[Callable[[], PublicApp]]:
    """Opens a tab of the public app on a phone. Every answer of the API it received must follow
    the contract its client was generated from."""
    tabs: list[PublicApp] = []

    def open_tab() -> PublicApp:
        tabs.append(PublicApp(phone.new_page(), platform.url))
        return tabs[-1]

    yield open_tab
    broken = contract.report([answer for tab in tabs for answer in tab.answers])
    assert not broken, "answers the public app received that break docs/openapi.json:\n" + broken
