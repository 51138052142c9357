"""GraphiQL in a real headless Chromium against a server process: it loads with no request
leaving the server and no CSP violation, runs the published GetPets query, and shows the
answer. A screenshot is kept in the test's directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, PageWatch
from tests.support.contract import REPO
from tests.support.servers import RunningServer, petstore, run_server, server_env

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ASSETS = REPO / "var" / "web-assets"  # scripts/web_assets.py (the test command runs it)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    if not (ASSETS / "graphiql" / "graphiql.min.js").is_file():
        pytest.fail("run .venv/bin/python scripts/web_assets.py (scripts/test.sh does)")
    root = tmp_path_factory.mktemp("graphiql")
    env = server_env(f"sqlite+aiosqlite:///{root / 'g.db'}", PETSTORE_WEB_ASSETS_DIR=str(ASSETS))
    petstore(env, "migrate")
    petstore(env, "seed", "--pets", "3")
    with run_server(env, root / "server.log") as running:
        yield running


async def test_graphiql_runs_the_published_query(server: RunningServer, tmp_path: Path) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = await browser.new_page()
        watch = PageWatch.of(page, server.base_url)
        await page.goto(f"{server.base_url}/v1/graphql")
        await page.wait_for_selector(".graphiql-container", timeout=60_000)
        await page.click(".graphiql-execute-button")
        result = page.locator(".graphiql-response")
        await result.get_by_text('"ageMonths"').first.wait_for(timeout=60_000)
        await page.screenshot(path=str(tmp_path / "graphiql.png"), full_page=True)
        text = await result.inner_text()
        await browser.close()
    assert '"pets"' in text
    assert '"species"' in text
    assert watch.outside == []
    assert watch.problems == []
