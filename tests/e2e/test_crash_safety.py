"""Crash safety of event delivery: a real server process is SIGKILLed while deliveries are in
flight; after a restart on the same database every event still arrives, with its stable
``webhook-id`` and valid signatures. On SQLite and on PostgreSQL."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.accounts import PASSWORD, auth_of, login
from tests.support.databases import empty_database
from tests.support.pets import PET
from tests.support.servers import (
    closed_port,
    create_staff,
    petstore,
    run_server,
    server_client,
    server_env,
    wait_for,
)
from tests.support.settings import DATABASES
from tests.support.webhooks import Receiver, Reply, verify_signed

pytestmark = [pytest.mark.e2e]

STAFF = "crashstaff"
PETS = 12
ORDERS = 6
# pet.created + pet.available per pet; order.created + pet.statusChanged per order
EVENTS = 2 * PETS + 2 * ORDERS
SLOW_ANSWER_SECONDS = 3.0
TENANT = str(uuid.uuid4())


@pytest.fixture(params=DATABASES)
def env(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    """A migrated database with one staff account, and the server's environment for it."""
    root = tmp_path_factory.mktemp(f"crash-{request.param}")
    with empty_database(request.param, root, "crash") as url:
        environment = server_env(
            url,
            PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8",
            # Quick retries, and enough of them (30 s) that no delivery runs out of attempts and
            # goes FAILED while a busy machine is still creating the pets and orders of step (a).
            PETSTORE_WEBHOOK_RETRY_SCHEDULE=",".join(["0"] + ["0.5"] * 60),
            PETSTORE_WEBHOOK_LEASE_SECONDS="2",
            PETSTORE_WORKER_POLL_SECONDS="0.2",
            PETSTORE_WORKER_ENABLED="true",
        )
        environment["CRASH_TEST_ROOT"] = str(root)
        petstore(environment, "migrate")
        create_staff(environment, STAFF, PASSWORD, TENANT)
        yield environment


def deliveries(client: httpx.Client, auth: dict[str, str], sub_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/webhooks/{sub_id}/deliveries", headers=auth)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_deliveries_survive_a_crash_mid_flight(env: dict[str, str]) -> None:
    root = Path(env["CRASH_TEST_ROOT"])
    # (a) The receiver is down: events pile up with failed attempts.
    with (
        closed_port() as port,
        run_server(env, root / "first.log") as first,
        server_client(first.base_url, TENANT) as client,
    ):
        hook_url = f"http://127.0.0.1:{port}/hooks/crash"
        auth = auth_of(login(client, STAFF))
        created = client.post("/v1/webhooks", json={"url": hook_url, "events": ["*"]}, headers=auth)
        assert created.status_code == 201, created.text
        sub_id, secret = created.json()["id"], created.json()["secret"]
        for n in range(PETS):
            pet = client.post("/v1/pets", json={**PET, "name": f"Crash {n}"}, headers=auth)
            assert pet.status_code == 201, pet.text
            if n < ORDERS:
                order = client.post("/v1/orders", json={"petId": pet.json()["id"]}, headers=auth)
                assert order.status_code == 201, order.text

        def all_failed_once() -> list[dict[str, Any]] | None:
            found = deliveries(client, auth, sub_id)
            if len(found) == EVENTS and all(d["attempts"] for d in found):
                return found
            return None

        queued = wait_for("a failed attempt for every event", all_failed_once, 30)
        assert all(d["status"] == "PENDING" for d in queued), queued
        answered = [a for d in queued for a in d["attempts"] if not a["error"]]
        assert not answered, f"attempts answered while the receiver was down: {answered}"
        event_ids = {d["eventId"] for d in queued}
        assert len(event_ids) == EVENTS
        assert {d["eventType"] for d in queued} == {
            "pet.created",
            "pet.available",
            "order.created",
            "pet.statusChanged",
        }

        # (b) A receiver that takes its time: deliveries are in flight ...
        with Receiver(port=port, default=Reply(200, "slow", delay=SLOW_ANSWER_SECONDS)) as slow:
            wait_for("deliveries in flight", lambda: slow.hits() or None, 30)
            time.sleep(0.5)  # let the rest of the batch arrive
            # ... (c) when the server dies without any chance to clean up.
            first.process.kill()
            first.process.wait(timeout=10)
            in_flight = len(slow.hits()) - slow.answered
            assert in_flight > 0, "no delivery was in flight at the crash"
    assert "delivery batch failed" not in first.log()

    # (d) Restart on the same database; a healthy receiver on the same port.
    with (
        Receiver(port=port) as healthy,
        run_server(env, root / "second.log") as second,
        server_client(second.base_url, TENANT) as client,
    ):
        auth = auth_of(login(client, STAFF))

        def everything_arrived() -> bool | None:
            arrived = {hit.webhook_id for hit in healthy.hits()}
            return True if event_ids <= arrived else None

        # (e) Nothing is lost.
        wait_for("every event at the receiver", everything_arrived, 60)

        def all_succeeded() -> list[dict[str, Any]] | None:
            found = deliveries(client, auth, sub_id)
            return found if all(d["status"] == "SUCCEEDED" for d in found) else None

        final = wait_for("every delivery recorded as SUCCEEDED", all_succeeded, 30)
        assert {d["eventId"] for d in final} == event_ids
        for hit in healthy.hits():
            envelope = verify_signed(hit, secret)
            assert hit.path == "/hooks/crash"
            assert hit.webhook_id == envelope["eventId"]
            assert envelope["eventId"] in event_ids
        # The attempt cut short by the crash was never recorded; its number was reused.
        for delivery in final:
            numbers = [a["attempt"] for a in delivery["attempts"]]
            assert numbers == list(range(1, len(numbers) + 1)), delivery
            assert delivery["attempts"][-1]["statusCode"] == 200, delivery
    assert "delivery batch failed" not in second.log()
    assert "Traceback" not in second.log()
