"""The MCP server of the store: its tools, resources and prompts, over any :class:`Backend`.

``backend_of(ctx)`` gives each request the backend that answers it (the door's per HTTP
request, carrying that request's caller; stdio's one for the process), so these functions
only translate: arguments in, the backend's JSON out as structured content, a refusal out as
a tool error whose text is the REST door's problem document."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import orjson
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    CallToolResult,
    TextContent,
    ToolAnnotations,
)
from pydantic import Field, ValidationError

from petstore import __version__
from petstore.core.errors import field_errors
from petstore.core.problems import Problem, problem_body
from petstore.core.settings import DEFAULT_PROBLEM_BASE
from petstore.mcp.backend import MCP_INSTANCE, Backend, Json, ToolFailure
from petstore.mcp.schemas import AdvisorAnswer, OrderPage, PetPage
from petstore.payments.schemas import Payment, TestCard
from petstore.pets.schemas import (
    Pet,
    PetSearch,
    PetStatus,
    PetWrite,
    SearchCriteria,
    SearchPagination,
    SearchSort,
    Species,
)
from petstore.store.schemas import InventorySummary, Order, OrderStatus

BackendOf = Callable[[Context], Backend]
INSTRUCTIONS = (
    "The Petstore: pets for adoption and their orders. Find pets with search_pets or "
    "list_available_pets, reserve one with place_order (the pet is held for the buyer), pay "
    "with pay_order using a named test card, and cancel with cancel_order. Amounts are "
    "decimal strings in the pet's currency. Staff may add pets and change their status."
)
READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
PageNo = Annotated[int, Field(ge=1, le=1_000_000, description="Page number, from 1.")]
Limit = Annotated[int, Field(ge=1, le=100, description="Items per page (1-100).")]


def writes(*, destructive: bool, idempotent: bool) -> ToolAnnotations:
    return ToolAnnotations(
        read_only_hint=False,
        destructive_hint=destructive,
        idempotent_hint=idempotent,
        open_world_hint=False,
    )


def _text(value: Json) -> list[TextContent]:
    return [TextContent(type="text", text=orjson.dumps(value).decode())]


async def answer(call: Awaitable[Json]) -> CallToolResult:
    """The backend's JSON as the tool's result, or its refusal as a tool error."""
    try:
        payload = await call
    except ToolFailure as failure:
        return CallToolResult(content=_text(failure.problem), is_error=True)
    return CallToolResult(content=_text(payload), structured_content=payload)


def invalid_arguments(error: ValidationError, tool: str, problem_base: str) -> CallToolResult:
    """Arguments that do not fit the tool's schema: REST's 422 problem, naming the fields and
    never echoing a value (they may be anything the model was told)."""
    problem = Problem(422, "The tool's arguments are invalid.", errors=field_errors(error))
    body = problem_body(problem, f"{MCP_INSTANCE}#{tool}", problem_base)
    return CallToolResult(content=_text(body), is_error=True)


class PetstoreMCP(MCPServer[Any]):
    """Unknown tools are a JSON-RPC error (invalid params), as the MCP specification shows;
    arguments that fail validation a tool error with the problem document."""

    def __init__(self, problem_base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem_base = problem_base
        self.tool_names: set[str] = set()

    def add_tool(
        self, fn: Callable[..., Any], name: str | None = None, *args: Any, **kwargs: Any
    ) -> None:
        super().add_tool(fn, name, *args, **kwargs)
        self.tool_names.add(name or fn.__name__)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        if name not in self.tool_names:
            raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {name}")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                return invalid_arguments(exc.__cause__, name, self.problem_base)
            raise


def build_server(
    backend_of: BackendOf,
    openapi: Callable[[], Awaitable[Json]],
    problem_base: str = DEFAULT_PROBLEM_BASE,
) -> PetstoreMCP:
    server = PetstoreMCP(
        problem_base,
        name="petstore",
        title="Petstore",
        version=__version__,
        instructions=INSTRUCTIONS,
    )
    register_pet_tools(server, backend_of)
    register_order_tools(server, backend_of)
    register_staff_tools(server, backend_of)
    register_resources(server, backend_of, openapi)
    register_prompts(server, backend_of)
    return server


def register_pet_tools(server: PetstoreMCP, backend_of: BackendOf) -> None:
    @server.tool(annotations=READ)
    async def search_pets(
        ctx: Context,
        criteria: SearchCriteria | None = None,
        sort: SearchSort | None = None,
        pagination: SearchPagination | None = None,
    ) -> Annotated[CallToolResult, PetPage]:
        """Search the pets by species, status (default: AVAILABLE only), size, age range in
        months, compatibility with kids and medical facts; sorted and paged. Use it to answer
        requests like "a vaccinated medium dog good with kids". Prices are decimal strings."""
        search = PetSearch(criteria=criteria, sort=sort, pagination=pagination)
        return await answer(backend_of(ctx).search_pets(search))

    @server.tool(annotations=READ)
    async def get_pet(ctx: Context, pet_id: uuid.UUID) -> Annotated[CallToolResult, Pet]:
        """One pet by its id: name, species, breed, age in months, size, price, status
        (AVAILABLE pets can be ordered), medical information and photo URLs."""
        return await answer(backend_of(ctx).get_pet(pet_id))

    @server.tool(annotations=READ)
    async def list_available_pets(
        ctx: Context, species: Species | None = None, page: PageNo = 1, limit: Limit = 20
    ) -> Annotated[CallToolResult, PetPage]:
        """The pets that can be adopted now (status AVAILABLE), optionally of one species,
        newest first; `pagination.totalItems` says how many there are in all."""
        return await answer(backend_of(ctx).list_available_pets(species, page, limit))

    @server.tool(annotations=READ)
    async def ask_advisor(
        ctx: Context, question: Annotated[str, Field(min_length=1, max_length=4000)]
    ) -> Annotated[CallToolResult, AdvisorAnswer]:
        """Ask the store's pet adoption advisor a question in plain words (which pet suits a
        flat, what a breed needs...). Its recommendations name only pets available now.
        Needs the `chat:write` scope."""
        return await answer(backend_of(ctx).ask_advisor(question))


def register_order_tools(server: PetstoreMCP, backend_of: BackendOf) -> None:
    @server.tool(annotations=writes(destructive=False, idempotent=False))
    async def place_order(ctx: Context, pet_id: uuid.UUID) -> Annotated[CallToolResult, Order]:
        """Reserve an AVAILABLE pet for the signed-in user: the order starts PLACED at the
        pet's price and the pet becomes PENDING. Confirm with the user first; a pet already
        reserved by someone else is refused (409). Pay it next with pay_order."""
        return await answer(backend_of(ctx).place_order(pet_id))

    @server.tool(annotations=READ)
    async def get_order(ctx: Context, order_id: uuid.UUID) -> Annotated[CallToolResult, Order]:
        """One of the user's orders (staff: any): its status (PLACED, APPROVED once paid,
        SHIPPED, DELIVERED, CANCELLED), amount, currency and pet."""
        return await answer(backend_of(ctx).get_order(order_id))

    @server.tool(annotations=READ)
    async def list_my_orders(
        ctx: Context, status: OrderStatus | None = None, page: PageNo = 1, limit: Limit = 20
    ) -> Annotated[CallToolResult, OrderPage]:
        """The signed-in user's own orders, newest first, optionally of one status."""
        return await answer(backend_of(ctx).list_my_orders(status, page, limit))

    @server.tool(annotations=writes(destructive=True, idempotent=True))
    async def cancel_order(ctx: Context, order_id: uuid.UUID) -> Annotated[CallToolResult, Order]:
        """Cancel a PLACED or APPROVED order: the pet becomes AVAILABLE again and a paid order
        is refunded in full. SHIPPED and DELIVERED orders cannot be cancelled (409). Confirm
        with the user first; cancelling a cancelled order changes nothing."""
        return await answer(backend_of(ctx).cancel_order(order_id))

    @server.tool(annotations=writes(destructive=True, idempotent=False))
    async def pay_order(
        ctx: Context,
        order_id: uuid.UUID,
        test_card: Annotated[
            TestCard,
            Field(description="A test card by name; DECLINED is refused by the processor."),
        ] = TestCard.VISA,
    ) -> Annotated[CallToolResult, Payment]:
        """Pay a PLACED order in full with one of the store's test-mode cards (never a real
        card number: none is accepted). Success makes the order APPROVED and returns the
        payment with the card masked; a decline is a tool error (402) and the order stays
        PLACED."""
        return await answer(backend_of(ctx).pay_order(order_id, test_card))

    @server.tool(annotations=READ)
    async def get_inventory(ctx: Context) -> Annotated[CallToolResult, InventorySummary]:
        """How many pets the store has in each status, in all and per species."""
        return await answer(backend_of(ctx).get_inventory())


def register_staff_tools(server: PetstoreMCP, backend_of: BackendOf) -> None:
    @server.tool(annotations=writes(destructive=False, idempotent=False))
    async def create_pet(ctx: Context, pet: PetWrite) -> Annotated[CallToolResult, Pet]:
        """Staff only (`write:pets`): add a pet to the catalog. `name`, `species`,
        `ageMonths`, `price` (a decimal string) and `currency` are required."""
        return await answer(backend_of(ctx).create_pet(pet))

    @server.tool(annotations=writes(destructive=True, idempotent=True))
    async def update_pet_status(
        ctx: Context, pet_id: uuid.UUID, status: PetStatus
    ) -> Annotated[CallToolResult, Pet]:
        """Staff only (`write:pets`): set a pet's adoption status (AVAILABLE, PENDING,
        ADOPTED, NOT_AVAILABLE)."""
        return await answer(backend_of(ctx).update_pet_status(pet_id, status))


async def read(call: Awaitable[Json]) -> str:
    """A resource's JSON; a refusal is a JSON-RPC error carrying the problem document."""
    try:
        return orjson.dumps(await call).decode()
    except ToolFailure as failure:
        raise resource_error(failure) from None


def resource_error(failure: ToolFailure) -> MCPError:
    status = failure.problem.get("status")
    code = INVALID_PARAMS if isinstance(status, int) and status < 500 else INTERNAL_ERROR
    return MCPError(code=code, message=str(failure), data=failure.problem)


def register_resources(
    server: PetstoreMCP, backend_of: BackendOf, openapi: Callable[[], Awaitable[Json]]
) -> None:
    @server.resource("petstore://pets/{pet_id}", mime_type="application/json")
    async def pet(pet_id: str, ctx: Context) -> str:
        """A pet, as `GET /v1/pets/{id}` shows it."""
        return await read(backend_of(ctx).get_pet(_uuid(pet_id, "pet")))

    @server.resource("petstore://pets/{pet_id}/image")
    async def pet_image(pet_id: str, ctx: Context) -> bytes:
        """The thumbnail of a pet's first uploaded photo."""
        try:
            image = await backend_of(ctx).pet_image(_uuid(pet_id, "pet"))
        except ToolFailure as failure:
            raise resource_error(failure) from None
        return image.data

    @server.resource("petstore://orders/{order_id}", mime_type="application/json")
    async def order(order_id: str, ctx: Context) -> str:
        """One of your orders (staff: any), as `GET /v1/orders/{id}` shows it."""
        return await read(backend_of(ctx).get_order(_uuid(order_id, "order")))

    @server.resource("petstore://openapi", mime_type="application/json")
    async def openapi_document() -> str:
        """The REST API's OpenAPI 3.2 document: every operation, schema and error."""
        return await read(openapi())


def _uuid(value: str, kind: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        detail = f"No {kind} has the id {value!r}: ids are UUIDs."
        raise MCPError(code=INVALID_PARAMS, message=detail, data={"status": 404}) from None


def register_prompts(server: PetstoreMCP, backend_of: BackendOf) -> None:
    @server.prompt(title="Find a pet for my household")
    def find_pet_for_household(
        household: Annotated[str, Field(description="Who lives there, the home, the routine.")],
        species: Annotated[str, Field(description="A species in mind, if any.")] = "",
    ) -> str:
        """Match available pets to a household."""
        wish = f" The household would like a {species.strip().lower()}." if species else ""
        return (
            f"Help me find a pet to adopt. About my household: {household.strip()}.{wish} "
            "Use search_pets (criteria such as size, age range in months, goodWithKids and "
            "vaccinated) to find AVAILABLE pets that fit, ask the advisor if useful, and "
            "suggest up to three with their name, price and why each fits. Do not place an "
            "order until I choose one and confirm."
        )

    @server.prompt(title="Explain my order")
    async def explain_my_order(order_id: str, ctx: Context) -> str:
        """Explain an order's status and what can be done next."""
        body = await read(backend_of(ctx).get_order(_uuid(order_id, "order")))
        return (
            "Explain this Petstore order to me in plain words: what its status means, what "
            "I paid or owe, and what I can do next (pay a PLACED order with pay_order, "
            "cancel a PLACED or APPROVED one with cancel_order; SHIPPED and DELIVERED orders "
            f"can no longer be cancelled). The order, as JSON: {body}"
        )
