"""Fixtures for the webhook tests: an app that may call loopback receivers, a worker, and a
receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from fastapi import FastAPI

from petstore.container import container_of
from petstore.webhooks.delivery import DeliveryWorker
from tests.support.apps import running_app
from tests.support.webhooks import Receiver, webhook_settings


@pytest.fixture(scope="module")
async def app(database_url: str) -> AsyncIterator[FastAPI]:
    """The app with loopback receivers allowed; deliveries run by the ``worker`` fixture."""
    async with running_app(webhook_settings(database_url)) as application:
        yield application


@pytest.fixture
async def worker(app: FastAPI) -> AsyncIterator[DeliveryWorker]:
    delivery_worker = DeliveryWorker(container_of(app).sessionmaker, container_of(app).settings)
    yield delivery_worker
    await delivery_worker.aclose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running
