"""One server process for the MCP tests of a module: SQLite, its public URL set (the issuer
MCP clients compare with the authorization server's metadata), a staff account and a
customer, each with a token for ``/v1/mcp``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.support.accounts import PASSWORD, new_user
from tests.support.mcp import mcp_token
from tests.support.pets import PET
from tests.support.servers import (
    RunningServer,
    create_staff,
    free_port,
    petstore,
    run_server,
    server_env,
)

STAFF = "mcp-staff"
CUSTOMER_SCOPES = "read:pets read:orders write:orders read:user chat:write"


@dataclass
class Store:
    server: RunningServer
    staff_token: str  # for /v1/mcp, every staff scope
    customer_token: str  # for /v1/mcp, a customer's scopes
    customer_rest_token: str  # for the REST API (login)
    staff_rest_token: str
    pet_ids: list[str]

    @property
    def base(self) -> str:
        return self.server.base_url


def rest_login(base: str, username: str) -> str:
    response = httpx.post(
        f"{base}/v1/auth/tokens", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


async def customer(base: str, scopes: str = CUSTOMER_SCOPES) -> tuple[str, str]:
    """A new customer's token for ``/v1/mcp``, and its REST token."""
    body = new_user()
    async with httpx.AsyncClient(base_url=base, timeout=30) as api:
        assert (await api.post("/v1/users", json=body)).status_code == 201
        login = {"username": body["username"], "password": PASSWORD}
        rest = await api.post("/v1/auth/tokens", json=login)
    assert rest.status_code == 200, rest.text
    token = await mcp_token(base, body["username"], PASSWORD, scopes)
    return token, str(rest.json()["token"])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("mcp")
    port = free_port()
    env = server_env(
        f"sqlite+aiosqlite:///{root / 'mcp.db'}", PETSTORE_PUBLIC_URL=f"http://127.0.0.1:{port}"
    )
    petstore(env, "migrate")
    create_staff(env, STAFF, PASSWORD)
    with run_server(env, root / "server.log", port=port) as server:
        base = server.base_url
        staff_rest = rest_login(base, STAFF)
        pet_ids = []
        for name in ("Biscuit", "Pepper", "Mochi"):
            made = httpx.post(
                f"{base}/v1/pets",
                json={**PET, "name": name},
                headers={"Authorization": f"Bearer {staff_rest}"},
            )
            assert made.status_code == 201, made.text
            pet_ids.append(made.json()["id"])
        staff_scopes = "read:pets write:pets read:orders write:orders read:user chat:write"
        staff_token = asyncio.run(mcp_token(base, STAFF, PASSWORD, staff_scopes))
        customer_token, customer_rest = asyncio.run(customer(base))
        yield Store(server, staff_token, customer_token, customer_rest, staff_rest, pet_ids)
        assert "Traceback" not in server.log()
