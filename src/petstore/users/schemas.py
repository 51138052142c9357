"""User request and response bodies. ``password`` is write-only: accepted, never returned."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import Field

from petstore.auth.passwords import MIN_PASSWORD_LENGTH
from petstore.core.schemas import InputModel, OutputModel

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{3,50}$"
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
PHONE_PATTERN = r"^\+?[1-9]\d{1,14}$"

Username = Annotated[
    str, Field(pattern=USERNAME_PATTERN, examples=["kylekinh"], description="Unique login name.")
]
Email = Annotated[
    str, Field(max_length=255, pattern=EMAIL_PATTERN, examples=["kyle.kihn@example.com"])
]
Password = Annotated[
    str,
    Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=256,
        json_schema_extra={"writeOnly": True},
        examples=["SecurePass123!"],
    ),
]
Name = Annotated[str, Field(max_length=50)]
Phone = Annotated[str, Field(pattern=PHONE_PATTERN, examples=["+18638982053"])]


class Preferences(InputModel):
    newsletter: bool = False
    notifications: bool = False


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

    username: Username | None = None
    email: Email | None = None
    password: Password | None = None
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
