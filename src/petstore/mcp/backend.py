"""What the tools stand on: one operation per tool, answered either by the domain services in
this process (:mod:`petstore.mcp.local`) or by a Petstore server's REST API
(:mod:`petstore.mcp.remote`). Both return the REST door's JSON and refuse with its RFC 9457
problem, so a tool reads the same whichever answers it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from petstore.payments.schemas import TestCard
from petstore.pets.schemas import PetSearch, PetStatus, PetWrite, Species
from petstore.store.schemas import OrderStatus

Json = dict[str, Any]
MCP_INSTANCE = "/v1/mcp"  # the `instance` of its problems: the door, and the tool after #


class ToolFailure(Exception):  # noqa: N818 - the tool call fails; this is what it says
    """A refusal, as the problem document the REST door would answer with."""

    def __init__(self, problem: Json) -> None:
        super().__init__(problem.get("detail") or problem.get("title") or "failed")
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Image:
    data: bytes
    content_type: str


class Backend(Protocol):
    async def search_pets(self, search: PetSearch) -> Json: ...

    async def get_pet(self, pet_id: uuid.UUID) -> Json: ...

    async def list_available_pets(self, species: Species | None, page: int, limit: int) -> Json: ...

    async def place_order(self, pet_id: uuid.UUID) -> Json: ...

    async def get_order(self, order_id: uuid.UUID) -> Json: ...

    async def list_my_orders(self, status: OrderStatus | None, page: int, limit: int) -> Json: ...

    async def cancel_order(self, order_id: uuid.UUID) -> Json: ...

    async def pay_order(self, order_id: uuid.UUID, card: TestCard) -> Json: ...

    async def get_inventory(self) -> Json: ...

    async def ask_advisor(self, question: str) -> Json: ...

    async def create_pet(self, pet: PetWrite) -> Json: ...

    async def update_pet_status(self, pet_id: uuid.UUID, status: PetStatus) -> Json: ...

    async def pet_image(self, pet_id: uuid.UUID) -> Image: ...
