"""A server process for the chat socket tests (SQLite), and accounts: customers sign up and
log in over REST; staff are made with the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.accounts import PASSWORD, new_user
from tests.support.servers import RunningServer, create_staff, petstore, run_server, server_env


@dataclass
class Chat:
    server: RunningServer

    @property
    def base(self) -> str:
        return self.server.base_url

    def customer(self) -> tuple[str, str]:
        """A new customer's id and REST token."""
        body = new_user()
        signed_up = httpx.post(f"{self.base}/v1/users", json=body)
        assert signed_up.status_code == 201, signed_up.text
        return signed_up.json()["id"], self.login(body["username"])

    def staff(self, username: str) -> str:
        create_staff(self.server.env, username, PASSWORD)
        return self.login(username)

    def login(self, username: str) -> str:
        response = httpx.post(
            f"{self.base}/v1/auth/tokens", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["token"])

    def rest(self, token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )


def start_chat_server(root: Path, label: str, **env: str) -> Iterator[RunningServer]:
    settings = server_env(f"sqlite+aiosqlite:///{root / f'{label}.db'}", **env)
    petstore(settings, "migrate")
    with run_server(settings, root / f"{label}.log") as server:
        yield server
        assert "Traceback" not in server.log()


@pytest.fixture(scope="module")
def chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    # Socket.IO's pings every 2 s: a polling client's disconnect waits for its last poll.
    root = tmp_path_factory.mktemp("chat")
    for server in start_chat_server(root, "chat", PETSTORE_SOCKETIO_PING_SECONDS="2"):
        yield Chat(server)
