"""Configuring MQTT: the broker URL is checked when the server starts, and a server with no
broker runs and says once that MQTT is off (and writes no MQTT messages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from petstore.core.settings import Settings
from petstore.mqtt.publisher import client_options
from tests.support.servers import fresh_sqlite_server


@pytest.mark.parametrize("url", ["http://broker:1883", "mqtt://", "broker:1883"])
def test_a_broker_url_that_is_not_mqtt_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="mqtt://"):
        Settings(mqtt_url=url)


def test_the_url_gives_the_connection() -> None:
    plain = client_options("mqtt://petstore:s%40cret@broker.example:1884")
    assert (plain["hostname"], plain["port"], plain["username"], plain["password"]) == (
        "broker.example",
        1884,
        "petstore",
        "s@cret",
    )
    assert plain["tls_context"] is None
    secure = client_options("mqtts://broker.example")
    assert secure["port"] == 8883
    assert secure["tls_context"] is not None


@pytest.mark.e2e
def test_without_a_broker_the_server_runs_and_says_once_that_mqtt_is_off(tmp_path: Path) -> None:
    with fresh_sqlite_server(tmp_path, "no-mqtt", PETSTORE_LOG_LEVEL="INFO") as server:
        log = server.log()
    assert log.count("MQTT is off") == 1
