"""Nothing committed is lost on the way to the broker: changes made while it is down go out
in order per resource once it is back (each pet's retained state is its last change); a
publisher killed mid-batch is replaced and what it had not marked sent goes out again (a
subscriber drops the repeats by ``event-id``); two instances on one database publish each
message once."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.mqtt.conftest import STAFF, Setup
from tests.support.accounts import PASSWORD, auth_of, login
from tests.support.mqtt import (
    Message,
    Subscriber,
    anonymous,
    broker_check,
    deduplicated,
    pending,
    subscribed,
)
from tests.support.pets import PET
from tests.support.servers import run_server, server_client, wait_for

pytestmark = [pytest.mark.e2e]

PETS = 6


def _make_changes(client: httpx.Client, count: int = PETS) -> list[str]:
    """``count`` new pets (pet.created, pet.available each), every other one then ordered
    (pet.statusChanged): the ids, in the order they were created."""
    auth = auth_of(login(client, STAFF, PASSWORD))
    ids = []
    for n in range(count):
        pet = client.post("/v1/pets", json={**PET, "name": f"Mqtt {n}"}, headers=auth)
        assert pet.status_code == 201, pet.text
        ids.append(pet.json()["id"])
        if n % 2 == 0:
            order = client.post("/v1/orders", json={"petId": ids[-1]}, headers=auth)
            assert order.status_code == 201, order.text
    return ids


def _expected(ids: list[str]) -> dict[str, list[str]]:
    return {
        pet_id: ["pet.created", "pet.available", *(["pet.statusChanged"] if n % 2 == 0 else [])]
        for n, pet_id in enumerate(ids)
    }


def _statuses(messages: list[Message], ids: list[str]) -> dict[str, list[str]]:
    """Each pet's event types on its status topic, repeats dropped, in the order received."""
    kept = deduplicated(messages)
    return {
        pet_id: [m.payload["eventType"] for m in kept if m.topic == f"pets/{pet_id}/status"]
        for pet_id in ids
    }


def _all_arrived(listener: Subscriber, ids: list[str]) -> dict[str, list[str]] | None:
    found = _statuses(listener.received(), ids)
    expected = _expected(ids)
    done = all(len(found[p]) >= len(expected[p]) for p in ids)
    return found if done else None


def test_changes_made_while_the_broker_is_down_go_out_in_order_once_it_is_back(
    setup: Setup,
) -> None:
    with (
        run_server(setup.env, setup.root / "server.log") as server,
        server_client(server.base_url, "") as client,
    ):
        with _broker_down(setup, client):
            wait_for("the broker seen gone", lambda: broker_check(client) == "failed" or None, 60)
            ids = _make_changes(client)
            assert pending(client) > 0
        wait_for("the backlog sent", lambda: pending(client) == 0 or None, 120)
    # Each pet's retained state is its last change: its messages went out in order.
    expected = {pet_id: kinds[-1] for pet_id, kinds in _expected(ids).items()}
    topics = [f"pets/{pet_id}/availability" for pet_id in ids]
    with subscribed(anonymous(setup.broker.url), *topics) as late:

        def latest(messages: list[Message]) -> dict[str, str] | None:
            found = {m.topic.split("/")[1]: m.payload["eventType"] for m in messages if m.retain}
            return found if len(found) == len(ids) else None

        assert late.wait_for("every pet's state", latest) == expected


def test_every_change_made_while_the_broker_was_down_is_received_once_it_is_back(
    setup: Setup,
) -> None:
    """Received one by one this time: the subscriber must be listening before the backlog
    goes out (a broker that restarts forgets what its offline sessions subscribed to), so
    the server that made the changes is gone before the broker is back, and the next one
    sends the backlog when it starts."""
    with (
        run_server(setup.env, setup.root / "before.log") as server,
        server_client(server.base_url, "") as client,
        _broker_down(setup, client),
    ):
        ids = _make_changes(client)
        assert pending(client) > 0
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=30)
    with (
        subscribed(anonymous(setup.broker.url), "pets/+/status") as listener,
        run_server(setup.env, setup.root / "after.log"),
    ):
        found = listener.wait_for("every change", lambda _m: _all_arrived(listener, ids), 120)
    assert found == _expected(ids)


def test_a_publisher_killed_mid_batch_is_replaced_and_nothing_is_lost(setup: Setup) -> None:
    """Changes are made by an instance that does not publish (its worker is off), so they
    wait; the next instance is killed as soon as its first message is out, the one after it
    sends the rest (and repeats what the killed one had not marked sent)."""
    quiet = {**setup.env, "PETSTORE_WORKER_ENABLED": "false"}
    publishing = {**setup.env, "PETSTORE_MQTT_LEASE_SECONDS": "2"}
    with subscribed(anonymous(setup.broker.url), "pets/+/status") as listener:
        with (
            run_server(quiet, setup.root / "quiet.log") as writer,
            server_client(writer.base_url, "") as client,
        ):
            ids = _make_changes(client, 3 * PETS)
        with run_server(publishing, setup.root / "first.log") as first:
            listener.wait_for("the first message", lambda m: m or None, 120)
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(timeout=30)
        with run_server(publishing, setup.root / "second.log"):
            found = listener.wait_for("every change", lambda _m: _all_arrived(listener, ids), 120)
    assert found == _expected(ids)


@contextmanager
def _broker_down(setup: Setup, client: httpx.Client) -> Iterator[None]:
    """The broker stopped (once the server's publisher is connected) while the block runs."""
    wait_for("the publisher connected", lambda: broker_check(client) == "ok" or None, 60)
    setup.broker.stop()
    try:
        yield
    finally:
        setup.broker.start()


def test_two_instances_publish_each_message_once(setup: Setup) -> None:
    url = anonymous(setup.broker.url)
    env = {**setup.env, "PETSTORE_MQTT_LEASE_SECONDS": "30"}  # a busy machine keeps it
    with (
        subscribed(url, "pets/+/status") as listener,
        run_server(env, setup.root / "one.log") as one,
        run_server(env, setup.root / "two.log") as two,
        server_client(one.base_url, "") as first,
        server_client(two.base_url, "") as second,
    ):
        ids = _make_changes(first, 4) + _make_changes(second, 4)  # even: same parity rule
        listener.wait_for("every change", lambda _m: _all_arrived(listener, ids), 120)
    mine = [m for m in listener.received() if m.topic.split("/")[1] in ids]
    assert len(mine) == len(deduplicated(mine))  # no message went out twice
