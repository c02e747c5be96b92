"""A real browser against a real server: the service on a loopback port over a seeded demo database, and chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import REQUIRE_SERVICES
from tests.e2e.live_server import PROJECT_ROOT, seeded_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DEMO_PASSWORD = "demo-password-2026"
TIMEOUT_MS = 15_000
# The two screens every task is tried on: a desktop, and a phone (390 x 844 CSS pixels, as an iPhone 12-15).
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TOKENS: dict[tuple[str, str, str], dict[str, str]] = {}


@dataclass(frozen=True)
class Site:
    """The running service: its address, and a way to call its JSON API as a demo user."""

    base_url: str

    def token(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        """Bearer headers for an account (demo accounts' tokens are kept for the run)."""
        key = (self.base_url, username, password)
        if key not in TOKENS:
            response = requests.post(f"{self.base_url}/api/v1/auth/token", timeout=10,
                                     json={"username": username, "password": password})
            response.raise_for_status()
            TOKENS[key] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return TOKENS[key]

    def api(self, username: str, method: str, path: str, **kwargs: Any) -> Any:
        """Call the API as `username` and return the JSON body (any error fails the test)."""
        response = requests.request(method, f"{self.base_url}{path}", headers=self.token(username), timeout=10,
                                    **kwargs)
        assert response.ok, (path, response.status_code, response.text)
        return response.json()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium; skipped without it (failed instead when TEST_REQUIRE_SERVICES=1)."""
    if not CHROMIUM.exists():
        if REQUIRE_SERVICES:
            pytest.fail(f"{CHROMIUM} is required (scripts/test installs Debian's chromium)")
        pytest.skip(f"{CHROMIUM} is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[Site]:
    """`flask run` on a free loopback port over 60 freshly seeded demo episodes; always stopped afterwards."""
    extra = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "64"}
    with seeded_server(tmp_path_factory.mktemp("browser"), episodes=60, extra_env=extra) as base_url:
        yield Site(base_url)


@pytest.fixture(scope="session")
def playwright_driver(chromium_path: Path) -> Iterator[Any]:
    """Playwright for the run (one per process: tests needing their own browser profile launch from it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver: Any, chromium_path: Path) -> Iterator[Any]:
    """One headless chromium for the run, driven by playwright (never its bundled browser download)."""
    instance = playwright_driver.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS,
                                                 timeout=30_000)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab with its own cookies, tablet-sized, with bounded waits; no page may break the CSP."""
    context = browser.new_context(viewport={"width": 1024, "height": 1366}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    tab.set_default_navigation_timeout(TIMEOUT_MS)
    refused: list[str] = []
    tab.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
           else None)
    try:
        yield tab
    finally:
        context.close()
    assert not refused, refused


@pytest.fixture(scope="session")
def signed_in_states(browser: Any, site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each demo person signed in once through the form; their cookies saved for later tabs (fewer page loads)."""
    states: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("states")
    for username in ("manager.homefirst", "commissioner", "admin"):
        context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="en-GB")
        tab = context.new_page()
        sign_in(tab, site, username)
        path = str(folder / f"{username}.json")
        context.storage_state(path=path)
        context.close()
        states[username] = path
    return states


@pytest.fixture(params=list(VIEWPORTS))
def screen(request: pytest.FixtureRequest) -> str:
    """The screen a task test runs on: 'desktop' or 'phone'."""
    name: str = request.param
    return name


@dataclass
class Tabs:
    """Opens a tab signed in as a demo person, on the test's screen; closes them all afterwards."""

    browser: Any
    states: dict[str, str]
    screen: str
    contexts: list[Any]
    refusals: list[str]
    javascript: bool = True

    def as_user(self, username: str | None) -> Any:
        """A new tab with `username`'s cookies (None: signed out)."""
        context = self.browser.new_context(viewport=VIEWPORTS[self.screen], locale="en-GB",
                                           storage_state=self.states[username] if username else None,
                                           java_script_enabled=self.javascript)
        self.contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.set_default_navigation_timeout(TIMEOUT_MS)
        tab.on("console", lambda message: self.refusals.append(message.text)
               if "Content Security Policy" in message.text else None)
        return tab


@pytest.fixture
def tabs(browser: Any, signed_in_states: dict[str, str], screen: str) -> Iterator[Tabs]:
    """Tabs for the test's screen; no page may break the CSP."""
    opened = Tabs(browser, signed_in_states, screen, [], [])
    try:
        yield opened
    finally:
        for context in opened.contexts:
            context.close()
    assert not opened.refusals, opened.refusals


def no_sideways_scroll(page: Any) -> bool:
    """The page fits the viewport's width (nothing to scroll sideways)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def sign_in(page: Any, site: Site, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person would."""
    page.goto(f"{site.base_url}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page: Any, name: str) -> None:
    """Save a full-page screenshot as a test artifact (git-ignored), named with the screen when it is a phone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def screenshots(page: Any, task: str, screen: str) -> None:
    """A task's screenshot on this screen: test-artifacts/screenshots/<task>-<screen>.png."""
    screenshot(page, f"{task}-{screen}")
