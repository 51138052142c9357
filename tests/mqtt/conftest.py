"""A private broker per module, and a server environment pointing at it, on each database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.accounts import PASSWORD
from tests.support.databases import empty_database
from tests.support.mqtt import Broker, running_broker
from tests.support.servers import create_staff, petstore, server_env
from tests.support.settings import DATABASES

STAFF = "mqttstaff"
TENANT = str(uuid.uuid4())


@dataclass
class Setup:
    broker: Broker
    env: dict[str, str]
    root: Path


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    with running_broker(tmp_path_factory.mktemp("broker")) as running:
        yield running


@pytest.fixture(params=DATABASES)
def setup(
    request: pytest.FixtureRequest, broker: Broker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setup]:
    """A migrated database with a staff account (shared pool and TENANT), and the server's
    environment: publishing to the broker, polling often, a short publisher lease."""
    root = tmp_path_factory.mktemp(f"mqtt-{request.param}")
    with empty_database(request.param, root, "mqtt") as url:
        env = server_env(
            url,
            PETSTORE_MQTT_URL=broker.url,
            PETSTORE_WORKER_ENABLED="true",
            PETSTORE_WORKER_POLL_SECONDS="0.2",
            PETSTORE_MQTT_LEASE_SECONDS="3",
        )
        petstore(env, "migrate")
        create_staff(env, STAFF, PASSWORD)
        create_staff(env, STAFF + "t", PASSWORD, TENANT)
        yield Setup(broker, env, root)
