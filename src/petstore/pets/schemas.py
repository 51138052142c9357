"""Pet request and response bodies, and the wire representation of a stored pet."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import ConfigDict, Field, Strict, model_validator
from pydantic.json_schema import SkipJsonSchema

from petstore.core import money
from petstore.core.ids import rfc3339
from petstore.core.money import precision_rules
from petstore.core.pagination import CollectionLinks, Pagination
from petstore.core.schemas import (
    JSON_INTEGER,
    UPPERCASE,
    Amount,
    Currency,
    InputModel,
    OutputModel,
    StrictBool,
    amount_in_currency,
)
from petstore.core.tenancy import tenant_id_out
from petstore.pets.models import Pet as PetRow


class Species(StrEnum):
    DOG = "DOG"
    CAT = "CAT"
    RABBIT = "RABBIT"
    BIRD = "BIRD"
    REPTILE = "REPTILE"
    OTHER = "OTHER"


class PetStatus(StrEnum):
    AVAILABLE = "AVAILABLE"
    PENDING = "PENDING"
    ADOPTED = "ADOPTED"
    NOT_AVAILABLE = "NOT_AVAILABLE"


class Size(StrEnum):
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    UNKNOWN = "UNKNOWN"


class SortField(StrEnum):
    AGE_MONTHS = "AGE_MONTHS"
    PRICE = "PRICE"
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"


class SortOrder(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


SpeciesIn = Annotated[Species, UPPERCASE]
PetStatusIn = Annotated[PetStatus, UPPERCASE]
SizeIn = Annotated[Size, UPPERCASE]
GenderIn = Annotated[Gender, UPPERCASE]

Name = Annotated[str, Field(min_length=1, max_length=50, examples=["Max"])]
AgeMonths = Annotated[int, Strict(), Field(ge=0, le=1200, examples=[24]), JSON_INTEGER]
ShortText = Annotated[str, Field(max_length=100)]
LongText = Annotated[str, Field(max_length=2000)]
PhotoUrl = Annotated[str, Field(min_length=1, max_length=2048)]
MAX_PHOTOS = 20


class MedicalInfo(InputModel):
    vaccinated: StrictBool | None = None
    spayedNeutered: StrictBool | None = None  # noqa: N815 - wire names are camelCase
    microchipped: StrictBool | None = None
    specialNeeds: StrictBool | None = None  # noqa: N815
    healthNotes: LongText | None = None  # noqa: N815


def _fee_text(fee: int | float) -> str:
    """The number as written, not rounded: ``45.5`` → ``"45.5"``, ``150.0`` → ``"150"``, so
    that the price rules judge the digits the client sent."""
    return format(Decimal(repr(fee)).normalize(), "f")


def _price_alias(data: Any) -> Any:
    """``adoptionFee`` (the launch design's number) is accepted in place of ``price``."""
    if isinstance(data, dict) and "price" not in data and "adoptionFee" in data:
        fee = data["adoptionFee"]
        if isinstance(fee, int | float) and not isinstance(fee, bool) and 0 <= fee < 1e10:
            data = {**data, "price": _fee_text(fee)}
        else:
            data = {**data, "price": fee}
    return data


PRICE_DESCRIPTION = (
    "Adoption fee: a decimal string greater than zero, with at most as many decimals as the "
    'currency has (JPY: `"15000"`, USD: `"250.00"`, BHD: `"95.500"`).'
)


class PetWrite(InputModel):
    """A whole pet, as sent to create (POST) or replace (PUT) one.

    `adoptionFee` (a number) is accepted in place of `price`; enums are case-insensitive.
    """

    model_config = ConfigDict(json_schema_extra=precision_rules("price"))

    name: Name
    species: SpeciesIn
    ageMonths: AgeMonths  # noqa: N815
    currency: Currency = "USD"  # before the price, which is checked against it
    price: Amount = Field(description=PRICE_DESCRIPTION, examples=["250.00"])
    status: PetStatusIn = PetStatus.AVAILABLE
    breed: ShortText | None = None
    size: SizeIn | None = None
    color: ShortText | None = None
    gender: GenderIn | None = None
    goodWithKids: StrictBool | None = None  # noqa: N815
    description: LongText | None = None
    medicalInfo: MedicalInfo | None = None  # noqa: N815
    photos: Annotated[list[PhotoUrl], Field(max_length=MAX_PHOTOS)] | None = None

    _aliases = model_validator(mode="before")(_price_alias)
    _price_fits = amount_in_currency("price")


class PetPatch(InputModel):
    """An RFC 7396 merge patch: fields present replace, ``null`` clears an optional field.

    Fields every pet must have cannot be cleared (their ``null`` answers 422).
    """

    name: Name | SkipJsonSchema[None] = None
    species: SpeciesIn | SkipJsonSchema[None] = None
    ageMonths: AgeMonths | SkipJsonSchema[None] = None  # noqa: N815
    price: Annotated[Amount, Field(description=PRICE_DESCRIPTION)] | SkipJsonSchema[None] = None
    currency: Currency | SkipJsonSchema[None] = None
    status: PetStatusIn | SkipJsonSchema[None] = None
    breed: ShortText | None = None
    size: SizeIn | None = None
    color: ShortText | None = None
    gender: GenderIn | None = None
    goodWithKids: StrictBool | None = None  # noqa: N815
    description: LongText | None = None
    medicalInfo: MedicalInfo | None = None  # noqa: N815
    photos: Annotated[list[PhotoUrl], Field(max_length=MAX_PHOTOS)] | None = None

    _aliases = model_validator(mode="before")(_price_alias)


class AgeRange(InputModel):
    min: AgeMonths | None = None
    max: AgeMonths | None = None


class Compatibility(InputModel):
    goodWithKids: StrictBool | None = None  # noqa: N815


class MedicalCriteria(InputModel):
    vaccinated: StrictBool | None = None
    spayedNeutered: StrictBool | None = None  # noqa: N815
    specialNeeds: StrictBool | None = None  # noqa: N815


class SearchCriteria(InputModel):
    species: Annotated[list[SpeciesIn], Field(max_length=6)] | None = None
    status: Annotated[list[PetStatusIn], Field(max_length=4)] | None = Field(
        default=None, description="Statuses to include; default AVAILABLE only."
    )
    size: Annotated[list[SizeIn], Field(max_length=3)] | None = None
    ageRange: AgeRange | None = None  # noqa: N815
    compatibility: Compatibility | None = None
    medical: MedicalCriteria | None = None


class SearchSort(InputModel):
    field: Annotated[SortField, UPPERCASE] = Field(
        default=SortField.CREATED_AT,
        description="ageMonths (also age_months), price, name or createdAt; case-insensitive.",
    )
    order: Annotated[SortOrder, UPPERCASE] = SortOrder.ASC

    @model_validator(mode="before")
    @classmethod
    def _camel_field(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("field"), str):
            normalized = {"AGEMONTHS": "AGE_MONTHS", "CREATEDAT": "CREATED_AT"}
            key = data["field"].upper().replace("-", "_")
            data = {**data, "field": normalized.get(key, key)}
        return data


class SearchPagination(InputModel):
    page: Annotated[int, Strict(), Field(ge=1, le=1_000_000), JSON_INTEGER] = 1
    limit: Annotated[int, Strict(), Field(ge=1, le=100), JSON_INTEGER] = 20


class PetSearch(InputModel):
    criteria: SearchCriteria | None = None
    sort: SearchSort | None = None
    pagination: SearchPagination | None = None


class MedicalInfoOut(OutputModel):
    vaccinated: bool | None
    spayedNeutered: bool | None  # noqa: N815
    microchipped: bool | None
    specialNeeds: bool | None  # noqa: N815
    healthNotes: str | None  # noqa: N815


class PetLinks(OutputModel):
    self: str
    images: str


class Pet(OutputModel):
    id: uuid.UUID
    name: str
    species: Species
    breed: str | None
    ageMonths: int  # noqa: N815
    size: Size | None
    color: str | None
    gender: Gender | None
    goodWithKids: bool | None  # noqa: N815
    price: str = Field(examples=["250.00"])
    currency: str
    description: str | None
    status: PetStatus
    medicalInfo: MedicalInfoOut  # noqa: N815
    photos: list[str]
    tenantId: uuid.UUID | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    updatedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: PetLinks


class PetCollection(OutputModel):
    data: list[Pet]
    pagination: Pagination
    links: CollectionLinks


def pet_payload(pet: PetRow, base: str) -> dict[str, Any]:
    """The wire form of a stored pet (the hot path of every read: a plain dict, no models)."""
    href = f"{base}/v1/pets/{pet.id}"
    return {
        "id": str(pet.id),
        "name": pet.name,
        "species": pet.species,
        "breed": pet.breed,
        "ageMonths": pet.age_months,
        "size": pet.size,
        "color": pet.color,
        "gender": pet.gender,
        "goodWithKids": pet.good_with_kids,
        "price": money.to_text(pet.price_minor, pet.currency),
        "currency": pet.currency,
        "description": pet.description,
        "status": pet.status,
        "medicalInfo": {
            "vaccinated": pet.vaccinated,
            "spayedNeutered": pet.spayed_neutered,
            "microchipped": pet.microchipped,
            "specialNeeds": pet.special_needs,
            "healthNotes": pet.health_notes,
        },
        "photos": list(pet.photos or []),
        "tenantId": tenant_id_out(pet.tenant),
        "createdAt": rfc3339(pet.created_at),
        "updatedAt": rfc3339(pet.updated_at),
        "links": {"self": href, "images": f"{href}/images"},
    }
