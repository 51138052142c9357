"""``petstore.v1.OrderService``: orders and payments over gRPC, on the store and payments
domains' services. Another user's order is NOT_FOUND, as in REST (BOLA: no hint it exists)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from functools import partial
from typing import Any

import grpc

from petstore.auth.service import Principal
from petstore.core.errors import PaymentDeclined
from petstore.grpc.calls import Access, Call, Door, Refusal, needs, validated
from petstore.grpc.messages import (
    optional_id,
    order_message,
    order_status_name,
    page_of,
    pagination_message,
    parse_id,
    payment_body,
    payment_message,
    proto_field,
)
from petstore.grpc.streams import Streams
from petstore.grpc.v1 import petstore_pb2 as pb
from petstore.grpc.v1 import petstore_pb2_grpc as rpc
from petstore.payments import service as payments
from petstore.payments.schemas import PaymentCreate, payment_payload
from petstore.store import service
from petstore.store.schemas import OrderCreate, order_payload

Context = grpc.aio.ServicerContext[Any, Any]

# As the REST operations on orders declare them (store/routes.py, payments/routes.py).
READ_ORDERS = needs("read:orders", write=False, sandbox_anonymous=True)
WRITE_ORDERS = needs("write:orders", write=True, sandbox_anonymous=True)
ACCESS: Mapping[str, Access] = {
    "PlaceOrder": WRITE_ORDERS,
    "GetOrder": READ_ORDERS,
    "ListOrders": READ_ORDERS,
    "CancelOrder": WRITE_ORDERS,
    "PayOrder": WRITE_ORDERS,
    "WatchOrder": READ_ORDERS,
}
"""What each RPC needs; a test holds it to the matching REST operation's security."""


class OrderService(rpc.OrderServiceServicer):
    def __init__(self, door: Door, streams: Streams) -> None:
        self.door = door
        self.streams = streams

    async def PlaceOrder(self, request: pb.PlaceOrderRequest, context: Context) -> pb.Order:  # noqa: N802
        async def work(call: Call) -> pb.Order:
            body = {"petId": request.pet_id, "userId": request.user_id or None}
            data = validated(OrderCreate, body)
            order = await service.place_order(
                call.session, call.actor, call.tenant, data, call.base_url
            )
            return order_message(order_payload(order, call.base_url))

        return await self.door.answer(context, ACCESS["PlaceOrder"], work)

    async def GetOrder(self, request: pb.GetOrderRequest, context: Context) -> pb.Order:  # noqa: N802
        async def work(call: Call) -> pb.Order:
            order = await service.visible_order(
                call.session, call.actor, call.tenant, parse_id(request.id, "id")
            )
            return order_message(order_payload(order, call.base_url))

        return await self.door.answer(context, ACCESS["GetOrder"], work)

    async def ListOrders(  # noqa: N802
        self, request: pb.ListOrdersRequest, context: Context
    ) -> pb.ListOrdersResponse:
        async def work(call: Call) -> pb.ListOrdersResponse:
            page, limit = page_of(request.page, request.limit)
            status = order_status_name(request.status)
            rows, total = await service.list_orders(
                call.session,
                call.actor,
                call.tenant,
                statuses=[status] if status else [],
                user_id=optional_id(request.user_id, "user_id"),
                pet_id=optional_id(request.pet_id, "pet_id"),
                offset=(page - 1) * limit,
                limit=limit,
            )
            return pb.ListOrdersResponse(
                orders=[order_message(order_payload(o, call.base_url)) for o in rows],
                pagination=pagination_message(page, limit, total),
            )

        return await self.door.answer(context, ACCESS["ListOrders"], work)

    async def CancelOrder(self, request: pb.CancelOrderRequest, context: Context) -> pb.Order:  # noqa: N802
        async def work(call: Call) -> pb.Order:
            order = await service.visible_order(
                call.session, call.actor, call.tenant, parse_id(request.id, "id"), for_update=True
            )
            await service.cancel_order(
                call.session,
                call.actor,
                order,
                call.base_url,
                on_cancel=call.container.order_cancel_hooks,
            )
            return order_message(order_payload(order, call.base_url))

        return await self.door.answer(context, ACCESS["CancelOrder"], work)

    async def PayOrder(self, request: pb.PayOrderRequest, context: Context) -> pb.Payment:  # noqa: N802
        kind = request.WhichOneof("source") or "source"

        def field(wire: str) -> str:  # source.card.number (pydantic's tagged path) -> card.number
            named = proto_field(wire)
            if not named.startswith("source."):
                return named
            rest = named.removeprefix("source.")
            return rest if rest.startswith(f"{kind}.") else f"{kind}.{rest}"

        async def work(call: Call) -> pb.Payment:
            order_id = parse_id(request.order_id, "order_id")
            data = validated(PaymentCreate, payment_body(request), field)
            order = await service.visible_order(
                call.session, call.actor, call.tenant, order_id, for_update=True
            )
            outcome = await payments.pay_order(
                call.session, call.container.processor, call.actor, order, data, call.base_url
            )
            if not outcome.succeeded:  # the FAILED attempt is committed, then reported
                raise Refusal(
                    PaymentDeclined(
                        outcome.payment.failure_message or "The payment was declined.",
                        extensions={
                            "payment_id": str(outcome.payment.id),
                            "failure_code": outcome.payment.failure_code,
                        },
                    )
                )
            payload = payment_payload(outcome.payment, outcome.receipt, None, call.base_url)
            return payment_message(payload)

        return await self.door.answer(context, ACCESS["PayOrder"], work, field)

    async def WatchOrder(  # noqa: N802
        self, request: pb.WatchOrderRequest, context: Context
    ) -> AsyncIterator[pb.OrderEvent]:
        """Committed changes to one order the caller may see (its owner, or staff)."""

        async def work(call: Call) -> tuple[str, Principal | None]:
            order_id = parse_id(request.order_id, "order_id")
            await service.visible_order(call.session, call.actor, call.tenant, order_id)
            return call.tenant, call.principal

        tenant, principal = await self.door.answer(context, ACCESS["WatchOrder"], work)
        async with self.streams.subscribe(tenant) as subscription:
            shape = partial(order_event, order_id=request.order_id)
            async for event in self.streams.relay(context, subscription, shape, principal):
                yield event


def order_event(envelope: dict[str, Any], order_id: str) -> pb.OrderEvent | None:
    """An event that carries this order (``order.*``, ``payment.*``) as a stream message."""
    order = envelope.get("data", {}).get("order")
    if not isinstance(order, dict) or order.get("id") != order_id:
        return None
    event = pb.OrderEvent(
        event_id=envelope["eventId"], event_type=envelope["eventType"], order=order_message(order)
    )
    event.time.FromJsonString(envelope["timestamp"])
    return event
