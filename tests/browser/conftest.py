"""Browser fixtures: Debian's chromium driven headless by Playwright, against a real
uvicorn server on a loopback port, on each backend (the `database_url` fixture).

Playwright never downloads a browser here: it launches /usr/bin/chromium, which
./scripts/test installs from Debian's packages when it is missing. Without it the
browser tests fail under CI, and are skipped, saying why, elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI
from tests.e2e.conftest import LiveServer, password_of, wiring  # noqa: F401 (a fixture)

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} is missing: apt-get install chromium (./scripts/test does)"
        if IN_CI:
            pytest.fail(f"the browser tests are required in CI: {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def live(wiring: Any) -> Iterator[str]:  # noqa: F811 (the fixture imported above)
    with LiveServer(wiring) as base_url:
        yield base_url


class Person:
    """One person at the desk: a browser context of their own (cookies, language)."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url, locale="zh-CN",
                                           viewport={"width": 1280, "height": 900})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()

    def sign_in(self, username: str) -> Any:
        page = self.page
        page.goto("/login")
        page.fill("#f-username", username)
        page.fill("#f-password", password_of(username))
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_load_state()
        return page


@pytest.fixture
def people(browser: Any, live: str) -> Iterator[Any]:
    made: list[Person] = []

    def person() -> Person:
        made.append(Person(browser, live))
        return made[-1]

    yield person
    for each in made:
        each.context.close()
