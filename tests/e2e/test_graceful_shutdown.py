"""Graceful shutdown of ``petstore serve``: on SIGTERM the listening socket closes at once, the
request in flight (a client still uploading its body) completes, the webhook delivery in
flight (a receiver that takes seconds to answer) is finished and recorded as delivered, and
the process exits 0."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.accounts import PASSWORD
from tests.support.pets import PET
from tests.support.servers import create_staff, petstore, run_server, server_env, wait_for
from tests.support.webhooks import Receiver, Reply

pytestmark = [pytest.mark.e2e]

STAFF = "shutdownstaff"
RECEIVER_DELAY = 5.0  # the first delivery is still in flight when the server is told to stop
UPLOAD_SECONDS = 3.0  # how long the slow client takes to send its request body
TENANT = str(uuid.uuid4())


def refuses_connections(port: int) -> bool | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return None
    except ConnectionRefusedError:
        return True


def slow_body(payload: dict[str, Any], started: threading.Event) -> Iterator[bytes]:
    """The JSON body in pieces spread over UPLOAD_SECONDS (sent chunked)."""
    data = json.dumps(payload).encode()
    pieces = 6
    size = -(-len(data) // pieces)
    for n in range(pieces):
        yield data[n * size : (n + 1) * size]
        started.set()
        time.sleep(UPLOAD_SECONDS / pieces)


def deliveries(database_url: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as conn:
                result = await conn.execute(
                    text("SELECT status, attempts, locked_until, last_status_code FROM deliveries")
                )
                return list(result.all())
        finally:
            await engine.dispose()

    return asyncio.run(run())


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = server_env(
        f"sqlite+aiosqlite:///{tmp_path / 'shutdown.db'}",
        PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8",
        PETSTORE_WORKER_ENABLED="true",
        PETSTORE_WORKER_POLL_SECONDS="0.2",
        PETSTORE_WEBHOOK_TIMEOUT_SECONDS="15",
        PETSTORE_SHUTDOWN_GRACE_SECONDS="30",
    )
    petstore(environment, "migrate")
    create_staff(environment, STAFF, PASSWORD, TENANT)
    return environment


def test_sigterm_finishes_requests_and_deliveries_in_flight_then_exits_0(
    env: dict[str, str], tmp_path: Path
) -> None:
    headers = {"X-Tenant-ID": TENANT}
    with (
        Receiver(default=Reply(200, "ok", delay=RECEIVER_DELAY)) as receiver,
        run_server(env, tmp_path / "server.log") as server,
        httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client,
    ):
        login = client.post("/v1/auth/tokens", json={"username": STAFF, "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['token']}"}
        hook = client.post(
            "/v1/webhooks",
            json={"url": receiver.url(), "events": ["pet.available"]},
            headers=auth,
        )
        assert hook.status_code == 201, hook.text
        first = client.post("/v1/pets", json={**PET, "name": "Before"}, headers=auth)
        assert first.status_code == 201, first.text
        wait_for("the delivery to reach the receiver", lambda: receiver.hits() or None, 30)

        # A client starts uploading a new pet, slowly ...
        started = threading.Event()
        outcome: dict[str, httpx.Response | BaseException] = {}

        def upload() -> None:
            try:
                with httpx.Client(timeout=60) as uploader:
                    outcome["response"] = uploader.post(
                        f"{server.base_url}/v1/pets",
                        content=slow_body({**PET, "name": "During"}, started),
                        headers={**headers, **auth, "Content-Type": "application/json"},
                    )
            except BaseException as exc:
                outcome["error"] = exc

        uploading = threading.Thread(target=upload)
        uploading.start()
        assert started.wait(10)
        time.sleep(0.3)

        # ... while the delivery is still waiting for the receiver: SIGTERM.
        assert receiver.answered == 0
        server.process.send_signal(signal.SIGTERM)
        wait_for("the port to refuse new connections", lambda: refuses_connections(server.port), 10)
        assert server.process.poll() is None, "the server quit with work in flight"
        assert uploading.is_alive(), "the upload finished before the listener closed"

        uploading.join(60)
        assert "error" not in outcome, outcome
        response = outcome["response"]
        assert isinstance(response, httpx.Response)
        assert response.status_code == 201, response.text
        assert response.json()["name"] == "During"

        assert server.process.wait(timeout=60) == 0
        log = server.log()
    assert "Traceback" not in log, log
    assert "timeout graceful shutdown exceeded" not in log, log

    # The delivery in flight was finished and recorded: it will not be sent again.
    hits = receiver.hits()
    assert receiver.answered == len(hits) >= 1
    rows = deliveries(env["PETSTORE_DATABASE_URL"])
    succeeded = [row for row in rows if row.status == "SUCCEEDED"]
    assert len(succeeded) == len(hits)
    assert all(row.attempts == 1 and row.last_status_code == 200 for row in succeeded), rows
    # Anything not sent yet (the upload's own event) waits, unclaimed, for the next start.
    for row in rows:
        assert row.status in {"SUCCEEDED", "PENDING"}, rows
        if row.status == "PENDING":
            assert row.attempts == 0, rows
            assert row.locked_until is None, rows
