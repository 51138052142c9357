"""Login, refresh and token bodies."""

from __future__ import annotations

import uuid

from pydantic import Field

from petstore.core.schemas import InputModel, OutputModel


class LoginRequest(InputModel):
    username: str = Field(min_length=1, max_length=50, examples=["kylekinh"])
    password: str = Field(
        min_length=1,
        max_length=256,
        json_schema_extra={"writeOnly": True},
        examples=["SecurePass123!"],
    )
    scope: str | None = Field(
        default=None,
        max_length=255,
        description="Space-separated subset of the scopes your role allows; default all of them.",
        examples=["read:pets read:orders"],
    )


class RefreshRequest(InputModel):
    refreshToken: str = Field(min_length=1, max_length=512)  # noqa: N815


class LogoutRequest(InputModel):
    refreshToken: str | None = Field(default=None, max_length=512)  # noqa: N815


class TokenUser(OutputModel):
    id: uuid.UUID
    username: str
    email: str
    role: str


class TokenResponse(OutputModel):
    token: str = Field(description="The access token (a signed JWT).")
    expiresAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    tokenType: str = Field(examples=["Bearer"])  # noqa: N815
    expiresIn: int = Field(description="Seconds until the access token expires.")  # noqa: N815
    refreshToken: str = Field(description="Single-use; exchange it for a new pair.")  # noqa: N815
    scope: str
    user: TokenUser
