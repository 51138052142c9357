"""Subscription bodies and the wire form of subscriptions and delivery attempts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from petstore.core.idempotency import OneTimeSecret
from petstore.core.ids import rfc3339
from petstore.core.schemas import UPPERCASE, InputModel, OutputModel
from petstore.core.tenancy import tenant_id_out
from petstore.events import CATALOGUE
from petstore.webhooks.models import Delivery, DeliveryAttempt, WebhookSubscription
from petstore.webhooks.repository import ALL_EVENTS

EventName = Literal[
    "pet.created",
    "pet.available",
    "pet.adopted",
    "pet.statusChanged",
    "order.created",
    "order.statusChanged",
    "payment.succeeded",
    "payment.failed",
    "payment.refunded",
    "*",
]
# The names are declared once, in the catalogue; the Literal only spells them out for typing.
assert (*CATALOGUE.names, ALL_EVENTS) == EventName.__args__  # type: ignore[attr-defined]

Url = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2048,
        pattern=r"^https?://[^\s/$.?#][^\s]*$",
        examples=["https://example.com/hooks/petstore"],
    ),
]
Events = Annotated[list[EventName], Field(min_length=1, max_length=8)]
Description = Annotated[str, Field(max_length=500)]


class WebhookCreate(InputModel):
    url: Url
    events: Events
    description: Description | SkipJsonSchema[None] = None


class WebhookUpdate(InputModel):
    url: Url | SkipJsonSchema[None] = None
    events: Events | SkipJsonSchema[None] = None
    description: Description | None = None
    status: Annotated[Literal["ACTIVE", "DISABLED"], UPPERCASE] | SkipJsonSchema[None] = None


class Webhook(OutputModel):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    status: Literal["ACTIVE", "DISABLED"]
    disabledReason: str | None  # noqa: N815
    tenantId: uuid.UUID | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    updatedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: dict[str, str]


class WebhookWithSecret(Webhook):
    secret: Annotated[str | None, OneTimeSecret()] = Field(
        description=(
            "The signing secret; shown only now, keep it safe. `null` in an idempotent replay "
            "(`Idempotent-Redacted: secret`): replays never carry it; rotate it for a new one."
        )
    )


class WebhookCollection(OutputModel):
    data: list[Webhook]


class SecretOut(OutputModel):
    secret: Annotated[str | None, OneTimeSecret()] = Field(
        description=(
            "The new signing secret; shown only now. `null` in an idempotent replay "
            "(`Idempotent-Redacted: secret`): rotate again to get one."
        )
    )


class TestEventOut(OutputModel):
    eventId: uuid.UUID  # noqa: N815


class Attempt(OutputModel):
    attempt: int
    statusCode: int | None  # noqa: N815
    latencyMs: int  # noqa: N815
    response: str | None = Field(description="The first 1,024 characters of the answer.")
    error: str | None
    at: str = Field(json_schema_extra={"format": "date-time"})


class DeliveryOut(OutputModel):
    id: uuid.UUID
    eventId: uuid.UUID  # noqa: N815
    eventType: str  # noqa: N815
    status: Literal["PENDING", "SUCCEEDED", "FAILED"]
    attempts: list[Attempt]
    nextRetryAt: str | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815


class DeliveryCollection(OutputModel):
    data: list[DeliveryOut]


def webhook_payload(sub: WebhookSubscription, base: str) -> dict[str, Any]:
    href = f"{base}/v1/webhooks/{sub.id}"
    return {
        "id": str(sub.id),
        "url": sub.url,
        "events": list(sub.events),
        "description": sub.description,
        "status": sub.status,
        "disabledReason": sub.disabled_reason,
        "tenantId": tenant_id_out(sub.tenant),
        "createdAt": rfc3339(sub.created_at),
        "updatedAt": rfc3339(sub.updated_at),
        "links": {"self": href, "deliveries": f"{href}/deliveries"},
    }


def delivery_payload(
    delivery: Delivery, event_type: str, attempts: list[DeliveryAttempt]
) -> dict[str, Any]:
    return {
        "id": str(delivery.id),
        "eventId": str(delivery.event_id),
        "eventType": event_type,
        "status": delivery.status,
        "attempts": [
            {
                "attempt": a.attempt,
                "statusCode": a.status_code,
                "latencyMs": a.latency_ms,
                "response": a.response_excerpt,
                "error": a.error,
                "at": rfc3339(a.created_at),
            }
            for a in attempts
        ],
        "nextRetryAt": (
            rfc3339(delivery.next_attempt_at)
            if delivery.status == "PENDING" and delivery.next_attempt_at
            else None
        ),
        "createdAt": rfc3339(delivery.created_at),
    }
