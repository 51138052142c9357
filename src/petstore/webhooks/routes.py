"""HTTP routes for webhook subscriptions (owner or staff; tenant-scoped)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Request
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.container import ContainerDep
from petstore.core.database import SessionDep
from petstore.core.links import absolute, base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.responses import JsonResponse, created_response, no_content, resource_response
from petstore.core.routing import PetstoreRoute
from petstore.core.tenancy import TenantDep
from petstore.webhooks import service
from petstore.webhooks.models import WebhookSubscription
from petstore.webhooks.schemas import (
    DeliveryCollection,
    DeliveryOut,
    SecretOut,
    TestEventOut,
    Webhook,
    WebhookCollection,
    WebhookCreate,
    WebhookUpdate,
    WebhookWithSecret,
    delivery_payload,
    webhook_payload,
)

router = APIRouter(tags=["Webhooks"], route_class=PetstoreRoute)
Reader = Annotated[Principal, Depends(RequireScopes("read:user"))]
Writer = Annotated[Principal, Depends(RequireScopes("write:user"))]
WebhookId = Annotated[uuid.UUID, Path(description="The subscription's id.")]


async def load_for_read(
    reader: Reader, session: SessionDep, tenant: TenantDep, id: WebhookId
) -> WebhookSubscription:
    return await service.visible(session, reader, tenant, id)


async def load_for_write(
    writer: Writer, session: SessionDep, tenant: TenantDep, id: WebhookId
) -> WebhookSubscription:
    return await service.visible(session, writer, tenant, id)


Readable = Annotated[WebhookSubscription, Depends(load_for_read)]
Writable = Annotated[WebhookSubscription, Depends(load_for_write)]

CREATE_EXAMPLE = {
    "url": "https://example.com/hooks/petstore",
    "events": ["order.statusChanged", "payment.succeeded"],
    "description": "Order updates for the shop front",
}


@router.post(
    "/v1/webhooks",
    operation_id="createWebhook",
    summary="Subscribe to events",
    description=(
        "Deliveries are signed per Standard Webhooks with the `secret` returned here, and only "
        "here. URLs that resolve to private, loopback or link-local addresses are refused. "
        "A user may hold 20 subscriptions and a tenant 100 (by default); past either, 409 "
        "with the `limit` and `limitPer` (`user` or `tenant`) it reached."
    ),
    status_code=201,
    response_model=WebhookWithSecret,
    responses=responses_for(401, 403, 409, body=True),
)
async def create_webhook(
    request: Request,
    container: ContainerDep,
    writer: Writer,
    session: SessionDep,
    tenant: TenantDep,
    body: Annotated[WebhookCreate, Body(examples=[CREATE_EXAMPLE])],
) -> Response:
    caps = service.Caps.of(container.settings)
    sub = await service.create(session, container.outbound, writer, tenant, body, caps)
    payload = {**webhook_payload(sub, base_url(request)), "secret": sub.secret}
    return created_response(request, payload, absolute(request, f"/v1/webhooks/{sub.id}"))


@router.get(
    "/v1/webhooks",
    operation_id="listWebhooks",
    summary="List your subscriptions",
    description=(
        "Your webhook subscriptions; secrets are shown only when a subscription is created."
    ),
    response_model=WebhookCollection,
    responses=responses_for(401, 403),
)
async def list_webhooks(
    request: Request, reader: Reader, session: SessionDep, tenant: TenantDep
) -> Response:
    base = base_url(request)
    subs = await service.list_for(session, reader, tenant)
    return JsonResponse({"data": [webhook_payload(s, base) for s in subs]})


@router.get(
    "/v1/webhooks/{id}",
    operation_id="getWebhook",
    summary="Get a subscription",
    description=("One of your webhook subscriptions: its URL, event filter and status."),
    response_model=Webhook,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_webhook(request: Request, sub: Readable) -> Response:
    return resource_response(request, webhook_payload(sub, base_url(request)))


@router.patch(
    "/v1/webhooks/{id}",
    operation_id="updateWebhook",
    summary="Change a subscription",
    description="Change `url`, `events`, `description`, or `status` (ACTIVE / DISABLED).",
    response_model=Webhook,
    responses=responses_for(401, 403, 404, body=True),
)
async def update_webhook(
    request: Request,
    container: ContainerDep,
    sub: Writable,
    session: SessionDep,
    body: Annotated[
        WebhookUpdate,
        Body(media_type="application/merge-patch+json", examples=[{"status": "DISABLED"}]),
    ],
) -> Response:
    await service.update(session, container.outbound, sub, body)
    return resource_response(request, webhook_payload(sub, base_url(request)))


@router.delete(
    "/v1/webhooks/{id}",
    operation_id="deleteWebhook",
    summary="Delete a subscription",
    description=("Unsubscribes: no further events are sent to its URL."),
    status_code=204,
    responses=responses_for(400, 401, 403, 404),
)
async def delete_webhook(sub: Writable, session: SessionDep) -> Response:
    await service.remove(session, sub)
    return no_content()


@router.post(
    "/v1/webhooks/{id}/rotate-secret",
    operation_id="rotateWebhookSecret",
    summary="Rotate the signing secret",
    description="Issues a new secret (returned once); deliveries from now on use it.",
    response_model=SecretOut,
    status_code=200,
    responses=responses_for(400, 401, 403, 404),
)
async def rotate_secret(sub: Writable, session: SessionDep) -> Response:
    secret = await service.rotate_secret(session, sub)
    return JsonResponse({"secret": secret}, headers={"Cache-Control": "no-store"})


@router.post(
    "/v1/webhooks/{id}/test",
    operation_id="testWebhook",
    summary="Send a test event",
    description="Queues a `webhook.test` event for this subscription only.",
    status_code=202,
    response_model=TestEventOut,
    responses=responses_for(400, 401, 403, 404, 409),
)
@router.post(
    "/v1/webhooks/{id}/ping",
    operation_id="pingWebhook",
    summary="Ping the endpoint",
    description="The same as `POST /v1/webhooks/{id}/test`, under the name other servers use: "
    "queues a `webhook.test` event for this subscription only.",
    status_code=202,
    response_model=TestEventOut,
    responses=responses_for(400, 401, 403, 404, 409),
)
async def test_webhook(container: ContainerDep, sub: Writable, session: SessionDep) -> Response:
    event = await service.send_test(session, container.webhooks, sub)
    return JsonResponse({"eventId": str(event.id)}, status_code=202)


@router.post(
    "/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver",
    operation_id="redeliverWebhookDelivery",
    summary="Send a delivery again",
    description="Queues a new delivery of a past one's exact body (same `webhook-id`, so a "
    "receiver that got it can de-duplicate), with its own attempts and retries. "
    "409 while the original is still pending or when the subscription is disabled.",
    status_code=202,
    response_model=DeliveryOut,
    responses=responses_for(400, 401, 403, 404, 409),
)
async def redeliver(
    container: ContainerDep,
    sub: Writable,
    session: SessionDep,
    tenant: TenantDep,
    delivery_id: Annotated[
        uuid.UUID, Path(alias="deliveryId", description="The delivery to send again.")
    ],
) -> Response:
    copy, event_type = await service.redeliver(
        session, container.webhooks, tenant, delivery_id, sub.id
    )
    return JsonResponse(delivery_payload(copy, event_type, []), status_code=202)


@router.get(
    "/v1/webhooks/{id}/deliveries",
    operation_id="listWebhookDeliveries",
    summary="Recent deliveries and their attempts",
    description="Newest first: status, each attempt's status code, latency and answer excerpt.",
    response_model=DeliveryCollection,
    responses=responses_for(400, 401, 403, 404),
)
async def list_deliveries(sub: Readable, session: SessionDep) -> Response:
    rows = await service.deliveries(session, sub)
    return JsonResponse({"data": [delivery_payload(d, t, a) for d, t, a in rows]})
