"""Event payloads carry absolute links to the public URL, whichever door caused them.

A real server process delivers ``pet.available``, ``order.created`` and ``payment.succeeded``
(and the events around them) to a real receiver. Every link in every payload must start with
``PETSTORE_PUBLIC_URL`` when it is set, and with the base URL of the request that caused the
change when it is not; never a relative path, never the other one. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.accounts import PASSWORD, auth_of, login, new_user
from tests.support.databases import empty_database
from tests.support.payments import VISA, card
from tests.support.pets import PET
from tests.support.servers import (
    create_staff,
    petstore,
    run_server,
    server_client,
    server_env,
    wait_for,
)
from tests.support.settings import DATABASES
from tests.support.webhooks import Receiver

pytestmark = [pytest.mark.e2e]

PUBLIC_URL = "https://pets.example.com"
STAFF = "linkstaff"
TENANT = str(uuid.uuid4())
REQUIRED = {"pet.available", "order.created", "payment.succeeded"}


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with empty_database(request.param, tmp_path_factory.mktemp("links"), "links") as url:
        yield url


def links_in(value: Any) -> Iterator[str]:
    """Every string that is a URL or a path (``/v1/...``), at any depth: a relative link is
    caught as surely as one to the wrong host."""
    if isinstance(value, dict):
        for item in value.values():
            yield from links_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from links_in(item)
    elif isinstance(value, str) and value.startswith(("http:", "https:", "/")):
        yield value


def adopt_and_pay(base_url: str, receiver: Receiver) -> dict[str, list[dict[str, Any]]]:
    """Subscribe, create a pet, order it, pay it; the payloads received, by event type."""
    with server_client(base_url, TENANT) as client:
        staff = auth_of(login(client, STAFF))
        hook = client.post(
            "/v1/webhooks", json={"url": receiver.url(), "events": ["*"]}, headers=staff
        )
        assert hook.status_code == 201, hook.text
        pet = client.post("/v1/pets", json=PET, headers=staff)
        assert pet.status_code == 201, pet.text
        buyer = new_user()
        assert client.post("/v1/users", json=buyer).status_code == 201
        user = auth_of(login(client, buyer["username"]))
        order = client.post("/v1/orders", json={"petId": pet.json()["id"]}, headers=user)
        assert order.status_code == 201, order.text
        payment = {
            "amount": order.json()["totalAmount"],
            "currency": order.json()["currency"],
            "source": card(VISA),
        }
        paid = client.post(f"/v1/orders/{order.json()['id']}/payment", json=payment, headers=user)
        assert paid.status_code == 201, paid.text

    def received() -> dict[str, list[dict[str, Any]]] | None:
        by_type: dict[str, list[dict[str, Any]]] = {}
        for hit in receiver.hits():
            body = hit.json()
            by_type.setdefault(body["eventType"], []).append(body)
        return by_type if by_type.keys() >= REQUIRED else None

    return wait_for("the three events", received, timeout=60)


@pytest.mark.parametrize("public", [True, False], ids=["public-url", "request-url"])
def test_every_event_link_is_absolute_and_points_at_the_public_url(
    database_url: str, tmp_path: Path, public: bool
) -> None:
    extra = {"PETSTORE_PUBLIC_URL": PUBLIC_URL} if public else {}
    env = server_env(
        database_url,
        PETSTORE_OUTBOUND_ALLOW="127.0.0.0/8",
        PETSTORE_WORKER_ENABLED="true",
        PETSTORE_WORKER_POLL_SECONDS="0.2",
        **extra,
    )
    petstore(env, "migrate")
    create_staff(env, STAFF, PASSWORD, TENANT)
    with Receiver() as receiver, run_server(env, tmp_path / "server.log") as server:
        events = adopt_and_pay(server.base_url, receiver)
        expected = PUBLIC_URL if public else server.base_url

    for event_type in REQUIRED:
        for body in events[event_type]:
            links = list(links_in(body["data"]))
            assert links, f"{event_type} carries no link: {body}"
            wrong = [link for link in links if not link.startswith(f"{expected}/v1/")]
            assert wrong == [], f"{event_type} links not under {expected}: {wrong}"
    receipt = events["payment.succeeded"][0]["data"]["receipt"]["receiptUrl"]
    assert receipt.startswith(f"{expected}/v1/receipts/")
