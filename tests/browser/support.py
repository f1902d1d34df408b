"""What the browser tests share: Chromium from the system's packages, driven by Playwright for Python
pointed at that executable (`playwright install` is never run), and pages that may reach only the
local gateway. A missing Chromium fails the tests with a message saying how to install it; they are
never skipped. The fixtures are in conftest.py."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 20_000  # a loaded 2-core machine: lookups through the gateway take a moment


def site_url(stage_url: str) -> str:
    """The preview page's URL: the gateway's root, outside the stage."""
    return re.sub(r"/[^/]+$", "/", stage_url)


def new_page(browser: Browser, site: str, *, hold_others: bool = False) -> tuple[Page, list[str]]:
    """A fresh page that may reach `site` only, and the JavaScript errors it raises.

    Every other request (the products' image CDN) is aborted, as offline; with `hold_others` it is
    left unanswered instead, as behind a network that does not answer (the page's close ends them).
    """
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        lambda url: not url.startswith(site),
        (lambda _route: None) if hold_others else (lambda route: route.abort()),
    )
    return page, errors
