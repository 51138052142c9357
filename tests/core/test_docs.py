"""The docs pages (Swagger UI and its OAuth2 redirect page) carry a strict CSP whose nonce is on
every script they hold, and refuse to be framed. The browser test
(``tests/e2e/test_oauth_browser.py``) checks that the page still works under it."""

from __future__ import annotations

import re

import httpx
import pytest

NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]{20,})'")


def directives(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    parts = (part.strip().partition(" ") for part in policy.split(";") if part.strip())
    return {name: value for name, _, value in parts}


@pytest.mark.parametrize("path", ["/v1/docs", "/v1/docs/oauth2-redirect", "/api/v3/docs"])
async def test_docs_pages_have_a_strict_csp_and_refuse_framing(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["x-frame-options"] == "DENY"
    policy = directives(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert "*" not in response.headers["content-security-policy"]
    match = NONCE.search(policy["script-src"])
    assert match is not None
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    assert all(f'nonce="{match.group(1)}"' in tag for tag in scripts), scripts


async def test_each_answer_has_a_fresh_nonce(client: httpx.AsyncClient) -> None:
    first = directives(await client.get("/v1/docs"))
    second = directives(await client.get("/v1/docs"))
    assert first["script-src"] != second["script-src"]
