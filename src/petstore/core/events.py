"""The event bus: the one way a committed change leaves the domain.

A service records a :class:`DomainEvent` with :func:`record` in the transaction of the change it
reports. The bus stores it in the outbox (:mod:`petstore.core.outbox`) and hands it to every
subscribed :class:`Transport` twice:

- ``stage`` runs **inside** that transaction, so a transport that must never lose an event
  (webhooks) writes its own durable rows there: a rolled-back change leaves nothing behind and a
  committed one cannot be lost, even if the process dies the next instant;
- ``committed`` runs **after** the commit, with the events of that transaction in order, for what
  only makes sense once the change is visible (waking a delivery worker, pushing to live
  listeners). It must not block; its failures are logged, never raised into the request that
  already committed.

Domains declare their event types once (:class:`EventType`, name + payload model); the
documents (OpenAPI ``webhooks``, AsyncAPI) are generated from that catalogue. The bus a session
reports to is bound to its sessionmaker (:meth:`EventBus.session_info`), so services need no
extra argument and no process-wide or context-local state.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field, create_model
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from petstore.core import outbox
from petstore.core.ids import new_id, rfc3339, utcnow
from petstore.core.schemas import OutputModel

logger = logging.getLogger("petstore.events")

_BUS = "petstore.event_bus"
_PENDING = "petstore.events_pending"


@dataclass(frozen=True, slots=True)
class EventType:
    """One kind of event, declared once by the domain that raises it.

    ``title`` names the generated schemas (``PetAvailable`` → ``PetAvailableEvent``);
    ``data`` is the model of the envelope's ``data`` member.
    """

    name: str
    title: str
    summary: str
    data: type[BaseModel]


class EventCatalogue:
    """Every event type the server can raise, in the order the documents list them."""

    def __init__(self, types: Iterable[EventType]) -> None:
        self._types = {t.name: t for t in types}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._types)

    def __iter__(self) -> Iterator[EventType]:
        return iter(self._types.values())

    def __getitem__(self, name: str) -> EventType:
        return self._types[name]

    def __contains__(self, name: object) -> bool:
        return name in self._types


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """A fact about a change, with absolute links already in ``data``."""

    id: uuid.UUID
    type: str
    tenant: str
    occurred_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    def envelope(self) -> dict[str, Any]:
        """The wire form every transport sends (the webhook body, the MQTT payload...)."""
        return {
            "eventId": str(self.id),
            "eventType": self.type,
            "timestamp": rfc3339(self.occurred_at),
            "data": dict(self.data),
        }


class Envelope(OutputModel):
    """What every transport sends: the event's id and time, its type and its ``data``."""

    eventId: uuid.UUID = Field(description="UUIDv7; also the `webhook-id` header.")  # noqa: N815
    timestamp: str = Field(json_schema_extra={"format": "date-time"})


_ENVELOPES: dict[str, type[Envelope]] = {}


def envelope_model(event_type: EventType) -> type[Envelope]:
    """The typed envelope of one event type (``PetAvailableEvent``), for the documents; made
    once per type, so every document names the same schema."""
    model = _ENVELOPES.get(event_type.name)
    if model is None:
        model = create_model(
            f"{event_type.title}Event",
            __base__=Envelope,
            eventType=(Literal[event_type.name], ...),  # type: ignore[arg-type]
            data=(event_type.data, ...),
        )
        _ENVELOPES[event_type.name] = model
    return model


def new_event(event_type: str, tenant: str, data: Mapping[str, Any]) -> DomainEvent:
    return DomainEvent(new_id(), event_type, tenant, utcnow(), data)


class Transport(Protocol):
    """A way out for events (webhooks, MQTT, sockets, GraphQL subscriptions, gRPC streams)."""

    async def stage(self, session: AsyncSession, event: DomainEvent) -> None:
        """Inside the recording transaction: write what must survive a crash."""

    def committed(self, events: Sequence[DomainEvent]) -> None:
        """After the commit: announce; never block, never raise."""


class EventBus:
    """The transports events go to; one per application."""

    def __init__(self) -> None:
        self._transports: list[Transport] = []

    def subscribe(self, transport: Transport) -> None:
        self._transports.append(transport)

    def session_info(self) -> dict[str, Any]:
        """The ``info`` a sessionmaker gives its sessions, so they report to this bus."""
        return {_BUS: self}

    async def record(
        self, session: AsyncSession, event_type: EventType, tenant: str, data: Mapping[str, Any]
    ) -> DomainEvent:
        event = new_event(event_type.name, tenant, data)
        await outbox.append(
            session, event.id, tenant, event.type, event.envelope(), event.occurred_at
        )
        sync = session.sync_session
        transaction = sync.get_nested_transaction() or sync.get_transaction()
        session.info.setdefault(_PENDING, []).append((transaction, event))
        for transport in self._transports:
            await transport.stage(session, event)
        return event

    def announce(self, events: Sequence[DomainEvent]) -> None:
        for transport in self._transports:
            try:
                transport.committed(events)
            except Exception:  # the change is committed: a transport's fault stays its own
                logger.exception("transport %r failed to take committed events", transport)


async def record(
    session: AsyncSession, event_type: EventType, tenant: str, data: Mapping[str, Any]
) -> DomainEvent:
    """Record ``event_type`` in ``session``'s transaction, on the bus the session belongs to."""
    bus = session.info.get(_BUS)
    if not isinstance(bus, EventBus):
        raise RuntimeError(
            "this session reports to no event bus: make it with the application's sessionmaker"
        )
    return await bus.record(session, event_type, tenant, data)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    """Only the outermost commit makes events visible (SQLAlchemy also calls this hook when a
    savepoint is released, and the enclosing transaction may still roll back)."""
    if session.in_nested_transaction():
        return
    pending: list[tuple[SessionTransaction | None, DomainEvent]] = session.info.pop(_PENDING, [])
    bus = session.info.get(_BUS)
    if pending and isinstance(bus, EventBus):
        bus.announce([event for _, event in pending])


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    """Events recorded in a rolled-back transaction (or savepoint) never happened."""
    pending = session.info.get(_PENDING)
    if pending:
        session.info[_PENDING] = [
            (tx, event) for tx, event in pending if not _within(tx, previous_transaction)
        ]
