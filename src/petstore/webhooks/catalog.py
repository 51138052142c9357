"""The event catalogue as OpenAPI ``webhooks``: what subscribers receive, one entry per type.

These routes are documentation only (FastAPI's ``app.webhooks``): the receiver implements them.
They are generated from the one catalogue (:data:`petstore.events.CATALOGUE`), so a new event
type is documented by declaring it. The keys and operationIds follow the reference document
(``orderStatusChanged`` / ``orderStatusChangedWebhook``): generated clients name their handlers
after them, and dots are not valid in most languages' identifiers. The wire name
(``order.statusChanged``) stays the event's ``type`` and the subscription filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.routing import BaseRoute

from petstore.core.events import EventCatalogue, envelope_model

SIGNED = (
    "Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and "
    "with `X-Webhook-Signature: sha256=<hex HMAC of the body>`. Answer 2xx within 5 s; other "
    "answers are retried (immediately, 1 min, 5 min, 30 min, 1 h); 410 unsubscribes."
)
RECEIVED: dict[int | str, dict[str, Any]] = {
    200: {"description": "Received."},
    410: {"description": "Unsubscribe me."},
}


def webhook_key(event_name: str) -> str:
    """``order.statusChanged`` -> ``orderStatusChanged``: the event's key in ``webhooks``."""
    head, _, tail = event_name.partition(".")
    return head + tail[:1].upper() + tail[1:]


def _receiver(model: type[BaseModel]) -> Callable[..., Any]:
    def receive(body: Any) -> None:
        """Implemented by the subscriber."""

    receive.__annotations__ = {"body": model, "return": None}
    return receive


def documented_webhooks(catalogue: EventCatalogue) -> list[BaseRoute]:
    """One documentation-only POST operation per event type, its body the typed envelope."""
    router = APIRouter()
    for event_type in catalogue:
        key = webhook_key(event_type.name)
        router.add_api_route(
            key,
            _receiver(envelope_model(event_type)),
            methods=["POST"],
            summary=event_type.summary,
            description=f"Event type `{event_type.name}` (the subscription filter). {SIGNED}",
            responses=RECEIVED,
            operation_id=f"{key}Webhook",
            tags=["Webhooks"],
        )
    return router.routes
