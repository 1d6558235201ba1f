"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browsers here, so the system Chromium is used. Without it the
tests are skipped — except in CI (TRD_REQUIRE_BROWSER=1), where a missing browser is a failure.
One browser per session; each test gets a fresh context (cookies, storage) and page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse the
# database calls the tests make to set up data (SynchronousOnlyOperation). Set for the whole
# session, not per test: the session-scoped browser keeps that loop alive for every test after it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("TRD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(os.environ.get("TRD_SCREENSHOT_DIR", "/tmp/shots"))
# Long enough for the live server on a busy 2-core machine, short enough to fail fast.
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def require_chromium(executable: Path = CHROMIUM) -> Path:
    """The Chromium to drive; skips the test without one, or fails when CI requires a browser."""
    if executable.exists():
        return executable
    reason = f"Chromium not found at {executable} (apt-get install chromium, or bash scripts/install.sh test)"
    if os.environ.get("TRD_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TRD_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Chromium asks for /favicon.ico on its own; the pages never link it.
_IGNORED_FAILED_PATHS = ("/favicon.ico",)


class BrowserPage:
    """A page plus what went wrong in it: script errors, CSP violations, failed requests."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("response", self._on_response)

    def _on_console(self, message):
        # a failed request is reported (with its URL) by _on_response
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _on_response(self, response):
        if response.status >= 400 and not response.url.endswith(_IGNORED_FAILED_PATHS):
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"GET {path}: {response and response.status}"
        return response

    def screenshot(self, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield BrowserPage(page, live_server.url)
    finally:
        context.close()


@pytest.fixture
def log_in(browser_page):
    """Log in through the login form, as a clinician would."""

    def log_in_as(username: str, password: str):
        page = browser_page.page
        browser_page.open("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        if "/accounts/two-factor/verify/" in page.url:  # an enrolled user: type the app's code
            from django.contrib.auth import get_user_model

            from trd_clinic.accounts.demo import current_totp

            page.get_by_label("Authentication code").fill(current_totp(get_user_model().objects.get(username=username)))
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, f"still on the login page: {page.content()[:2000]}"

    return log_in_as
