"""Headless Chromium for browser tests, driven by Playwright through its path.

The project's own install puts Chromium on the machine (scripts/install-browser.sh, run
by the README's test command); a test that cannot find it fails, it never skips.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

# Flags for a root user on a machine with no display and no outside network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    """Chromium's executable: $PLACESIM_CHROMIUM, else chromium on the PATH."""
    path = os.environ.get("PLACESIM_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Chromium not found: run scripts/install-browser.sh (the README's test "
                    "command does) or set PLACESIM_CHROMIUM to its path", pytrace=False)
    return path


@dataclass
class PageLog:
    """What a page did that a test may forbid: console errors, failed requests and
    requests that left the machine."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)

    def watch(self, page, local_hosts: tuple[str, ...] = ("localhost", "127.0.0.1")) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("requestfailed", lambda r: self.failed_requests.append(r.url))

        def request(r) -> None:
            parsed = urlparse(r.url)
            if parsed.scheme in ("http", "https", "ws", "wss") and (
                    parsed.hostname not in local_hosts):
                self.external_requests.append(r.url)
        page.on("request", request)


@contextmanager
def chromium() -> Iterator[object]:
    """A Playwright browser over the machine's Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
