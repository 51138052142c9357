"""MQTT as a transport of the event bus: each event's messages are written to the MQTT outbox
in the transaction of the change (so a committed change cannot lose them), and the publisher is
woken after the commit; an instance that is not the publisher leaves them for the one that is."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from petstore.core.events import DomainEvent
from petstore.mqtt import repository
from petstore.mqtt.topics import publications


class MqttTransport:
    def __init__(self) -> None:
        self.wakeup = asyncio.Event()

    async def stage(self, session: AsyncSession, event: DomainEvent) -> None:
        planned = publications(event)
        if planned:
            await repository.add_messages(
                session, event.id, event.tenant, planned, event.occurred_at
            )

    def committed(self, events: Sequence[DomainEvent]) -> None:
        self.wakeup.set()
