"""A real browser for the tests of pages: headless Chromium (Debian's, installed by
scripts/chromium.sh) driven by Playwright, and what a page test watches on every page."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

CHROMIUM = os.environ.get("PETSTORE_CHROMIUM", "/usr/bin/chromium")
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


def require_chromium() -> None:
    """Skip the calling module when Chromium is missing, except in CI, which must run the
    browser tests (call it at module level)."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must run the browser tests: {CHROMIUM} is missing")
    pytest.skip(
        f"{CHROMIUM} is missing (bash scripts/test.sh installs it)", allow_module_level=True
    )


@asynccontextmanager
async def headless_chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class PageWatch:
    """What went wrong on a page while it was watched: console errors (a CSP violation is
    one), answers of 400 and above, and requests that left ``base_url`` (a page that works
    offline makes none)."""

    problems: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, page: Page, base_url: str) -> PageWatch:
        watch = cls()
        page.on("console", lambda m: watch.problems.append(m.text) if m.type == "error" else None)
        page.on(
            "request",
            lambda r: None if r.url.startswith(base_url) else watch.outside.append(r.url),
        )
        page.on(
            "response",
            lambda r: watch.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        return watch
