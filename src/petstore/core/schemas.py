"""Pydantic building blocks shared by every resource: lenient input, strict output.

Input is tolerant the way the contract asks (unknown fields ignored, enums case-insensitive);
output always uses the canonical spelling.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from petstore.core import money
from petstore.core.problems import MalformedJson


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(item) for item in value)
    return False  # numbers, enums, nested models (which check their own fields)


class InputModel(BaseModel):
    """Request bodies: unknown fields are ignored, aliases and field names both accepted.

    No text the model keeps may contain U+0000: PostgreSQL cannot store it in a text column
    (SQLite can), so it is refused up front (422), the same way on both databases. Unknown
    fields are ignored, NUL or not.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True, str_strip_whitespace=False)

    @model_validator(mode="before")
    @classmethod
    def _refuse_malformed_json(cls, data: Any) -> Any:
        if isinstance(data, MalformedJson):
            raise ValueError("the body is not valid JSON")
        if not isinstance(data, dict) and not isinstance(data, BaseModel):
            raise ValueError("must be a JSON object")  # FastAPI validates from attributes
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("text must not contain the NUL character (U+0000)")
        return value


class OutputModel(BaseModel):
    """Response bodies, declared for the OpenAPI document and for tests."""

    model_config = ConfigDict(extra="forbid")


def _upper(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value.upper().replace("-", "_")


UPPERCASE = BeforeValidator(_upper)
"""Use as ``Annotated[Species, UPPERCASE]``: accepts ``dog``, ``Dog`` and ``DOG``."""


def _json_integer(value: Any) -> Any:
    """JSON Schema's integer: ``3`` and ``3.0`` yes; ``"3"``, ``true`` and ``3.5`` no."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JSON_INTEGER = BeforeValidator(_json_integer)
"""Last in ``Annotated[int, Strict(), Field(ge=..), JSON_INTEGER]`` so bounds reach the schema."""
StrictBool = Annotated[bool, Strict()]
"""JSON has real numbers and booleans: ``"3"`` is not an integer and ``"true"`` is not a boolean."""


def _positive_amount(value: str) -> str:
    reason = money.shape_problem(value)
    if reason is not None:
        raise PydanticCustomError("amount", reason)
    return value


def _known_currency(value: str) -> str:
    if value not in money.MINOR_UNITS:
        raise PydanticCustomError(
            "currency",
            "must be one of the accepted ISO 4217 codes: {codes}",
            {"codes": ", ".join(money.CURRENCIES)},
        )
    return value


def _upper_text(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


Amount = Annotated[
    str,
    AfterValidator(_positive_amount),
    Field(
        json_schema_extra={"pattern": money.AMOUNT_PATTERN},
        description=(
            "A decimal string greater than zero, with at most as many decimals as the "
            "currency has (ISO 4217: JPY and KRW none, USD and EUR two, BHD and KWD three)."
        ),
        examples=["49.99"],
    ),
]
"""Every amount on the wire: its shape here, its decimals against the currency by
:func:`amount_in_currency`."""
Currency = Annotated[
    str,
    BeforeValidator(_upper_text),
    AfterValidator(_known_currency),
    Field(
        json_schema_extra={"enum": list(money.CURRENCIES)},
        description="ISO 4217 code (case-insensitive on input).",
        examples=["USD"],
    ),
]


def amount_in_currency(amount_field: str) -> Any:
    """The field validator of a body's amount: no more decimals than its ``currency`` has.

    Declare the currency before the amount, so that it is validated (and upper-cased) first;
    when the currency itself was refused, that error is the one reported.
    """

    def check(value: str, info: ValidationInfo) -> str:
        currency = info.data.get("currency")
        reason = money.precision_problem(value, currency) if currency is not None else None
        if reason is not None:
            raise PydanticCustomError("currency_precision", reason)
        return value

    return field_validator(amount_field)(check)


def split_commas(value: Any) -> Any:
    """``?status=A,B`` and ``?status=A&status=B`` mean the same list."""
    if isinstance(value, list):
        return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
    return value
