"""Fixtures for the browser tests: Debian's headless Chromium driven by Playwright against
pytest-django's live server. No browser is ever downloaded; without /usr/bin/chromium the
tests are skipped (`make test` installs it)."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise
# refuse ORM calls from the test code ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright  # noqa: E402

from infohus.accounts.demo import create_demo_accounts  # noqa: E402
from infohus.accounts.models import User  # noqa: E402
from infohus.accounts.people import DEMO_PASSWORD  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Chromium phones home by default; on this closed network those connections are refused
    # and only slow things down.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) or run `make test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """new_context(locale="en-GB") opens a fresh context (own cookies); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(locale: str = "da-DK") -> BrowserContext:
        context = browser.new_context(locale=locale)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def demo_people(transactional_db: None) -> dict[str, User]:
    """The named demo people, committed so that the live server's thread sees them. The root
    conftest's `people` fixture uses `db`, whose transaction the live server cannot see."""
    return create_demo_accounts(password=DEMO_PASSWORD)


def collect_problems(page: Page) -> list[str]:
    """Console errors (CSP violations are reported as console errors) and uncaught page errors."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems
