"""``petstore.v1.InventoryService``: the totals of ``GET /v1/inventory``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import grpc

from petstore.grpc.calls import Access, Call, Door, needs
from petstore.grpc.messages import inventory_message
from petstore.grpc.v1 import petstore_pb2 as pb
from petstore.grpc.v1 import petstore_pb2_grpc as rpc
from petstore.store import service

Context = grpc.aio.ServicerContext[Any, Any]

READ_INVENTORY = needs("read:pets", write=False, sandbox_anonymous=True)
ACCESS: Mapping[str, Access] = {
    "GetInventory": READ_INVENTORY,
}
"""What each RPC needs; a test holds it to the matching REST operation's security."""


class InventoryService(rpc.InventoryServiceServicer):
    def __init__(self, door: Door) -> None:
        self.door = door

    async def GetInventory(  # noqa: N802
        self, request: pb.GetInventoryRequest, context: Context
    ) -> pb.GetInventoryResponse:
        async def work(call: Call) -> pb.GetInventoryResponse:
            return inventory_message(await service.inventory_summary(call.session, call.tenant))

        return await self.door.answer(context, ACCESS["GetInventory"], work)
