"""The live feed on real databases: two app instances sharing one database (PostgreSQL through
LISTEN/NOTIFY, SQLite through Redis) hear each other's commits, and only commits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from petstore.container import Container, container_of
from petstore.core.events import EventType
from petstore.core.live import MAX_NOTIFY_BYTES, LiveMessage, Subscription
from petstore.pets.events import PET_AVAILABLE
from tests.support.apps import running_app
from tests.support.databases import redis_database
from tests.support.settings import REDIS_URL, fast_settings

WITHIN = 30.0


async def _next(subscription: Subscription) -> LiveMessage:
    return await asyncio.wait_for(anext(subscription), WITHIN)


async def _commit(
    container: Container, tenant: str, data: dict[str, Any], event: EventType = PET_AVAILABLE
) -> str:
    async with container.sessionmaker() as session, session.begin():
        recorded = await container.bus.record(session, event, tenant, data)
    return str(recorded.id)


async def _roll_back(container: Container, tenant: str) -> None:
    async with container.sessionmaker() as session:
        await session.begin()
        await container.bus.record(session, PET_AVAILABLE, tenant, {"id": "never"})
        await session.rollback()


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[tuple[Container, Container]]:
    """Two app instances on one database; on SQLite they share a Redis too (as two processes
    would have to)."""
    extra: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        if REDIS_URL is None:
            pytest.skip("SQLite instances share live events through Redis; none is running")
        extra["redis_url"] = redis_database(7)
    async with AsyncExitStack() as stack:
        apps: list[FastAPI] = [
            await stack.enter_async_context(running_app(fast_settings(database_url, **extra)))
            for _ in range(2)
        ]
        yield container_of(apps[0]), container_of(apps[1])


async def test_a_commit_is_heard_by_every_instance_and_a_rollback_by_none(
    instances: tuple[Container, Container],
) -> None:
    writer, other = instances
    tenant = str(uuid.uuid4())
    async with (
        other.live.subscribe(tenant=tenant) as there,
        writer.live.subscribe(tenant=tenant) as here,
    ):
        await _roll_back(writer, tenant)
        event_id = await _commit(writer, tenant, {"id": "pet-1"})
        for subscription in (there, here):
            message = await _next(subscription)  # the rolled-back event never arrives first
            assert message.channel == "events"
            assert message.tenant == tenant
            assert message.data["eventId"] == event_id
            assert message.data["eventType"] == "pet.available"
            assert message.data["data"] == {"id": "pet-1"}


async def test_listeners_hear_only_their_tenant_in_commit_order(
    instances: tuple[Container, Container],
) -> None:
    writer, other = instances
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    async with other.live.subscribe(tenant=mine) as subscription:
        await _commit(writer, theirs, {"id": "not-yours"})
        first = await _commit(writer, mine, {"id": "a"})
        second = await _commit(writer, mine, {"id": "b"})
        heard = [(await _next(subscription)).data["eventId"] for _ in range(2)]
    assert heard == [first, second]


async def test_an_envelope_too_large_for_a_notification_still_arrives_whole(
    instances: tuple[Container, Container],
) -> None:
    writer, other = instances
    tenant = str(uuid.uuid4())
    large = {"id": "big", "description": "x" * (MAX_NOTIFY_BYTES * 2)}
    async with other.live.subscribe(tenant=tenant) as subscription:
        event_id = await _commit(writer, tenant, large)
        message = await _next(subscription)
    assert message.data["eventId"] == event_id
    assert message.data["data"] == large


async def test_an_ephemeral_broadcast_reaches_the_other_instance_on_its_channel_only(
    instances: tuple[Container, Container],
) -> None:
    writer, other = instances
    tenant = str(uuid.uuid4())
    async with (
        other.live.subscribe(channel="typing", tenant=tenant) as typing,
        other.live.subscribe(tenant=tenant) as events,
    ):
        await writer.live.broadcast("typing", tenant, {"conversation": "c1", "typing": True})
        message = await _next(typing)
        assert message == LiveMessage("typing", tenant, {"conversation": "c1", "typing": True})
        event_id = await _commit(writer, tenant, {"id": "after"})
        assert (await _next(events)).data["eventId"] == event_id  # no typing on "events"


async def test_a_broadcast_on_the_events_channel_or_too_large_is_refused(
    instances: tuple[Container, Container],
) -> None:
    writer, _ = instances
    with pytest.raises(ValueError, match="recorded on the bus"):
        await writer.live.broadcast("events", "", {"eventId": "forged"})
    with pytest.raises(ValueError, match="limited to"):
        await writer.live.broadcast("typing", "", {"text": "x" * MAX_NOTIFY_BYTES})


async def test_a_listener_that_falls_behind_is_ended_and_told(
    instances: tuple[Container, Container],
) -> None:
    writer, other = instances
    tenant = str(uuid.uuid4())
    async with other.live.subscribe(tenant=tenant, max_queue=2) as slow:
        async with other.live.subscribe(tenant=tenant) as keeping_up:
            ids = [await _commit(writer, tenant, {"id": str(n)}) for n in range(3)]
            assert [(await _next(keeping_up)).data["eventId"] for _ in ids] == ids
        heard = [message.data["eventId"] async for message in slow]
    assert heard == ids[:2]
    assert slow.overflowed


async def test_stopping_the_feed_ends_its_listeners(database_url: str) -> None:
    async with running_app(fast_settings(database_url)) as app:
        feed = container_of(app).live
        async with feed.subscribe() as subscription:
            await feed.stop()
            assert [message async for message in subscription] == []
            assert not subscription.overflowed


async def test_a_lone_sqlite_process_hears_its_own_commits(tmp_path: Any) -> None:
    from petstore.migrations.runner import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'lone.db'}"
    upgrade(url)
    async with running_app(fast_settings(url, redis_url=None)) as app:
        container = container_of(app)
        async with container.live.subscribe(tenant="") as subscription:
            await _roll_back(container, "")
            event_id = await _commit(container, "", {"id": "lone"})
            assert (await _next(subscription)).data["eventId"] == event_id


async def test_an_instance_listens_again_after_its_postgres_connection_is_killed(
    database_url: str, instances: tuple[Container, Container]
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the LISTEN connection is PostgreSQL's")
    writer, other = instances
    tenant = str(uuid.uuid4())
    async with writer.engine.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            )
        )
    assert killed >= 2  # each instance's listener (and any other app on this database)
    async with other.live.subscribe(tenant=tenant) as subscription:
        deadline = asyncio.get_running_loop().time() + WITHIN * 2
        committed: list[str] = []
        while True:  # events committed while it reconnects are missed: the feed is live only
            committed.append(await _commit(writer, tenant, {"id": "again"}))
            try:
                message = await asyncio.wait_for(anext(subscription), 1.0)
                break
            except TimeoutError:
                assert asyncio.get_running_loop().time() < deadline, "never listened again"
    assert message.data["eventId"] in committed
