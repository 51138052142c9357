"""Allowed hosts: a request whose ``Host`` names none of ``PETSTORE_ALLOWED_HOSTS`` gets a 400
problem before anything is built from that name (links, ``Location``, the OAuth metadata).

Without a public URL, the server's own URLs come from the request's ``Host``; a forged one
would otherwise hand out links (and OAuth endpoints) on the attacker's host.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from petstore.core.settings import Settings
from tests.support.accounts import Account
from tests.support.apps import make_client, running_app
from tests.support.pets import MakePet
from tests.support.problems import assert_problem
from tests.support.settings import fast_settings

FORGED = [
    "evil.example",
    "evil.example:8000",
    "localhost.evil.example",
    "127.0.0.1.nip.io",
    "127.0.0.2",
    "[::2]",
    "localhost:8000@evil.example",
    "",
]
LOOPBACK = ["localhost", "LOCALHOST", "localhost:8000", "127.0.0.1", "127.0.0.1:8000", "[::1]:8000"]


@pytest.fixture(scope="module")
async def loopback_app(database_url: str) -> AsyncIterator[FastAPI]:
    """An app with the development default: no PETSTORE_ALLOWED_HOSTS."""
    async with running_app(fast_settings(database_url, allowed_hosts=None)) as application:
        yield application


@pytest.fixture(scope="module")
async def wildcard_app(database_url: str) -> AsyncIterator[FastAPI]:
    hosts = "*.example.com, api.example.org,[2001:db8::1]"
    async with running_app(fast_settings(database_url, allowed_hosts=hosts)) as application:
        yield application


async def _status(app: FastAPI, host: str, path: str = "/v1/pets") -> httpx.Response:
    async with make_client(app, None) as client:
        return await client.get(path, headers={"Host": host})


def test_the_default_is_the_loopback_names() -> None:
    assert Settings(allowed_hosts=None).trusted_hosts == ("localhost", "127.0.0.1", "[::1]")


@pytest.mark.parametrize("host", LOOPBACK)
async def test_loopback_names_are_served_by_default(loopback_app: FastAPI, host: str) -> None:
    assert (await _status(loopback_app, host)).status_code == 200


@pytest.mark.parametrize("host", FORGED)
async def test_other_hosts_get_a_400_problem(loopback_app: FastAPI, host: str) -> None:
    response = await _status(loopback_app, host)
    body = assert_problem(response, 400, "bad-request")
    assert "Host" in body["detail"]
    assert body["instance"] == "/v1/pets"
    assert response.headers["x-request-id"]
    assert "evil" not in response.text


@pytest.mark.parametrize(
    ("host", "served"),
    [
        ("shop.example.com", True),
        ("a.b.example.com:8443", True),
        ("api.example.org", True),
        ("[2001:db8::1]:8000", True),
        ("example.com", False),  # *.example.com names the subdomains only, as in Starlette
        ("evilexample.com", False),
        ("www.api.example.org", False),
        ("localhost", False),  # the default is replaced, not extended
    ],
)
async def test_wildcards_and_exact_names(wildcard_app: FastAPI, host: str, served: bool) -> None:
    assert ((await _status(wildcard_app, host)).status_code == 200) is served


async def test_forged_host_cannot_steer_the_oauth_metadata(loopback_app: FastAPI) -> None:
    forged = await _status(loopback_app, "evil.example", "/.well-known/oauth-authorization-server")
    assert_problem(forged, 400, "bad-request")
    real = await _status(loopback_app, "localhost:8000", "/.well-known/oauth-authorization-server")
    assert real.json()["token_endpoint"] == "http://localhost:8000/oauth/token"


async def test_forged_host_places_no_order(
    client: httpx.AsyncClient, make_pet: MakePet, user: Account
) -> None:
    pet = await make_pet()
    headers = {**user.auth, "Host": "evil.example"}
    response = await client.post("/v1/orders", json={"petId": pet["id"]}, headers=headers)
    assert_problem(response, 400, "bad-request")
    assert "location" not in response.headers
    assert (await client.get(f"/v1/pets/{pet['id']}")).json()["status"] == "AVAILABLE"


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
async def test_probes_answer_whatever_the_host(loopback_app: FastAPI, path: str) -> None:
    """Balancers and orchestrators probe an instance by its own address; the probes build no
    URL from the Host header."""
    assert (await _status(loopback_app, "10.1.2.3:8000", path)).status_code == 200


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    with pytest.raises(ValidationError, match="PETSTORE_ALLOWED_HOSTS"):
        Settings(env="production", public_url="https://pets.example", allowed_hosts=None)
    configured = Settings(
        env="production", public_url="https://pets.example", allowed_hosts="pets.example"
    )
    assert configured.trusted_hosts == ("pets.example",)


@pytest.mark.parametrize(
    "hosts",
    ["", " , ", "foo.*.example.com", "*example.com", "https://pets.example", "pets.example:443"],
)
def test_malformed_allowed_hosts_are_refused_at_start(hosts: str) -> None:
    with pytest.raises(ValidationError, match="PETSTORE_ALLOWED_HOSTS"):
        Settings(allowed_hosts=hosts)
