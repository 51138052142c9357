"""Committed changes reach a real broker (mosquitto) through a real server process: the
reference's topics, the webhook envelope, MQTT 5 properties, QoS 1, retained state, the tenant
prefix; anonymous clients may listen and not publish; /readyz and /metrics report the broker."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from tests.mqtt.conftest import STAFF, TENANT, Setup
from tests.support.accounts import PASSWORD, auth_of, login
from tests.support.mqtt import Message, anonymous, broker_check, pending, subscribed
from tests.support.payments import card_payment
from tests.support.pets import PET
from tests.support.servers import run_server, server_client, wait_for

pytestmark = [pytest.mark.e2e]


def _on(topic: str, event_type: str) -> Any:
    def probe(messages: list[Message]) -> Message | None:
        return next(
            (m for m in messages if m.topic == topic and m.payload["eventType"] == event_type),
            None,
        )

    return probe


def _sell_a_pet(client: httpx.Client, auth: dict[str, str]) -> tuple[str, str, str]:
    pet = client.post("/v1/pets", json=PET, headers=auth)
    assert pet.status_code == 201, pet.text
    order = client.post("/v1/orders", json={"petId": pet.json()["id"]}, headers=auth)
    assert order.status_code == 201, order.text
    paid = client.post(
        f"/v1/orders/{order.json()['id']}/payment", json=card_payment(order.json()), headers=auth
    )
    assert paid.status_code == 201, paid.text
    return pet.json()["id"], order.json()["id"], paid.json()["id"]


def test_a_sale_is_published_to_the_reference_topics(setup: Setup) -> None:
    url = anonymous(setup.broker.url)
    with (
        subscribed(url, "pets/#", "orders/#", "payments/#", "inventory/#") as listener,
        run_server(setup.env, setup.root / "server.log") as server,
        server_client(server.base_url, "") as client,
    ):
        auth = auth_of(login(client, STAFF, PASSWORD))
        pet_id, order_id, payment_id = _sell_a_pet(client, auth)
        created = listener.wait_for("pet.created", _on(f"pets/{pet_id}/status", "pet.created"))
        listener.wait_for("order.created", _on(f"orders/{order_id}/status", "order.created"))
        listener.wait_for("the payment", _on(f"orders/{order_id}/payment", "payment.succeeded"))
        paid = listener.wait_for(
            "payment status", _on(f"payments/{payment_id}/status", "payment.succeeded")
        )
    assert set(created.payload) == {"eventId", "eventType", "timestamp", "data"}
    assert created.payload["data"]["pet"]["id"] == pet_id
    assert paid.payload["data"]["payment"]["id"] == payment_id
    for message in (created, paid):
        assert message.qos == 1
        assert message.properties["ContentType"] == "application/json"
        assert message.event_id == message.payload["eventId"]
        assert 0 < message.properties["MessageExpiryInterval"] <= 86_400
    # The pet's events on its status topic, in the order they happened.
    statuses = [
        m.payload["eventType"] for m in listener.received() if m.topic == f"pets/{pet_id}/status"
    ]
    assert statuses[:2] == ["pet.created", "pet.available"]
    assert "pet.statusChanged" in statuses

    # State is retained: a device that subscribes now learns it at once.
    with subscribed(url, f"pets/{pet_id}/availability", "inventory/DOG/stock") as late:
        availability = late.wait_for(
            "the retained availability", _retained(f"pets/{pet_id}/availability")
        )
        stock = late.wait_for("the retained stock", _retained("inventory/DOG/stock"))
    assert availability.payload["data"]["pet"]["status"] != "AVAILABLE"  # it was sold
    assert availability.properties["MessageExpiryInterval"] is None  # state does not expire
    assert stock.payload["eventType"] == "inventory.stock"
    assert stock.payload["data"]["species"] == "DOG"
    assert stock.payload["data"]["total"] >= 1


def _retained(topic: str) -> Any:
    def probe(messages: list[Message]) -> Message | None:
        return next((m for m in messages if m.topic == topic and m.retain), None)

    return probe


def test_a_tenant_s_changes_are_under_its_prefix(setup: Setup) -> None:
    url = anonymous(setup.broker.url)
    with (
        subscribed(url, f"tenants/{TENANT}/#", "pets/#") as listener,
        run_server(setup.env, setup.root / "server.log") as server,
        server_client(server.base_url, TENANT) as client,
    ):
        auth = auth_of(login(client, STAFF + "t", PASSWORD))
        pet = client.post("/v1/pets", json=PET, headers=auth)
        assert pet.status_code == 201, pet.text
        topic = f"tenants/{TENANT}/pets/{pet.json()['id']}/status"
        listener.wait_for("the tenant's pet", _on(topic, "pet.created"))
    # (retained state of earlier tests aside)
    assert not [m for m in listener.received() if m.topic.startswith("pets/") and not m.retain]


def test_anonymous_clients_may_not_publish_to_the_event_topics(setup: Setup) -> None:
    answered: list[ReasonCode] = []
    acknowledged = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)

    def on_publish(*args: Any) -> None:
        answered.append(args[3])
        acknowledged.set()

    client.on_publish = on_publish
    client.connect("127.0.0.1", setup.broker.port)
    client.loop_start()
    try:
        client.publish("orders/forged/status", b'{"eventType": "order.created"}', qos=1)
        assert acknowledged.wait(30)
    finally:
        client.loop_stop()
        client.disconnect()
    assert answered[0].getName() == "Not authorized"


def test_readiness_and_metrics_report_the_broker_without_failing(setup: Setup) -> None:
    with (
        run_server(setup.env, setup.root / "server.log") as server,
        server_client(server.base_url, "") as client,
    ):
        wait_for("the broker connection", lambda: broker_check(client) == "ok" or None, 60)
        setup.broker.stop()
        try:
            wait_for(
                "the broker reported down", lambda: broker_check(client) == "failed" or None, 60
            )
            ready = client.get("/readyz")
            assert ready.status_code == 200  # requests are served; messages wait
            auth = auth_of(login(client, STAFF, PASSWORD))
            assert client.post("/v1/pets", json=PET, headers=auth).status_code == 201
            metrics = client.get("/metrics").text
            assert "petstore_mqtt_connected 0.0" in metrics
            assert pending(client) >= 3  # the new pet's messages wait for the broker
        finally:
            setup.broker.start()
        wait_for("the backlog sent", lambda: pending(client) == 0 or None, 90)
        assert 'petstore_mqtt_messages_total{outcome="published"}' in client.get("/metrics").text
