"""``petstore.v1.PetService``: the pet catalog over gRPC, on the pets domain's services."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from functools import partial
from typing import Any

import grpc

from petstore.grpc.calls import PUBLIC_READ, Access, Call, Door, needs, validated
from petstore.grpc.messages import (
    page_of,
    pagination_message,
    parse_id,
    pet_message,
    pet_patch,
    pet_search,
    pet_write,
    proto_field,
    size_name,
    species_name,
    status_name,
)
from petstore.grpc.streams import Streams
from petstore.grpc.v1 import petstore_pb2 as pb
from petstore.grpc.v1 import petstore_pb2_grpc as rpc
from petstore.pets import service
from petstore.pets.schemas import PetPatch, PetSearch, PetStatus, PetWrite, pet_payload

Context = grpc.aio.ServicerContext[Any, Any]

WRITE_PETS = needs("write:pets", write=True)
"""As ``RequireScopes("write:pets")`` on the REST writes (a staff scope)."""
ACCESS: Mapping[str, Access] = {
    "GetPet": PUBLIC_READ,
    "ListPets": PUBLIC_READ,
    "SearchPets": PUBLIC_READ,
    "CreatePet": WRITE_PETS,
    "UpdatePet": WRITE_PETS,
    "DeletePet": WRITE_PETS,
    "WatchPets": PUBLIC_READ,
}
"""What each RPC needs; a test holds it to the matching REST operation's security."""


class PetService(rpc.PetServiceServicer):
    def __init__(self, door: Door, streams: Streams) -> None:
        self.door = door
        self.streams = streams

    def _pet(self, call: Call, row: Any) -> pb.Pet:
        return pet_message(pet_payload(row, call.base_url))

    async def GetPet(self, request: pb.GetPetRequest, context: Context) -> pb.Pet:  # noqa: N802
        async def work(call: Call) -> pb.Pet:
            row = await service.get_pet(call.session, call.tenant, parse_id(request.id, "id"))
            return self._pet(call, row)

        return await self.door.answer(context, ACCESS["GetPet"], work)

    async def ListPets(  # noqa: N802
        self, request: pb.ListPetsRequest, context: Context
    ) -> pb.ListPetsResponse:
        async def work(call: Call) -> pb.ListPetsResponse:
            page, limit = page_of(request.page, request.limit)
            species, size = species_name(request.species), size_name(request.size)
            flt = service.PetFilter(
                tenant=call.tenant,
                statuses=(status_name(request.status) or PetStatus.AVAILABLE.value,),
                species=(species,) if species else (),
                sizes=(size,) if size else (),
                age_min=request.age_min if request.HasField("age_min") else None,
                age_max=request.age_max if request.HasField("age_max") else None,
                good_with_kids=(
                    request.good_with_kids if request.HasField("good_with_kids") else None
                ),
            )
            rows, total = await service.list_pets(call.session, flt, (page - 1) * limit, limit)
            return pb.ListPetsResponse(
                pets=[self._pet(call, row) for row in rows],
                pagination=pagination_message(page, limit, total),
            )

        return await self.door.answer(context, ACCESS["ListPets"], work)

    async def SearchPets(  # noqa: N802
        self, request: pb.SearchPetsRequest, context: Context
    ) -> pb.SearchPetsResponse:
        async def work(call: Call) -> pb.SearchPetsResponse:
            query = validated(PetSearch, pet_search(request), _search_field)
            rows, total, page, limit = await service.search(call.session, call.tenant, query)
            return pb.SearchPetsResponse(
                pets=[self._pet(call, row) for row in rows],
                pagination=pagination_message(page, limit, total),
            )

        return await self.door.answer(context, ACCESS["SearchPets"], work)

    async def CreatePet(self, request: pb.CreatePetRequest, context: Context) -> pb.Pet:  # noqa: N802
        async def work(call: Call) -> pb.Pet:
            data = validated(PetWrite, pet_write(request.pet), _pet_field)
            row = await service.create_pet(call.session, call.tenant, data, call.base_url)
            return self._pet(call, row)

        return await self.door.answer(context, ACCESS["CreatePet"], work, _pet_field)

    async def UpdatePet(self, request: pb.UpdatePetRequest, context: Context) -> pb.Pet:  # noqa: N802
        async def work(call: Call) -> pb.Pet:
            pet_id = parse_id(request.pet.id, "pet.id")
            row = await service.get_pet(call.session, call.tenant, pet_id, for_update=True)
            if request.update_mask.paths:
                patch = validated(PetPatch, pet_patch(request.pet, request.update_mask), _pet_field)
                await service.patch_pet(call.session, call.actor, row, patch, call.base_url)
            else:
                data = validated(PetWrite, pet_write(request.pet), _pet_field)
                await service.replace_pet(call.session, call.actor, row, data, call.base_url)
            return self._pet(call, row)

        return await self.door.answer(context, ACCESS["UpdatePet"], work, _pet_field)

    async def DeletePet(  # noqa: N802
        self, request: pb.DeletePetRequest, context: Context
    ) -> pb.DeletePetResponse:
        async def work(call: Call) -> pb.DeletePetResponse:
            pet_id = parse_id(request.id, "id")
            row = await service.get_pet(call.session, call.tenant, pet_id, for_update=True)
            await service.delete_pet(call.session, row, call.container.pet_removal_hooks)
            return pb.DeletePetResponse()

        return await self.door.answer(context, ACCESS["DeletePet"], work)

    async def WatchPets(  # noqa: N802
        self, request: pb.WatchPetsRequest, context: Context
    ) -> AsyncIterator[pb.PetEvent]:
        """Committed pet events of the tenant (of one pet when ``pet_id`` is set)."""

        async def work(call: Call) -> str:
            if request.pet_id:  # an unknown pet is NOT_FOUND, as GetPet
                await service.get_pet(call.session, call.tenant, parse_id(request.pet_id, "pet_id"))
            return call.tenant

        tenant = await self.door.answer(context, ACCESS["WatchPets"], work)
        async with self.streams.subscribe(tenant) as subscription:
            shape = partial(pet_event, pet_id=request.pet_id)
            async for event in self.streams.relay(context, subscription, shape, None):
                yield event


def pet_event(envelope: dict[str, Any], pet_id: str) -> pb.PetEvent | None:
    """A ``pet.*`` event as a stream message; others (orders, payments) are skipped."""
    kind = envelope.get("eventType", "")
    data = envelope.get("data", {})
    if not kind.startswith("pet.") or (pet_id and data["pet"]["id"] != pet_id):
        return None
    event = pb.PetEvent(event_id=envelope["eventId"], event_type=kind, pet=pet_message(data["pet"]))
    event.time.FromJsonString(envelope["timestamp"])
    if "previousStatus" in data:
        event.previous_status = pb.Status.Value(data["previousStatus"])
    return event


def _pet_field(wire: str) -> str:
    """Violations of a pet body, named as fields of the request (``pet.age_months``)."""
    return "pet." + proto_field(wire).replace("adoption_fee", "price")


SEARCH_FIELDS = (
    ("criteria.age_range.min", "criteria.age_min"),
    ("criteria.age_range.max", "criteria.age_max"),
    ("criteria.compatibility.", "criteria."),
    ("criteria.medical.", "criteria."),
    ("pagination.", ""),
    ("sort.order", "sort.descending"),
)


def _search_field(wire: str) -> str:
    named = proto_field(wire)
    for old, new in SEARCH_FIELDS:
        named = named.replace(old, new)
    return named
