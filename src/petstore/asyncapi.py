"""The AsyncAPI 3.0 document (``/v1/asyncapi.json`` and ``.yaml``): the event channels that are
not HTTP. Built from the code, like the OpenAPI document: the MQTT topics and their QoS and
retain flags from :mod:`petstore.mqtt.topics`, the messages from the event catalogue (the same
envelope schemas as the OpenAPI ``webhooks``), so the document cannot drift from what is sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from petstore import __version__
from petstore.asyncapi_page import install_page
from petstore.core.docs import serve_document
from petstore.core.events import EventType, envelope_model, new_event
from petstore.core.settings import Settings
from petstore.events import CATALOGUE
from petstore.mqtt.topics import RETAINED, STOCK, TEMPLATES, TENANT_PREFIX, publications
from petstore.pets.schemas import Species
from petstore.realtime.frames import CLIENT_FRAMES, SERVER_FRAMES
from petstore.realtime.socketio_door import INBOUND as SIO_IN
from petstore.realtime.socketio_door import OUTBOUND as SIO_OUT
from petstore.realtime.socketio_door import PATH as SOCKET_IO_PATH
from petstore.realtime.websocket import PATH as CHAT_PATH

REF = "#/components/schemas/{model}"
MQTT_BINDING = "0.2.0"

_PARAMETERS = {
    "petId": "The pet's id (a UUID).",
    "orderId": "The order's id (a UUID).",
    "paymentId": "The payment's id (a UUID).",
    "productId": "A species: the store's product lines.",
    "tenantId": "The tenant's id (the X-Tenant-ID of REST).",
}


class InventoryStockData(BaseModel):
    """A species' pets by status, counted when the message was sent."""

    species: str
    available: int
    pending: int
    adopted: int
    notAvailable: int  # noqa: N815
    total: int


class InventoryStockEvent(BaseModel):
    eventId: str  # noqa: N815 - the change that moved the counts
    eventType: str  # noqa: N815 - always "inventory.stock"
    timestamp: str
    data: InventoryStockData


def _topics_of(event_type: EventType) -> dict[str, bool]:
    """The topic templates ``event_type`` is published to (and whether retained), found by
    asking :func:`publications` itself about an event whose ids are the placeholders."""
    placeholder = {
        "pet": {"id": "{petId}", "species": "{productId}"},
        "order": {"id": "{orderId}"},
        "payment": {"id": "{paymentId}"},
    }
    data = {k: v for k, v in placeholder.items() if k in event_type.data.model_fields}
    return {p.topic: p.retain for p in publications(new_event(event_type.name, "", data))}


def _schemas(models: list[type[BaseModel]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF)
        for name, part in [*schema.pop("$defs", {}).items(), (model.__name__, schema)]:
            if found.setdefault(name, part) != part:  # two models of one name: one would vanish
                raise ValueError(f"two schemas are named {name}")
    return {name: _asyncapi_schema(schema) for name, schema in found.items()}


def _message(name: str, summary: str, model: str) -> dict[str, Any]:
    return {
        "name": name,
        "title": name,
        "summary": summary,
        "contentType": "application/json",
        "payload": {"$ref": REF.format(model=model)},
        "correlationId": {
            "description": "The event id, also the MQTT 5 user property `event-id`: drop repeats.",
            "location": "$message.payload#/eventId",
        },
        "bindings": {"mqtt": {"bindingVersion": MQTT_BINDING, "contentType": "application/json"}},
    }


def _asyncapi_schema(schema: Any) -> Any:
    """JSON Schema as pydantic writes it for OpenAPI, in AsyncAPI's dialect: there a
    ``discriminator`` is the name of the property, not OpenAPI's object with a mapping."""
    if isinstance(schema, dict):
        found = {k: _asyncapi_schema(v) for k, v in schema.items()}
        if isinstance(found.get("discriminator"), dict):
            found["discriminator"] = found["discriminator"]["propertyName"]
        return found
    if isinstance(schema, list):
        return [_asyncapi_schema(item) for item in schema]
    return schema


def _operation_binding(retained: bool, expiry: int) -> dict[str, Any]:
    """QoS 1; state is retained and does not expire (it would vanish while still current),
    events expire after ``expiry`` seconds."""
    binding: dict[str, Any] = {"bindingVersion": MQTT_BINDING, "qos": 1, "retain": retained}
    if not retained:
        binding["messageExpiryInterval"] = expiry
    return binding


def _parameter(name: str) -> dict[str, Any]:
    found: dict[str, Any] = {"description": _PARAMETERS[name]}
    if name == "productId":
        found["enum"] = [species.value for species in Species]
    return found


def _channel_id(template: str) -> str:
    words = [w for w in template.replace("{", "").replace("}", "").split("/") if w]
    return words[0] + "".join(w[:1].upper() + w[1:] for w in words[1:])


def _mqtt_server(settings: Settings) -> dict[str, Any]:
    url = settings.mqtt_url.get_secret_value() if settings.mqtt_url else "mqtt://localhost:1883"
    parts = urlsplit(url)
    port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
    return {
        "host": f"{parts.hostname}:{port}",
        "protocol": parts.scheme,
        "protocolVersion": "5",
        "title": "MQTT broker",
        "description": (
            "The broker the server publishes to (PETSTORE_MQTT_URL). The broker set up for "
            "local use lets anyone subscribe and only the server publish."
        ),
    }


WS_BINDING = "0.1.0"
CHAT_QUERY = {
    "type": "object",
    "properties": {
        "token": {"type": "string", "description": "An access token (or send Authorization)."},
        "tenant": {"type": "string", "format": "uuid", "description": "Or send X-Tenant-ID."},
        "as": {"type": "string", "enum": ["agent"], "description": "Staff: online as an agent."},
    },
}


def _chat_server(settings: Settings) -> dict[str, Any]:
    public = urlsplit(settings.public_url or "http://localhost:8000")
    return {
        "host": public.netloc,
        "protocol": "wss" if public.scheme == "https" else "ws",
        "title": "Support chat",
        "description": (
            "The HTTP port of the server: raw WebSocket at /v1/ws/chat. A refused sign-in "
            "closes with 1008 and the reason; a frame over 16 KiB with 1009; idleness with 1001."
        ),
    }


def _frame_message(model: type[BaseModel], sender: str) -> dict[str, Any]:
    doc = (model.__doc__ or "").strip()
    return {
        "name": model.__name__,
        "title": model.__name__,
        "summary": doc.splitlines()[0]
        if doc and not doc.startswith("A frame")
        else f"Sent by {sender}.",
        "contentType": "application/json",
        "payload": {"$ref": REF.format(model=model.__name__)},
    }


def _chat(settings: Settings) -> dict[str, Any]:
    """The WebSocket chat's channel, both directions, from the frame models themselves."""
    inbound = {f"client{m.__name__}": _frame_message(m, "the client") for m in CLIENT_FRAMES}
    outbound = {f"server{m.__name__}": _frame_message(m, "the server") for m in SERVER_FRAMES}
    channel = {
        "address": CHAT_PATH,
        "title": "Support chat (WebSocket)",
        "description": "JSON text frames with a `type`, in both directions.",
        "servers": [{"$ref": "#/servers/chat"}],
        "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in (*inbound, *outbound)},
        "bindings": {"ws": {"bindingVersion": WS_BINDING, "method": "GET", "query": CHAT_QUERY}},
    }
    operations = {
        "receiveChatFrame": {
            "action": "receive",
            "channel": {"$ref": "#/channels/supportChat"},
            "summary": "What a client may send; each frame with a clientId is acknowledged.",
            "messages": [{"$ref": f"#/channels/supportChat/messages/{n}"} for n in inbound],
        },
        "sendChatFrame": {
            "action": "send",
            "channel": {"$ref": "#/channels/supportChat"},
            "summary": "What the server sends: answers, and what happens in your conversations.",
            "messages": [{"$ref": f"#/channels/supportChat/messages/{n}"} for n in outbound],
        },
    }
    sio_channel, sio_operations, sio_messages = _socketio_chat()
    return {
        "server": _chat_server(settings),
        "channels": {"supportChat": channel, "supportChatSocketIo": sio_channel},
        "operations": {**operations, **sio_operations},
        "messages": {**inbound, **outbound, **sio_messages},
        "models": [*CLIENT_FRAMES, *SERVER_FRAMES],
    }


def _socketio_chat() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The same chat as Socket.IO events: each message is named by its event."""

    def message(event: str, model: type[BaseModel], incoming: bool) -> dict[str, Any]:
        found = _frame_message(model, "the client" if incoming else "the server")
        found["name"] = event
        found["title"] = event
        if incoming:
            found["description"] = (
                "The frame without its `type` (the event says it); acknowledged with the "
                "server's answer, or `{error: {code, message}}`."
            )
        return found

    inbound = {f"sioIn{e[:1].upper()}{e[1:]}": message(e, m, True) for e, m in SIO_IN.items()}
    outbound = {f"sioOut{e[:1].upper()}{e[1:]}": message(e, m, False) for e, m in SIO_OUT.items()}
    ref = {"$ref": "#/channels/supportChatSocketIo"}
    channel = {
        "address": f"{SOCKET_IO_PATH}/",
        "title": "Support chat (Socket.IO)",
        "description": (
            "Socket.IO 5 (Engine.IO 4), WebSocket or long-polling, default namespace. The "
            "handshake's `auth` is `{token, tenant?, as?}`; a refusal is `connect_error` "
            "with `{message, data: {code}}`."
        ),
        "servers": [{"$ref": "#/servers/chat"}],
        "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in (*inbound, *outbound)},
    }
    operations = {
        "receiveChatEvent": {
            "action": "receive",
            "channel": ref,
            "summary": "The events a Socket.IO client emits.",
            "messages": [{"$ref": f"#/channels/supportChatSocketIo/messages/{n}"} for n in inbound],
        },
        "sendChatEvent": {
            "action": "send",
            "channel": ref,
            "summary": "The events the server emits to a Socket.IO client.",
            "messages": [
                {"$ref": f"#/channels/supportChatSocketIo/messages/{n}"} for n in outbound
            ],
        },
    }
    return channel, operations, {**inbound, **outbound}


def build_asyncapi(settings: Settings) -> dict[str, Any]:
    expiry = settings.mqtt_message_expiry_seconds
    events: list[EventType] = list(CATALOGUE)
    messages = {t.title: _message(t.title, t.summary, f"{t.title}Event") for t in events}
    messages["InventoryStock"] = _message(
        "InventoryStock", "A species' stock changed", "InventoryStockEvent"
    )
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for template, description in TEMPLATES.items():
        for prefix in ("", TENANT_PREFIX):
            address = prefix + template
            channel_id = _channel_id(address)
            retained = template in RETAINED
            if template == STOCK:
                names = ["InventoryStock"]
            else:
                names = [t.title for t in events if template in _topics_of(t)]
            channels[channel_id] = {
                "address": address,
                "description": description + (" In a tenant." if prefix else ""),
                "servers": [{"$ref": "#/servers/mqtt"}],
                "parameters": {p: _parameter(p) for p in _PARAMETERS if "{" + p + "}" in address},
                "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in names},
            }
            operations[f"publish{channel_id[:1].upper()}{channel_id[1:]}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "summary": f"The server publishes to {address}.",
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{n}"} for n in names],
                "bindings": {"mqtt": _operation_binding(retained, expiry)},
            }
    models: list[type[BaseModel]] = [envelope_model(t) for t in events]
    chat = _chat(settings)
    channels.update(chat["channels"])
    operations.update(chat["operations"])
    messages.update(chat["messages"])
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Modern Petstore events",
            "version": __version__,
            "description": (
                "The store's events beyond HTTP. MQTT 5: every committed pet, order and "
                "payment change, as the webhook envelope, QoS 1; availability and stock are "
                "retained state. A tenant's changes are under `tenants/{tenantId}/`. The "
                "support chat over WebSocket: frames in both directions."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {"mqtt": _mqtt_server(settings), "chat": chat["server"]},
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": _schemas([*models, InventoryStockEvent, *chat["models"]]),
        },
    }


def install_asyncapi(app: FastAPI, settings: Settings) -> None:
    router = APIRouter(include_in_schema=False)
    serve_document(router, "/v1/asyncapi", lambda: build_asyncapi(settings))
    install_page(router, lambda: build_asyncapi(settings))
    app.include_router(router)
