"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live server.

Playwright's own browser download is not used; CHROMIUM_PATH (default /usr/bin/chromium) names the browser,
and the tests are skipped when it is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"


# Package scope: one browser for all of tests/e2e, closed (with Playwright's event loop) before other tests
# run, so the async-safety switch below never outlives the browser tests or leaks into subprocesses.
@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.access(executable, os.X_OK):
        pytest.skip(f"Chromium not found at {executable}: install it or set CHROMIUM_PATH to run browser tests.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread, so Django takes that thread's
    # (synchronous) ORM calls for async ones; they are safe, and allowed only while the browser runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, default_statuses) -> Iterator:
    """A fresh browser context (no cookies, no storage) per test, with URLs relative to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1366, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def results_dir() -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR
