"""Fixtures of the browser tests: one Chromium per module, a fresh page per test (see support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from devtools.gateway import LocalGateway
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, new_page, site_url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` "
            "(.ci/run does this in CI). They are not skipped.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, gateway: LocalGateway) -> Iterator[Page]:
    page, errors = new_page(browser, site_url(gateway.url))
    yield page
    page.close()
    assert errors == [], f"the page raised JavaScript errors: {errors}"


@pytest.fixture
def site(gateway: LocalGateway) -> str:
    return site_url(gateway.url)
