"""The classic wire models: the reference's Pet, Category, Tag, Order, User and ApiResponse.

One set of models validates every body (JSON strictly, XML and form fields by their text) and
is the source of the OpenAPI document's schemas, so the document cannot promise more or less
than the server checks. Field names are the classic camelCase ones (aliases); XML names are
declared here and read by :mod:`petstore.classic.xml`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from petstore.core.schemas import InputModel

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX, json_schema_extra={"format": "int64"})]
Int32 = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX, json_schema_extra={"format": "int32"})]
PetStatus = Literal["available", "pending", "sold"]
OrderStatus = Literal["placed", "approved", "delivered"]
PET_STATUSES: tuple[PetStatus, ...] = ("available", "pending", "sold")
ORDER_STATUSES: tuple[OrderStatus, ...] = ("placed", "approved", "delivered")

# Wrapped XML lists: the wrapper's element name (the field's) and each item's element name.
XML_ITEMS = {"photoUrls": "photoUrl", "tags": "tag"}
# The XML names of the models: such an element, empty, is an object with no fields (not an
# empty string). Filled in by ``_xml`` as the models below are declared.
XML_OBJECTS: set[str] = set()


def _xml(name: str) -> ConfigDict:
    XML_OBJECTS.add(name)
    return ConfigDict(json_schema_extra={"xml": {"name": name}})


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _moment(value: Any) -> Any:
    """An RFC 3339 date-time, in every body format alike (pydantic's strict mode, used for
    JSON, refuses strings for datetimes), as UTC; one not expressible in UTC is refused."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not RFC3339.match(value.upper()):
        raise ValueError("must be an RFC 3339 date-time, e.g. 2026-01-01T10:00:00Z")
    try:
        return datetime.fromisoformat(value.upper()).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError("the date-time is out of range") from exc


class ClassicModel(InputModel):
    """A classic body: an optional field is left out, never sent as ``null`` (the document
    says so: generated clients and the reference's own examples omit them)."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            names = {field.alias or name for name, field in cls.model_fields.items()}
            if any(data.get(name, ...) is None for name in names):
                raise ValueError("leave optional fields out instead of sending null")
        return data


def _boolean(value: Any) -> Any:
    """``true`` and ``false``, also as the text of an XML element or form field."""
    if isinstance(value, str):
        if value not in ("true", "false"):
            raise ValueError("must be true or false")
        return value == "true"
    return value


Boolean = Annotated[bool, BeforeValidator(_boolean)]


class Category(ClassicModel):
    model_config = _xml("category")

    id: Int64 | None = Field(default=None, examples=[1])
    name: str | None = Field(default=None, examples=["Dogs"])


class Tag(ClassicModel):
    model_config = _xml("tag")

    id: Int64 | None = None
    name: str | None = None


PhotoUrl = Annotated[str, Field(json_schema_extra={"xml": {"name": XML_ITEMS["photoUrls"]}})]
WRAPPED: Any = {"xml": {"wrapped": True}}


class Pet(ClassicModel):
    model_config = _xml("pet")

    id: Int64 | None = Field(default=None, examples=[10])
    name: str = Field(examples=["doggie"])
    category: Category | None = None
    photo_urls: list[PhotoUrl] = Field(alias="photoUrls", json_schema_extra=WRAPPED)
    tags: list[Tag] = Field(default_factory=list, json_schema_extra=WRAPPED)
    status: PetStatus | None = Field(default=None, description="pet status in the store")


class PetForm(ClassicModel):
    """A pet sent as form fields: its flat fields only (category and tags need JSON or XML).
    ``photoUrls`` may be repeated; it is left out of the document, where form encoding cannot
    tell one URL from a string that is no array."""

    id: Int64 | None = None
    name: str
    photo_urls: SkipJsonSchema[list[str]] = Field(default_factory=list, alias="photoUrls")
    status: PetStatus | None = None


class Order(ClassicModel):
    model_config = _xml("order")

    id: Int64 | None = Field(default=None, examples=[10])
    pet_id: Int64 | None = Field(default=None, alias="petId", examples=[198772])
    quantity: Int32 | None = Field(default=None, examples=[7])
    ship_date: Annotated[datetime, BeforeValidator(_moment)] | None = Field(
        default=None, alias="shipDate"
    )
    status: OrderStatus | None = Field(default=None, description="Order Status")
    complete: Boolean | None = None


class User(ClassicModel):
    """The username is the user's key (the paths name users by it), so it is required."""

    model_config = _xml("user")

    id: Int64 | None = Field(default=None, examples=[10])
    username: str = Field(min_length=1, examples=["theUser"])
    first_name: str | None = Field(default=None, alias="firstName", examples=["John"])
    last_name: str | None = Field(default=None, alias="lastName", examples=["James"])
    email: str | None = Field(default=None, examples=["john@email.com"])
    password: str | None = Field(default=None, examples=["12345"])
    phone: str | None = Field(default=None, examples=["12345"])
    user_status: Int32 | None = Field(
        default=None, alias="userStatus", description="User Status", examples=[1]
    )


class ApiResponse(ClassicModel):
    model_config = _xml("apiResponse")

    code: Int32 | None = None
    type: str | None = None
    message: str | None = None


COMPONENTS: tuple[type[ClassicModel], ...] = (Order, Category, User, Tag, Pet, ApiResponse)
FORMS: tuple[type[ClassicModel], ...] = (PetForm,)
