"""The catalogue of every event the server raises, in the order the documents list them.

Each domain declares its own events (``pets/events.py``, ...); this module only gathers them,
so the OpenAPI ``webhooks``, the subscription filter and every transport read one list.
"""

from __future__ import annotations

from petstore.core.events import EventCatalogue
from petstore.payments import events as payment_events
from petstore.pets import events as pet_events
from petstore.store import events as order_events

CATALOGUE = EventCatalogue((*pet_events.EVENTS, *order_events.EVENTS, *payment_events.EVENTS))
