"""The AsyncAPI page in headless Chromium: rendered by the server, it shows every channel and
message with its schema, and fetches nothing (no script, nothing from outside)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import PageWatch, headless_chromium, require_chromium
from tests.support.servers import RunningServer, fresh_sqlite_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
require_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with fresh_sqlite_server(tmp_path_factory.mktemp("asyncapi-page"), "page") as running:
        yield running


async def test_the_page_shows_the_chat_and_the_mqtt_channels(
    server: RunningServer, tmp_path: Path
) -> None:
    async with headless_chromium() as browser:
        page = await browser.new_page()
        watch = PageWatch.of(page, server.base_url)
        response = await page.goto(f"{server.base_url}/v1/asyncapi")
        assert response is not None
        assert response.status == 200
        assert "script-src" not in (response.headers.get("content-security-policy") or "x")
        assert await page.title() == "Modern Petstore events - AsyncAPI"
        chat = page.locator("section#supportChat")
        assert "/v1/ws/chat" in await chat.locator("h2").inner_text()
        first = chat.locator("details").first
        await first.locator("summary").click()
        assert '"type"' in await first.locator("pre").inner_text()
        assert await page.locator("section").count() > 10  # the MQTT topics too
        await page.screenshot(path=str(tmp_path / "asyncapi.png"), full_page=True)
    assert watch.problems == []
    assert watch.outside == []
