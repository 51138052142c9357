"""The tools answered by the domain services in this process: the ``/v1/mcp`` door's, and
``petstore mcp`` without ``PETSTORE_API_BASE``. Each call is one unit of work, its caller
identified and authorized with the REST door's rules and the scopes of the REST operation it
mirrors (:data:`ACCESS`; a test holds them to the OpenAPI document)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth import service as auth
from petstore.chat import service as chat
from petstore.chat.schemas import ChatRequest
from petstore.container import Container
from petstore.core import errors, problems
from petstore.core.database import is_database_unavailable, unit_of_work
from petstore.core.pagination import pagination_of
from petstore.images import service as images
from petstore.mcp.backend import MCP_INSTANCE, Image, Json, ToolFailure
from petstore.payments import service as payments
from petstore.payments.schemas import (
    TEST_CARD_NUMBERS,
    PaymentCreate,
    TestCard,
    declined_problem,
    payment_payload,
)
from petstore.pets import service as pets
from petstore.pets.schemas import PetPatch, PetSearch, PetStatus, PetWrite, Species, pet_payload
from petstore.store import service as store
from petstore.store.schemas import OrderCreate, OrderStatus, order_payload


@dataclass(frozen=True, slots=True)
class Access:
    """What a tool needs of its caller: no scopes is a public read (served to anyone)."""

    scopes: frozenset[str] = frozenset()
    write: bool = False
    staff_only: bool = False
    sandbox_anonymous: bool = False


def needs(*scopes: str, write: bool = False, staff_only: bool = False) -> Access:
    return Access(frozenset(scopes), write, staff_only, sandbox_anonymous=True)


PUBLIC_READ = Access()
ACCESS: dict[str, Access] = {
    "search_pets": PUBLIC_READ,  # searchPets
    "get_pet": PUBLIC_READ,  # getPet
    "list_available_pets": PUBLIC_READ,  # listPets
    "place_order": needs("write:orders", write=True),  # createOrder
    "get_order": needs("read:orders"),  # getOrder
    "list_my_orders": needs("read:orders"),  # listOrders
    "cancel_order": needs("write:orders", write=True),  # deleteOrder
    "pay_order": needs("write:orders", write=True),  # createOrderPayment
    "get_inventory": needs("read:pets"),  # getStoreInventory
    "ask_advisor": Access(frozenset({"chat:write"})),  # createChatCompletion
    "create_pet": Access(frozenset({"write:pets"}), write=True),  # createPet
    "update_pet_status": Access(frozenset({"write:pets"}), write=True),  # patchPet
}


class ServiceBackend:
    def __init__(
        self,
        container: Container,
        *,
        base_url: str,
        tenant: str,
        authorization: str | None,
        audience: str | None,
    ) -> None:
        self.container = container
        self.base = base_url
        self.tenant = tenant
        self.authorization = authorization
        self.audience = audience

    @asynccontextmanager
    async def _call(self, tool: str) -> AsyncIterator[tuple[AsyncSession, auth.Principal | None]]:
        """The tool's unit of work and caller; a refusal becomes the problem REST answers."""
        access = ACCESS[tool]
        instance = f"{MCP_INSTANCE}#{tool}"
        try:
            async with unit_of_work(self.container.sessionmaker, write=access.write) as session:
                yield session, await self._caller(session, access)
        except errors.DomainError as exc:
            raise self._problem(problems.from_domain_error(exc), instance) from None
        except problems.Problem as exc:
            raise self._problem(exc, instance) from None
        except (DBAPIError, OSError) as exc:
            if not is_database_unavailable(exc):
                raise
            raise self._problem(problems.database_unavailable(), instance) from None

    async def _caller(self, session: AsyncSession, access: Access) -> auth.Principal | None:
        """``None`` for a public read, whose token is not even looked at (as in REST)."""
        if access is PUBLIC_READ:
            return None
        settings = self.container.settings
        principal = await auth.identify(
            session,
            self.container.passwords,
            auth.verify_bearer(self.container.tokens, self.authorization, self.audience),
            self.tenant,
            sandbox=settings.sandbox,
            has_header=bool(self.authorization and self.authorization.strip()),
            sandbox_anonymous=access.sandbox_anonymous,
        )
        return auth.authorize(principal, access.scopes, staff_only=access.staff_only)

    def _problem(self, problem: problems.Problem, instance: str) -> ToolFailure:
        base = self.container.settings.problem_base
        return ToolFailure(problems.problem_body(problem, instance, base))

    @staticmethod
    def _actor(principal: auth.Principal | None) -> auth.Principal:
        if principal is None:  # only a PUBLIC_READ call has none, and never asks
            raise errors.unauthorized()
        return principal

    def _page(self, rows: list[Any], total: int, page: int, limit: int, shape: Any) -> Json:
        return {
            "data": [shape(row, self.base) for row in rows],
            "pagination": pagination_of(page, limit, total),
        }

    async def search_pets(self, search: PetSearch) -> Json:
        async with self._call("search_pets") as (session, _):
            rows, total, page, limit = await pets.search(session, self.tenant, search)
            return self._page(rows, total, page, limit, pet_payload)

    async def get_pet(self, pet_id: uuid.UUID) -> Json:
        async with self._call("get_pet") as (session, _):
            return pet_payload(await pets.get_pet(session, self.tenant, pet_id), self.base)

    async def list_available_pets(self, species: Species | None, page: int, limit: int) -> Json:
        flt = pets.PetFilter(
            tenant=self.tenant,
            statuses=(PetStatus.AVAILABLE.value,),
            species=(species.value,) if species else (),
        )
        async with self._call("list_available_pets") as (session, _):
            rows, total = await pets.list_pets(session, flt, (page - 1) * limit, limit)
            return self._page(rows, total, page, limit, pet_payload)

    async def place_order(self, pet_id: uuid.UUID) -> Json:
        async with self._call("place_order") as (session, caller):
            data = OrderCreate(petId=pet_id)
            row = await store.place_order(
                session, self._actor(caller), self.tenant, data, self.base
            )
            return order_payload(row, self.base)

    async def get_order(self, order_id: uuid.UUID) -> Json:
        async with self._call("get_order") as (session, caller):
            row = await store.visible_order(session, self._actor(caller), self.tenant, order_id)
            return order_payload(row, self.base)

    async def list_my_orders(self, status: OrderStatus | None, page: int, limit: int) -> Json:
        async with self._call("list_my_orders") as (session, caller):
            actor = self._actor(caller)
            rows, total = await store.list_orders(
                session,
                actor,
                self.tenant,
                statuses=[status.value] if status else [],
                user_id=actor.user_id,  # "my" orders, staff included
                pet_id=None,
                offset=(page - 1) * limit,
                limit=limit,
            )
            return self._page(rows, total, page, limit, order_payload)

    async def cancel_order(self, order_id: uuid.UUID) -> Json:
        async with self._call("cancel_order") as (session, caller):
            actor = self._actor(caller)
            row = await store.visible_order(session, actor, self.tenant, order_id, for_update=True)
            hooks = self.container.order_cancel_hooks
            await store.cancel_order(session, actor, row, self.base, on_cancel=hooks)
            return order_payload(row, self.base)

    async def pay_order(self, order_id: uuid.UUID, card: TestCard) -> Json:
        """A declined card is refused only after its attempt is committed, as in REST."""
        async with self._call("pay_order") as (session, caller):
            actor = self._actor(caller)
            order = await store.visible_order(
                session, actor, self.tenant, order_id, for_update=True
            )
            data = PaymentCreate.model_validate(test_card_payment(order_payload(order, ""), card))
            processor = self.container.processor
            outcome = await payments.pay_order(session, processor, actor, order, data, self.base)
            payload = payment_payload(outcome.payment, outcome.receipt, None, self.base)
        if not outcome.succeeded:
            raise self._problem(declined_problem(payload), f"/v1/orders/{order_id}/payment")
        return payload

    async def get_inventory(self) -> Json:
        async with self._call("get_inventory") as (session, _):
            return await store.inventory_summary(session, self.tenant)

    async def ask_advisor(self, question: str) -> Json:
        request = ChatRequest.model_validate({"messages": [{"role": "user", "content": question}]})
        async with self._call("ask_advisor") as (session, _):
            upstream = self.container.chat_upstream
            done = await chat.complete(session, self.tenant, request, self.base, upstream)
            return {"answer": done.text, "model": done.model}

    async def create_pet(self, pet: PetWrite) -> Json:
        async with self._call("create_pet") as (session, _):
            row = await pets.create_pet(session, self.tenant, pet, self.base)
            return pet_payload(row, self.base)

    async def update_pet_status(self, pet_id: uuid.UUID, status: PetStatus) -> Json:
        async with self._call("update_pet_status") as (session, caller):
            row = await pets.get_pet(session, self.tenant, pet_id, for_update=True)
            patch = PetPatch(status=status)
            await pets.patch_pet(session, self._actor(caller), row, patch, self.base)
            return pet_payload(row, self.base)

    async def pet_image(self, pet_id: uuid.UUID) -> Image:
        async with self._call("get_pet") as (session, _):
            await pets.get_pet(session, self.tenant, pet_id)
            found = (await images.images_of_pets(session, self.tenant, [pet_id]))[pet_id]
        if not found:
            raise self._problem(
                problems.not_found("image of pet", pet_id), f"petstore://pets/{pet_id}"
            )
        data = await self.container.storage.get(found[0].thumb_key)
        if data is None:
            raise self._problem(
                problems.not_found("image file", pet_id), f"petstore://pets/{pet_id}"
            )
        return Image(data, found[0].content_type)


def test_card_payment(order: Json, card: TestCard) -> Json:
    """The payment of ``order`` in full by a test card (never a card the caller typed)."""
    return {
        "currency": order["currency"],
        "amount": order["totalAmount"],
        "source": {
            "object": "card",
            "name": "Test Card",
            "number": TEST_CARD_NUMBERS[card],
            "expMonth": 12,
            "expYear": datetime.now(UTC).year + 3,
        },
    }
