"""The GraphQL types: the REST wire forms (``pet_payload``, ``order_payload``...) as typed
objects, so both doors show a resource alike, plus the nested fields, resolved through the
request's DataLoaders (one statement per kind of thing, however many orders ask)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from petstore.pets.schemas import Gender, PetStatus, Size, SortField, SortOrder, Species
from petstore.store.schemas import OrderStatus
from petstore.users.schemas import user_payload

if TYPE_CHECKING:
    from petstore.graphql.context import GraphQLContext

SpeciesEnum = strawberry.enum(Species, name="Species")
PetStatusEnum = strawberry.enum(PetStatus, name="PetStatus")
SizeEnum = strawberry.enum(Size, name="Size")
GenderEnum = strawberry.enum(Gender, name="Gender")
OrderStatusEnum = strawberry.enum(OrderStatus, name="OrderStatus")
SortFieldEnum = strawberry.enum(SortField, name="PetSortField")
SortOrderEnum = strawberry.enum(SortOrder, name="SortOrder")

Ctx = Annotated["GraphQLContext", strawberry.lazy("petstore.graphql.context")]


@strawberry.type(description="A pet's health record.")
class MedicalInfo:
    vaccinated: bool | None
    spayed_neutered: bool | None
    microchipped: bool | None
    special_needs: bool | None
    health_notes: str | None


@strawberry.type(description="An uploaded picture of a pet.")
class Image:
    id: strawberry.ID
    url: str
    thumbnail_url: str
    content_type: str
    width: int
    height: int
    bytes: int

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Image:
        return cls(
            id=strawberry.ID(payload["id"]),
            url=payload["url"],
            thumbnail_url=payload["thumbnailUrl"],
            content_type=payload["contentType"],
            width=payload["width"],
            height=payload["height"],
            bytes=payload["bytes"],
        )


@strawberry.type(description="A pet of the catalog, as GET /v1/pets/{id} shows it.")
class Pet:
    id: strawberry.ID
    name: str
    species: Species
    breed: str | None
    age_months: int
    size: Size | None
    color: str | None
    gender: Gender | None
    good_with_kids: bool | None
    price: str = strawberry.field(description='The adoption fee, a decimal string ("250.00").')
    currency: str
    description: str | None
    status: PetStatus
    medical_info: MedicalInfo
    photos: list[str]
    tenant_id: strawberry.ID | None
    created_at: str
    updated_at: str

    @strawberry.field(description="The pet's uploaded images, oldest first.")
    async def images(self, info: Info[Ctx, None]) -> list[Image]:
        return await info.context.loaders.images.load(uuid.UUID(self.id))

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Pet:
        medical = payload["medicalInfo"]
        return cls(
            id=strawberry.ID(payload["id"]),
            name=payload["name"],
            species=Species(payload["species"]),
            breed=payload["breed"],
            age_months=payload["ageMonths"],
            size=Size(payload["size"]) if payload["size"] else None,
            color=payload["color"],
            gender=Gender(payload["gender"]) if payload["gender"] else None,
            good_with_kids=payload["goodWithKids"],
            price=payload["price"],
            currency=payload["currency"],
            description=payload["description"],
            status=PetStatus(payload["status"]),
            medical_info=MedicalInfo(
                vaccinated=medical["vaccinated"],
                spayed_neutered=medical["spayedNeutered"],
                microchipped=medical["microchipped"],
                special_needs=medical["specialNeeds"],
                health_notes=medical["healthNotes"],
            ),
            photos=payload["photos"],
            tenant_id=payload["tenantId"],
            created_at=payload["createdAt"],
            updated_at=payload["updatedAt"],
        )


@strawberry.type(description="An account; staff see everyone's, others only their own.")
class User:
    id: strawberry.ID
    username: str
    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    role: str
    tenant_id: strawberry.ID | None
    created_at: str

    @classmethod
    def of(cls, payload: dict[str, Any]) -> User:
        return cls(
            id=strawberry.ID(payload["id"]),
            username=payload["username"],
            email=payload["email"],
            first_name=payload["firstName"],
            last_name=payload["lastName"],
            phone=payload["phone"],
            role=payload["role"],
            tenant_id=payload["tenantId"],
            created_at=payload["createdAt"],
        )

    @classmethod
    def of_row(cls, row: Any, base_url: str) -> User:
        return cls.of(user_payload(row, base_url))


@strawberry.type(description="An order for one pet.")
class Order:
    id: strawberry.ID
    pet_id: strawberry.ID
    user_id: strawberry.ID
    status: OrderStatus
    total_amount: str = strawberry.field(description="A decimal string in `currency`.")
    currency: str
    tenant_id: strawberry.ID | None
    created_at: str
    updated_at: str

    @strawberry.field(description="The ordered pet (null once it was deleted).")
    async def pet(self, info: Info[Ctx, None]) -> Pet | None:
        return await info.context.loaders.pets.load(uuid.UUID(self.pet_id))

    @strawberry.field(description="The buyer: visible to that user and to staff only.")
    async def user(self, info: Info[Ctx, None]) -> User | None:
        info.context.require_user_visible(uuid.UUID(self.user_id))
        return await info.context.loaders.users.load(uuid.UUID(self.user_id))

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Order:
        return cls(
            id=strawberry.ID(payload["id"]),
            pet_id=strawberry.ID(payload["petId"]),
            user_id=strawberry.ID(payload["userId"]),
            status=OrderStatus(payload["status"]),
            total_amount=payload["totalAmount"],
            currency=payload["currency"],
            tenant_id=payload["tenantId"],
            created_at=payload["createdAt"],
            updated_at=payload["updatedAt"],
        )


@strawberry.type(description="A payment attempt; card and account numbers are never shown.")
class Payment:
    id: strawberry.ID
    order_id: strawberry.ID
    amount: str
    currency: str
    status: str
    method: str
    last4: str
    brand: str | None
    receipt_id: strawberry.ID | None
    failure_message: str | None
    created_at: str

    @classmethod
    def of(cls, payload: dict[str, Any]) -> Payment:
        source = payload["source"]
        return cls(
            id=strawberry.ID(payload["id"]),
            order_id=strawberry.ID(payload["orderId"]),
            amount=payload["amount"],
            currency=payload["currency"],
            status=payload["status"],
            method=source["object"],
            last4=source["last4"],
            brand=source.get("brand"),
            receipt_id=payload["receiptId"],
            failure_message=payload["failureMessage"],
            created_at=payload["createdAt"],
        )


@strawberry.type
class PageInfo:
    page: int
    limit: int
    total_items: int
    total_pages: int

    @classmethod
    def of(cls, page: int, limit: int, total: int) -> PageInfo:
        return cls(page=page, limit=limit, total_items=total, total_pages=-(-total // limit))


@strawberry.type(description="A page of pets.")
class PetPage:
    items: list[Pet]
    page_info: PageInfo
    total_items: int


@strawberry.type(description="A page of orders.")
class OrderPage:
    items: list[Order]
    page_info: PageInfo
    total_items: int


@strawberry.type(description="Pet counts for the tenant, as GET /v1/inventory.")
class StatusCounts:
    available: int
    pending: int
    adopted: int
    not_available: int
    total: int

    @classmethod
    def of(cls, values: dict[str, int]) -> StatusCounts:
        return cls(
            available=values["available"],
            pending=values["pending"],
            adopted=values["adopted"],
            not_available=values["notAvailable"],
            total=values["total"],
        )


@strawberry.type
class SpeciesCounts:
    species: Species
    counts: StatusCounts


@strawberry.type
class Inventory:
    counts: StatusCounts
    by_species: list[SpeciesCounts]


@strawberry.type(description="A committed change to a pet (the event of its webhook).")
class PetEvent:
    event_id: strawberry.ID
    event_type: str
    timestamp: str
    pet: Pet
    previous_status: PetStatus | None


@strawberry.type(description="A committed change to an order (the event of its webhook).")
class OrderEvent:
    event_id: strawberry.ID
    event_type: str
    timestamp: str
    order: Order


__all__ = ["GenderEnum", "OrderStatusEnum", "PetStatusEnum", "SizeEnum", "SortFieldEnum",
           "SortOrderEnum", "SpeciesEnum"]  # fmt: skip
