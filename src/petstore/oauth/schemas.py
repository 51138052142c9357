"""Wire models of the staff-only client registration API and of the RFC 8414 metadata."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import Field

from petstore.core.idempotency import OneTimeSecret
from petstore.core.pagination import CollectionLinks, Pagination
from petstore.core.schemas import InputModel, OutputModel, StrictBool

GrantType = Literal[
    "authorization_code",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
    "client_credentials",
]
RedirectUri = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2048,
        pattern=r"^https?://[^\s#]+$",
        examples=["https://app.example.com/oauth/callback"],
    ),
]


class OAuthClientCreate(InputModel):
    name: str = Field(min_length=1, max_length=100, examples=["Adoption kiosk"])
    redirectUris: list[RedirectUri] = Field(  # noqa: N815
        default_factory=list,
        max_length=10,
        description=(
            "Exact redirect URIs (https, or http on loopback); needed for authorization_code."
        ),
    )
    grantTypes: list[GrantType] = Field(  # noqa: N815
        min_length=1, max_length=4, examples=[["authorization_code", "refresh_token"]]
    )
    scope: (
        Annotated[
            str,
            Field(
                max_length=255,
                pattern=r"^[a-z:]+( [a-z:]+)*$",
                description=(
                    "Space-separated scopes the client may ask for. Absent or null: all scopes, "
                    "or `read:pets` for client_credentials clients (which may hold only "
                    "`read:pets write:pets chat:write`)."
                ),
                examples=["read:pets chat:write"],
            ),
        ]
        | None
    ) = None
    public: StrictBool = Field(
        default=False,
        description="A public client (browser or native app) has no secret and must use PKCE.",
    )


class OAuthClient(OutputModel):
    id: uuid.UUID
    clientId: str  # noqa: N815
    name: str
    public: bool
    redirectUris: list[str]  # noqa: N815
    grantTypes: list[str]  # noqa: N815
    scope: str
    tenantId: uuid.UUID | None  # noqa: N815
    createdAt: str = Field(json_schema_extra={"format": "date-time"})  # noqa: N815
    links: dict[str, str]


class OAuthClientWithSecret(OAuthClient):
    clientSecret: Annotated[str | None, OneTimeSecret()] = Field(  # noqa: N815
        description=(
            "Shown only in this response (null for public clients); keep it safe. Also `null` "
            "in an idempotent replay (`Idempotent-Redacted: clientSecret`): the server keeps "
            "only its hash."
        )
    )


class OAuthClientCollection(OutputModel):
    data: list[OAuthClient]
    pagination: Pagination
    links: CollectionLinks


class AuthorizationServerMetadata(OutputModel):
    """RFC 8414 authorization server metadata (snake_case, as the RFC names the members)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    device_authorization_endpoint: str
    revocation_endpoint: str
    introspection_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    grant_types_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    introspection_endpoint_auth_methods_supported: list[str]
    code_challenge_methods_supported: list[str]
    service_documentation: str
    access_token_issuer: Annotated[
        str, Field(description="The `iss` claim of the access tokens (JWTs) issued here.")
    ]


class ClientRegistrationRequest(InputModel):
    """RFC 7591 §2 client metadata, as MCP clients send it (snake_case, the RFC's names)."""

    redirect_uris: list[Annotated[str, Field(max_length=2048)]] = Field(
        default_factory=list, max_length=10
    )
    client_name: str | None = Field(default=None, max_length=200)
    grant_types: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=lambda: ["authorization_code"], max_length=5
    )
    response_types: list[Annotated[str, Field(max_length=20)]] = Field(
        default_factory=lambda: ["code"], max_length=5
    )
    # RFC 7591 defaults to client_secret_basic; this server registers public clients only, and
    # a client that says nothing is treated as one (the answer says "none").
    token_endpoint_auth_method: str = Field(default="none", max_length=50)
    scope: str | None = Field(default=None, max_length=255)
