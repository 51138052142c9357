"""A real MQTT 5 broker and a real subscriber for the MQTT tests.

:class:`Broker` runs Debian's mosquitto with the configuration the project ships
(``scripts/mosquitto.sh``: anonymous subscribe, the server's user publishes), on a port of
its own, so a test can stop it and start it again on the same port. :class:`Subscriber` is a
paho-mqtt client (MQTT 5) that keeps every message it receives.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from prometheus_client.parser import text_string_to_metric_families

from tests.support.contract import REPO
from tests.support.servers import free_port, wait_for

SCRIPT = REPO / "scripts" / "mosquitto.sh"
MOSQUITTO = Path("/usr/sbin/mosquitto")
T = TypeVar("T")


class Broker:
    def __init__(self, directory: Path) -> None:
        if not MOSQUITTO.exists():
            pytest.fail("mosquitto is not installed (scripts/test.sh installs it)")
        self.directory = directory
        self.port = free_port()
        configured = subprocess.run(
            [
                "bash",
                "-c",
                f'source "{SCRIPT}" && mqtt_configure "$1" "$2"',
                "-",
                directory,
                str(self.port),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        self.url = configured.stdout.strip()
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [str(MOSQUITTO), "-c", str(self.directory / "mosquitto.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for("the broker to listen", self._answers, 30)

    @property
    def running(self) -> bool:
        return self._process is not None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=20)
            self._process = None

    def _answers(self) -> bool | None:
        probe = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        try:
            probe.connect("127.0.0.1", self.port, keepalive=5)
        except OSError:
            return None
        probe.disconnect()
        return True

    def log(self) -> str:
        path = self.directory / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def running_broker(directory: Path) -> Iterator[Broker]:
    broker = Broker(directory)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@dataclass
class Message:
    topic: str
    payload: dict[str, Any]
    retain: bool
    qos: int
    properties: dict[str, Any]

    @property
    def event_id(self) -> str:
        return str(dict(self.properties.get("UserProperty", [])).get("event-id"))


@dataclass
class Subscriber:
    """An MQTT 5 client subscribed at QoS 1 (anonymous unless credentials are in ``url``)."""

    url: str
    topics: tuple[str, ...] = ("#",)
    persistent: str | None = None
    """A client id: the broker keeps the session (and queues QoS 1 messages) while this
    client, or the broker itself, is away; the client reconnects on its own."""
    messages: list[Message] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _subscribed: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=self.persistent or "", protocol=mqtt.MQTTv5
        )
        if parts.username:
            self.client.username_pw_set(parts.username, parts.password)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *_args: self._subscribed.set()
        self.client.on_message = self._on_message
        self.client.reconnect_delay_set(min_delay=1, max_delay=2)
        session = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        session.SessionExpiryInterval = 600 if self.persistent else 0
        self.client.connect(
            "127.0.0.1",
            parts.port or 1883,
            keepalive=5,
            clean_start=self.persistent is None,
            properties=session,
        )
        self.client.loop_start()
        if not self._subscribed.wait(30):
            raise AssertionError("the subscription was not acknowledged")

    def _on_connect(self, client: mqtt.Client, *_args: Any) -> None:
        client.subscribe([(topic, 1) for topic in self.topics])

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        props: Properties | None = getattr(message, "properties", None)
        found = {
            "ContentType": getattr(props, "ContentType", None),
            "UserProperty": getattr(props, "UserProperty", []),
            "MessageExpiryInterval": getattr(props, "MessageExpiryInterval", None),
        }
        with self._lock:
            self.messages.append(
                Message(
                    message.topic,
                    json.loads(message.payload),
                    bool(message.retain),
                    message.qos,
                    found,
                )
            )

    def received(self) -> list[Message]:
        with self._lock:
            return list(self.messages)

    def wait_for(
        self, what: str, probe: Callable[[list[Message]], T | None], timeout: float = 60
    ) -> T:
        return wait_for(what, lambda: probe(self.received()), timeout)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@contextmanager
def subscribed(url: str, *topics: str, persistent: str | None = None) -> Iterator[Subscriber]:
    subscriber = Subscriber(url, topics or ("#",), persistent)
    try:
        yield subscriber
    finally:
        subscriber.close()


def anonymous(url: str) -> str:
    """The broker's address without the server's credentials."""
    parts = urlsplit(url)
    return f"mqtt://127.0.0.1:{parts.port}"


def deduplicated(messages: list[Message]) -> list[Message]:
    """What a subscriber keeps after dropping repeats by (topic, ``event-id``)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for message in messages:
        key = (message.topic, message.event_id)
        if key not in seen:
            seen.add(key)
            kept.append(message)
    return kept


def broker_check(client: httpx.Client) -> str:
    """What the server's ``/readyz`` says of the broker (``ok``, ``failed``)."""
    checks = client.get("/readyz").json().get("checks", {})
    return str(checks.get("mqtt", {}).get("status"))


def pending(client: httpx.Client) -> float:
    """The server's ``petstore_mqtt_pending``: messages waiting for the broker."""
    families = text_string_to_metric_families(client.get("/metrics").text)
    gauge = next(f for f in families if f.name == "petstore_mqtt_pending")
    return float(gauge.samples[0].value)
