"""The front page in a real headless Chromium against a real server process: it renders under
its own CSP (no violation, no request leaving the server), shows the seeded demo account, and
its docs link leads to Swagger UI. A screenshot is kept in the test's directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from petstore.seed import DEMO_STAFF_USERNAME
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PageWatch
from tests.support.servers import RunningServer, petstore, run_server, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("frontdoor")
    env = server_env(f"sqlite+aiosqlite:///{root / 'front.db'}", PETSTORE_MEDIA_DIR=str(root))
    petstore(env, "migrate")
    petstore(env, "seed", "--pets", "3", "--with-staff")
    with run_server(env, root / "server.log") as running:
        yield running


async def test_the_front_page_in_a_browser(server: RunningServer, tmp_path: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        watch = PageWatch.of(page, server.base_url)
        await page.goto(f"{server.base_url}/")
        await page.screenshot(path=str(tmp_path / "front-door.png"), full_page=True)
        shot = os.environ.get("PETSTORE_FRONT_DOOR_SCREENSHOT")
        if shot:
            await page.screenshot(path=shot, full_page=True)
        assert await page.title() == "Petstore"
        # The inline stylesheet applied (a CSP refusal would leave the default font size).
        size = await page.eval_on_selector("h2", "e => getComputedStyle(e).fontSize")
        assert size != "24px"
        assert DEMO_STAFF_USERNAME in await page.inner_text("body")
        await page.click("text=Interactive docs")
        await page.wait_for_selector(".swagger-ui .info", timeout=30_000)
        assert page.url == f"{server.base_url}/v1/docs"
        await browser.close()
    assert watch.problems == []
    assert watch.outside == []
