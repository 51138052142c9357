"""``GET /`` and the unversioned redirects, through HTTP on both databases."""

from __future__ import annotations

import httpx
import pytest

from petstore.frontdoor.links import LINKS, DoorLink, Section, has_path
from petstore.frontdoor.routes import wants_html

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_a_browser_gets_a_self_contained_html_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for href in ("/v1/docs", "/v1/openapi.json", "/healthz", "/metrics"):
        assert f'href="{href}"' in page
    assert "http://" not in page.replace(str(client.base_url), "")  # no external assets
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy


async def test_a_json_client_gets_an_index_of_the_same_links(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.json()
    hrefs = {link["href"] for link in body["links"]}
    assert f"{client.base_url}/v1/docs" in hrefs
    assert f"{client.base_url}/readyz" in hrefs
    assert body["version"]
    assert response.headers["vary"] == "Accept"


async def test_links_to_doors_not_served_are_left_out(client: httpx.AsyncClient) -> None:
    body = (await client.get("/", headers={"Accept": "application/json"})).json()
    for link in body["links"]:
        path = link["href"].removeprefix(str(client.base_url))
        served = await client.get(path)
        assert served.status_code != 404, path


@pytest.mark.parametrize(
    ("path", "target"),
    [("/docs", "/v1/docs"), ("/openapi.json", "/v1/openapi.json"), ("/v1", "/")],
)
async def test_unversioned_paths_redirect(
    client: httpx.AsyncClient, path: str, target: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 307
    assert response.headers["location"] == target


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER_ACCEPT, True),
        ("*/*", False),
        ("", False),
        ("application/json", False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=oops", False),
    ],
)
def test_only_a_browser_is_sent_html(accept: str, html: bool) -> None:
    from starlette.requests import Request

    request = Request({"type": "http", "headers": [(b"accept", accept.encode())]})
    assert wants_html(request) is html


def test_a_link_with_its_own_predicate_and_the_default_one() -> None:
    from fastapi import FastAPI

    app = FastAPI()
    app.get("/there")(lambda: None)
    assert has_path(app, "/there")
    assert not has_path(app, "/v1/graphql")
    link = DoorLink("X", "/elsewhere", "x", Section.DOORS, exists=lambda _app: True)
    assert link.present(app)
    assert all(link.href.startswith("/") for link in LINKS)
