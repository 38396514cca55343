"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Playwright's sync API keeps an event loop running in the test thread; Django refuses ORM calls
there unless told that this is a test process without real concurrency.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.accounts.logins import authenticator, code_now
from zvhd.accounts.models import User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("ZVHD_SKIP_BROWSER_TESTS") == "1":
            pytest.skip("browser tests skipped on request (ZVHD_SKIP_BROWSER_TESTS=1)")
        pytest.fail("Debian's chromium is missing: run scripts/ensure-chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", timezone_id="Europe/Amsterdam")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Through both login steps: the password, then the code of the user's authenticator app (given one
    here if he has none, so that the login asks for a code instead of linking an app)."""
    device = authenticator(User.objects.get(username=username))
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    page.goto("/inloggen/")
    name = page.get_by_label("Gebruikersnaam")
    try:
        name.wait_for(timeout=5_000)
    except PlaywrightTimeoutError:
        # Seen once in a few hundred runs on PostgreSQL: the login page never showed its form after the
        # cookies of the previous user were cleared; loading it again brings it.
        page.goto("/inloggen/")
    name.fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    code = page.get_by_label("Code")
    code.wait_for()
    code.fill(code_now(device))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
