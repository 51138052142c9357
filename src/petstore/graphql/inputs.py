"""The GraphQL input types (``...Input``) and their translation into the bodies the REST door
accepts, validated by the same domain models (``PetWrite``, ``PetPatch``, ``PetSearch``,
``PaymentCreate``...): one rule, one place. A field left out of an input is left out of the
body; ``null`` is sent as ``null`` (a merge patch clears that field)."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError

from petstore.core.errors import InvalidInput, field_errors
from petstore.pets.schemas import Gender, PetStatus, Size, SortField, SortOrder, Species

M = TypeVar("M", bound=BaseModel)


@strawberry.input(description="A pet's health record.")
class MedicalInfoInput:
    vaccinated: bool | None = strawberry.UNSET
    spayed_neutered: bool | None = strawberry.UNSET
    microchipped: bool | None = strawberry.UNSET
    special_needs: bool | None = strawberry.UNSET
    health_notes: str | None = strawberry.UNSET


@strawberry.input(description="A whole pet, as POST /v1/pets takes it.")
class PetInput:
    name: str
    species: Species
    age_months: int
    price: str = strawberry.field(description='A decimal string ("250.00").')
    currency: str = "USD"
    status: PetStatus = PetStatus.AVAILABLE
    breed: str | None = strawberry.UNSET
    size: Size | None = strawberry.UNSET
    color: str | None = strawberry.UNSET
    gender: Gender | None = strawberry.UNSET
    good_with_kids: bool | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    medical_info: MedicalInfoInput | None = strawberry.UNSET
    photos: list[str] | None = strawberry.UNSET


@strawberry.input(description="The fields to change; `null` clears an optional one.")
class PetUpdateInput:
    name: str | None = strawberry.UNSET
    species: Species | None = strawberry.UNSET
    age_months: int | None = strawberry.UNSET
    price: str | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    status: PetStatus | None = strawberry.UNSET
    breed: str | None = strawberry.UNSET
    size: Size | None = strawberry.UNSET
    color: str | None = strawberry.UNSET
    gender: Gender | None = strawberry.UNSET
    good_with_kids: bool | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    medical_info: MedicalInfoInput | None = strawberry.UNSET
    photos: list[str] | None = strawberry.UNSET


@strawberry.input
class AgeRangeInput:
    min: int | None = strawberry.UNSET
    max: int | None = strawberry.UNSET


@strawberry.input
class CompatibilityInput:
    good_with_kids: bool | None = strawberry.UNSET


@strawberry.input
class MedicalCriteriaInput:
    vaccinated: bool | None = strawberry.UNSET
    spayed_neutered: bool | None = strawberry.UNSET
    special_needs: bool | None = strawberry.UNSET


@strawberry.input(description="The criteria of QUERY /v1/pets.")
class PetSearchCriteriaInput:
    species: list[Species] | None = strawberry.UNSET
    status: list[PetStatus] | None = strawberry.field(
        default=strawberry.UNSET, description="Default: AVAILABLE only."
    )
    size: list[Size] | None = strawberry.UNSET
    age_range: AgeRangeInput | None = strawberry.UNSET
    compatibility: CompatibilityInput | None = strawberry.UNSET
    medical: MedicalCriteriaInput | None = strawberry.UNSET


@strawberry.input
class PetSortInput:
    field: SortField = SortField.CREATED_AT
    order: SortOrder = SortOrder.ASC


@strawberry.input
class PaginationInput:
    page: int = 1
    limit: int = 20


@strawberry.input
class PlaceOrderInput:
    pet_id: strawberry.ID
    user_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Staff may order for another user."
    )


@strawberry.input(description="Write-only: never shown again (reads show the last four).")
class CardInput:
    name: str
    number: str
    exp_month: int
    exp_year: int
    cvc: str | None = strawberry.UNSET


@strawberry.input(description="Write-only: never shown again.")
class BankAccountInput:
    account_holder_name: str
    account_number: str
    routing_number: str | None = strawberry.UNSET
    sort_code: str | None = strawberry.UNSET
    account_type: str | None = strawberry.UNSET
    bank_name: str | None = strawberry.UNSET
    country: str | None = strawberry.UNSET


@strawberry.input(one_of=True, description="Exactly one of them.")
class PaymentSourceInput:
    card: CardInput | None = strawberry.UNSET
    bank_account: BankAccountInput | None = strawberry.UNSET


@strawberry.input(description="Must equal the order's totalAmount and currency.")
class PayOrderInput:
    order_id: strawberry.ID
    amount: str
    currency: str
    source: PaymentSourceInput


@strawberry.input(description="A new account, as POST /v1/users takes it.")
class CreateUserInput:
    username: str
    email: str
    password: str
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def body_of(value: Any) -> Any:
    """An input object as a JSON body: camelCase keys, enums by name, unset fields left out."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [body_of(item) for item in value]
    if hasattr(value, "__strawberry_definition__"):
        return {
            camel(name): body_of(item)
            for name, item in vars(value).items()
            if item is not strawberry.UNSET
        }
    return value


def validated(model: type[M], body: dict[str, Any], prefix: str = "input") -> M:
    """``body`` checked by the REST door's model; refusals name the GraphQL input fields."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput(
            "The input is invalid.",
            errors=field_errors(exc, prefix=prefix),
        ) from None
