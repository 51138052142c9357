"""One GraphQL request (or subscription connection) as the resolvers see it: the container,
the tenant, the caller, the operation's session, and the DataLoaders that batch nested lookups.

The caller is identified with the REST door's rules (``auth.service.identify``, then
``authorize`` with the operation's scopes), once per request, from the ``Authorization``
header, or for a subscription from the ``connection_init`` payload (``Authorization`` or
``authorization``: ``Bearer <token>``); the tenant from ``X-Tenant-ID`` (also accepted in that
payload, for browsers, which cannot set headers on a WebSocket).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.fastapi import BaseContext

from petstore.auth import service as auth
from petstore.container import Container
from petstore.core import errors
from petstore.core.database import unit_of_work
from petstore.core.tenancy import tenant_of
from petstore.graphql.types import Image, Pet, User
from petstore.images import service as images
from petstore.images.schemas import image_payload
from petstore.pets import service as pets
from petstore.pets.schemas import pet_payload
from petstore.users import service as users


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a field needs, declared beside it (as ``RequireScopes`` is for a route); a test
    holds each to the matching REST operation's security."""

    scopes: frozenset[str]
    staff_only: bool = False
    sandbox_anonymous: bool = False


def needs(*scopes: str, staff_only: bool = False, sandbox_anonymous: bool = False) -> Requirement:
    return Requirement(frozenset(scopes), staff_only, sandbox_anonymous)


class Loaders:
    """Per request: every ``Order.pet`` of a query is one ``SELECT ... WHERE id IN (...)``."""

    def __init__(self, context: GraphQLContext) -> None:
        self._context = context
        self.pets: DataLoader[uuid.UUID, Pet | None] = DataLoader(self._pets)
        self.users: DataLoader[uuid.UUID, User | None] = DataLoader(self._users)
        self.images: DataLoader[uuid.UUID, list[Image]] = DataLoader(self._images)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        """The operation's session; a subscription's event has none, and reads in its own."""
        bound = self._context.bound_session
        if bound is not None:
            yield bound
            return
        async with unit_of_work(self._context.container.sessionmaker, write=False) as session:
            yield session

    async def _pets(self, ids: Sequence[uuid.UUID]) -> list[Pet | None]:
        ctx = self._context
        async with self._session() as session:
            found = await pets.pets_by_ids(session, ctx.tenant, ids)
        return [Pet.of(pet_payload(found[i], ctx.base_url)) if i in found else None for i in ids]

    async def _users(self, ids: Sequence[uuid.UUID]) -> list[User | None]:
        ctx = self._context
        async with self._session() as session:
            found = await users.users_by_ids(session, ctx.tenant, ids)
        return [User.of_row(found[i], ctx.base_url) if i in found else None for i in ids]

    async def _images(self, ids: Sequence[uuid.UUID]) -> list[list[Image]]:
        ctx = self._context
        async with self._session() as session:
            found = await images.images_of_pets(session, ctx.tenant, ids)
        return [[Image.of(image_payload(im, ctx.base_url)) for im in found[i]] for i in ids]


class GraphQLContext(BaseContext):
    def __init__(
        self,
        container: Container,
        base_url: str,
        authorization: str | None,
        tenant_header: str | None,
    ) -> None:
        super().__init__()
        self.container = container
        self.base_url = base_url
        self._authorization = authorization
        self._tenant_header = tenant_header
        self._session: AsyncSession | None = None
        self.principal: auth.Principal | None = None
        self.loaders = Loaders(self)

    def with_connection_params(self, params: dict[str, Any] | None) -> None:
        """A subscription's credentials, from its ``connection_init`` payload."""
        if not isinstance(params, dict):
            return
        for key in ("Authorization", "authorization"):
            if isinstance(params.get(key), str):
                self._authorization = params[key]
        for key in ("X-Tenant-ID", "x-tenant-id", "tenantId"):
            if isinstance(params.get(key), str):
                self._tenant_header = params[key]

    @property
    def authorization(self) -> str | None:
        return self._authorization

    @property
    def tenant(self) -> str:
        return tenant_of(self._tenant_header)

    @property
    def bound_session(self) -> AsyncSession | None:
        return self._session

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("no unit of work: fields run inside an operation's transaction")
        return self._session

    def bind(self, session: AsyncSession | None) -> None:
        self._session = session

    async def caller(self, requirement: Requirement) -> auth.Principal:
        """The authenticated caller holding ``requirement`` (UNAUTHENTICATED, FORBIDDEN)."""
        settings = self.container.settings
        principal = await auth.identify(
            self.session,
            self.container.passwords,
            auth.verify_bearer(self.container.tokens, self._authorization),
            self.tenant,
            sandbox=settings.auth_mode == "sandbox",
            has_header=bool(self._authorization and self._authorization.strip()),
            sandbox_anonymous=requirement.sandbox_anonymous,
        )
        self.principal = auth.authorize(
            principal, requirement.scopes, staff_only=requirement.staff_only
        )
        return self.principal

    def require_user_visible(self, user_id: uuid.UUID) -> None:
        if self.principal is None or not self.principal.can_see_user(user_id):
            raise errors.forbidden("Only that user and staff may see who placed an order.")
