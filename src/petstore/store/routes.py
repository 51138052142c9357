"""HTTP routes for orders and inventory."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from pydantic import BeforeValidator
from starlette.responses import Response

from petstore.auth.dependencies import RequireScopes
from petstore.auth.principal import Principal
from petstore.container import ContainerDep
from petstore.core.database import SessionDep
from petstore.core.links import absolute, base_url
from petstore.core.openapi_meta import responses_for
from petstore.core.pagination import PageDep, collection_payload
from petstore.core.responses import (
    JsonResponse,
    created_response,
    no_content,
    require_if_match,
    resource_response,
)
from petstore.core.routing import PetstoreRoute
from petstore.core.schemas import split_commas
from petstore.core.tenancy import TenantDep
from petstore.pets.schemas import PetStatusIn
from petstore.store import service
from petstore.store.models import Order as OrderRow
from petstore.store.schemas import (
    CallbackAccepted,
    CallbackRequest,
    InventorySummary,
    Order,
    OrderCollection,
    OrderCreate,
    OrderPatch,
    OrderProcessed,
    OrderStatusIn,
    order_payload,
)

router = APIRouter(tags=["Store"], route_class=PetstoreRoute)
callback_router = APIRouter()


@callback_router.post(
    "{$request.body#/callbackUrl}",
    operation_id="orderProcessed",
    name="orderProcessed",
    summary="The outcome of an order callback request",
    response_model=None,
    responses={
        200: {"description": "Callback received."},
        "4XX": {"description": "Not accepted: retried like any answer other than 2xx."},
    },
)
def order_processed(body: OrderProcessed) -> None:
    """Documents the callback we send; the receiver implements it."""


OrderId = Annotated[
    uuid.UUID,
    Path(description="The order's id (a UUID).", examples=["019b4139-1234-7abc-8def-123456789abc"]),
]
Reader = Annotated[Principal, Depends(RequireScopes("read:orders", sandbox_anonymous=True))]
Writer = Annotated[Principal, Depends(RequireScopes("write:orders", sandbox_anonymous=True))]
Staff = Annotated[
    Principal, Depends(RequireScopes("write:orders", staff_only=True, sandbox_anonymous=True))
]
InventoryReader = Annotated[Principal, Depends(RequireScopes("read:pets", sandbox_anonymous=True))]


async def load_for_read(
    reader: Reader,
    session: SessionDep,
    tenant: TenantDep,
    id: OrderId,
) -> OrderRow:
    return await service.visible_order(session, reader, tenant, id)


async def load_for_write(
    writer: Writer,
    session: SessionDep,
    tenant: TenantDep,
    id: OrderId,
) -> OrderRow:
    return await service.visible_order(session, writer, tenant, id, for_update=True)


ReadableOrder = Annotated[OrderRow, Depends(load_for_read)]
WritableOrder = Annotated[OrderRow, Depends(load_for_write)]


@router.post(
    "/v1/orders",
    operation_id="createOrder",
    summary="Place an order",
    description=(
        "Reserve an AVAILABLE pet: the order starts PLACED, the pet becomes PENDING. The amount "
        "and currency come from the pet. Two buyers racing for one pet: one wins, one gets 409."
    ),
    status_code=201,
    response_model=Order,
    responses=responses_for(401, 403, 404, 409, body=True),
)
async def create_order(
    request: Request,
    writer: Writer,
    session: SessionDep,
    tenant: TenantDep,
    body: Annotated[
        OrderCreate, Body(examples=[{"petId": "019b4132-70aa-764f-b315-e2803d882a24"}])
    ],
) -> Response:
    base = base_url(request)
    order = await service.place_order(session, writer, tenant, body, base)
    return created_response(
        request, order_payload(order, base), absolute(request, f"/v1/orders/{order.id}")
    )


@router.get(
    "/v1/orders",
    operation_id="listOrders",
    summary="List orders",
    description="Your orders, newest first; staff see everyone's and may filter by user.",
    response_model=OrderCollection,
    responses=responses_for(400, 401, 403),
)
async def list_orders(
    request: Request,
    reader: Reader,
    session: SessionDep,
    tenant: TenantDep,
    paging: PageDep,
    status: Annotated[OrderStatusIn | None, Query(description="Only this status.")] = None,
    user_id: Annotated[uuid.UUID | None, Query(alias="userId", description="Staff only.")] = None,
    pet_id: Annotated[uuid.UUID | None, Query(alias="petId")] = None,
) -> Response:
    rows, total = await service.list_orders(
        session,
        reader,
        tenant,
        statuses=[status.value] if status else [],
        user_id=user_id,
        pet_id=pet_id,
        offset=paging.offset,
        limit=paging.limit,
    )
    base = base_url(request)
    payload, link = collection_payload(
        request, [order_payload(o, base) for o in rows], total, paging
    )
    return JsonResponse(payload, headers={"Link": link})


@router.get(
    "/v1/orders/{id}",
    operation_id="getOrder",
    summary="Get an order",
    description="Your own order (staff: any). Others' ids answer 404.",
    response_model=Order,
    responses=responses_for(304, 400, 401, 403, 404),
)
async def get_order(request: Request, order: ReadableOrder) -> Response:
    return resource_response(request, order_payload(order, base_url(request)))


@router.delete(
    "/v1/orders/{id}",
    operation_id="deleteOrder",
    summary="Cancel an order",
    description=(
        "Cancels a PLACED or APPROVED order: it is kept, as CANCELLED, and the pet becomes "
        "AVAILABLE again. A paid (APPROVED) order is refunded in full the way a card processor "
        "would: its payment becomes REFUNDED and lists the refund (amount, currency, reason, "
        "time, id), and `payment.refunded` is sent, all in the transaction of the "
        "cancellation. SHIPPED and DELIVERED orders cannot be cancelled (409 `conflict`). "
        "Cancelling a cancelled order again is a no-op (204; nothing is refunded twice). Paying "
        "and cancelling at once: one of them goes first, never both half-way."
    ),
    status_code=204,
    responses=responses_for(
        400,
        401,
        403,
        404,
        409,
        412,
        described={409: "The order is SHIPPED or DELIVERED: too late to cancel it."},
    ),
)
async def cancel_order(
    request: Request,
    container: ContainerDep,
    order: WritableOrder,
    writer: Writer,
    session: SessionDep,
) -> Response:
    base = base_url(request)
    require_if_match(request, order_payload(order, base))
    await service.cancel_order(session, writer, order, base, on_cancel=container.order_cancel_hooks)
    return no_content()


@router.patch(
    "/v1/orders/{id}",
    operation_id="updateOrderStatus",
    summary="Move an order along its lifecycle (staff)",
    description=(
        '`{"status": "SHIPPED"}`: APPROVED → SHIPPED → DELIVERED, or CANCELLED before it ships '
        "(a paid order is then refunded, as by `DELETE`)."
    ),
    response_model=Order,
    responses=responses_for(401, 403, 404, 409, 412, body=True),
)
async def update_order(
    request: Request,
    container: ContainerDep,
    staff: Staff,
    order: WritableOrder,
    session: SessionDep,
    body: Annotated[
        OrderPatch,
        Body(media_type="application/merge-patch+json", examples=[{"status": "SHIPPED"}]),
    ],
) -> Response:
    base = base_url(request)
    require_if_match(request, order_payload(order, base))
    await service.move_order(
        session, staff, order, body.status, base, on_cancel=container.order_cancel_hooks
    )
    return resource_response(request, order_payload(order, base))


@router.post(
    "/v1/orders/{id}",
    operation_id="callbackOrder",
    summary="Process an order with a callback",
    description=(
        "Accepts the request (201, empty body) and later POSTs the outcome, `orderProcessed`, "
        "to `callbackUrl`: COMPLETED when the amount and currency match the order, else FAILED. "
        "Delivered like webhooks: signed per Standard Webhooks with the server's callback "
        "secret, retried, SSRF-guarded. Needs the order's owner or staff."
    ),
    status_code=201,
    response_model=CallbackAccepted,
    responses=responses_for(401, 403, 404, body=True),
    callbacks=callback_router.routes,
)
async def callback_order(
    container: ContainerDep,
    order: WritableOrder,
    session: SessionDep,
    body: Annotated[
        CallbackRequest,
        Body(
            examples=[
                {
                    "amount": "738.05",
                    "currency": "USD",
                    "timestamp": "1758613403",
                    "callbackUrl": "https://example.com/callbacks/orders/1312312",
                }
            ]
        ),
    ],
) -> Response:
    report = await service.callback_report(container.outbound, order, body)
    await container.webhooks.schedule_callback(session, order.tenant, body.callbackUrl, report)
    return JsonResponse({}, status_code=201)


@router.get(
    "/v1/inventories",
    operation_id="getInventory",
    summary="Pet counts by status",
    description="A map of pet status to count, for this tenant.",
    response_model=dict[str, int],
    responses=responses_for(400, 401, 403),
)
async def inventories(
    _reader: InventoryReader,
    session: SessionDep,
    tenant: TenantDep,
    status: Annotated[
        list[PetStatusIn] | None,
        BeforeValidator(split_commas),
        Query(description="Only these statuses (repeat the parameter or separate with commas)."),
    ] = None,
) -> Response:
    wanted = sorted({s.value for s in status or []})
    return JsonResponse(await service.inventory_by_status(session, tenant, wanted))


@router.get(
    "/v1/inventory",
    operation_id="getStoreInventory",
    summary="Inventory summary",
    description="Totals per status and per species, for this tenant.",
    response_model=InventorySummary,
    responses=responses_for(400, 401, 403),
)
async def inventory(_reader: InventoryReader, session: SessionDep, tenant: TenantDep) -> Response:
    return JsonResponse(await service.inventory_summary(session, tenant))
