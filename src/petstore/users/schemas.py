"""User request and response bodies. ``password`` is write-only: accepted, never returned."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import Field
from pydantic.json_schema import SkipJsonSchema

from petstore.auth.password_policy import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from petstore.core.ids import rfc3339
from petstore.core.schemas import InputModel, OutputModel, StrictBool
from petstore.core.tenancy import tenant_id_out
from petstore.users.models import User as UserRow

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,50}$"
# ASCII-only on purpose: the same pattern must mean the same thing to Python and to the
# ECMA-262 regexes of OpenAPI clients (their \s differ on characters like U+0085).
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$"
PHONE_PATTERN = r"^\+?[1-9]\d{1,14}$"

Username = Annotated[
    str, Field(pattern=USERNAME_PATTERN, examples=["kylekinh"], description="Unique login name.")
]
Email = Annotated[
    str, Field(max_length=255, pattern=EMAIL_PATTERN, examples=["kyle.kihn@example.com"])
]
# The policy (petstore.auth.password_policy) judges the value; the schema only describes it.
Password = Annotated[
    str,
    Field(
        description=(
            f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters (after NFKC "
            "normalisation), any printable ones, spaces included. Refused with 422: one of the "
            "most common passwords, one containing the username, the email address or "
            "'petstore', one character repeated, or a run such as 'abcdefgh'."
        ),
        json_schema_extra={
            "writeOnly": True,
            "minLength": MIN_PASSWORD_LENGTH,
            "maxLength": MAX_PASSWORD_LENGTH,
        },
        examples=["SecurePass123!"],
    ),
]
Name = Annotated[str, Field(max_length=50)]
Phone = Annotated[str, Field(pattern=PHONE_PATTERN, examples=["+18638982053"])]


class Preferences(InputModel):
    newsletter: StrictBool = False
    notifications: StrictBool = False


class UserCreate(InputModel):
    username: Username
    email: Email
    password: Password
    firstName: Name = ""  # noqa: N815 - wire names are camelCase
    lastName: Name = ""  # noqa: N815
    phone: Phone | None = None
    preferences: Preferences | None = None


class UserUpdate(InputModel):
    """PUT on a user merges the fields given (the reference's behaviour)."""

    username: Username | SkipJsonSchema[None] = None
    email: Email | SkipJsonSchema[None] = None
    password: Password | SkipJsonSchema[None] = None
    firstName: Name | None = None  # noqa: N815
    lastName: Name | None = None  # noqa: N815
    phone: Phone | None = None
    preferences: Preferences | None = None


class PreferencesOut(OutputModel):
    newsletter: bool
    notifications: bool


class UserLinks(OutputModel):
    self: str


class User(OutputModel):
    id: uuid.UUID
    username: str
    email: str
    firstName: str  # noqa: N815
    lastName: str  # noqa: N815
    phone: str | None
    role: str = Field(description="USER or STAFF.")
    preferences: PreferencesOut
    tenantId: uuid.UUID | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    updatedAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: UserLinks


def user_payload(user: UserRow, base: str) -> dict[str, Any]:
    """The wire form of a stored user (never its password hash), for every door."""
    return {
        "id": str(user.id),
        "username": user.username,
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "phone": user.phone,
        "role": user.role,
        "preferences": {"newsletter": user.newsletter, "notifications": user.notifications},
        "tenantId": tenant_id_out(user.tenant),
        "createdAt": rfc3339(user.created_at),
        "updatedAt": rfc3339(user.updated_at),
        "links": {"self": f"{base}/v1/users/{user.id}"},
    }
