"""What every RPC does around its handler, in one place: read the tenant and the bearer token
from the metadata, count the call against the caller's rate limit (the REST budget: the same
key, the same store), identify the caller with the REST door's rules and check the RPC's
scopes, run the handler in one unit of work, and turn whatever goes wrong into a gRPC status.

A handler only parses its request, calls a domain service and shapes the answer; it receives
a :class:`Call` and never sees the ``ServicerContext``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import grpc
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from petstore.auth import service as auth
from petstore.container import Container
from petstore.core import errors, tenancy
from petstore.core.database import (
    is_database_unavailable,
    is_transaction_rollback,
    unit_of_work,
)
from petstore.grpc import status
from petstore.grpc.messages import proto_field

logger = logging.getLogger("petstore.grpc")

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Access:
    """What an RPC needs, declared once beside it (as ``RequireScopes`` is for a route).

    ``scopes`` empty: a public read, served to anyone (like ``GET /v1/pets``); a token sent
    with it is not even looked at. ``sandbox_anonymous``: served to anonymous callers as the
    demo user in sandbox mode, as the matching REST operation is.
    """

    scopes: frozenset[str] = frozenset()
    write: bool = False
    staff_only: bool = False
    sandbox_anonymous: bool = False


def needs(
    *scopes: str, write: bool, staff_only: bool = False, sandbox_anonymous: bool = False
) -> Access:
    return Access(frozenset(scopes), write, staff_only, sandbox_anonymous)


PUBLIC_READ = Access()


@dataclass(frozen=True, slots=True)
class Call:
    """One RPC's session, tenant and caller, for its handler."""

    container: Container
    session: AsyncSession
    tenant: str
    principal: auth.Principal | None
    base_url: str

    @property
    def actor(self) -> auth.Principal:
        if self.principal is None:  # only a PUBLIC_READ call has none, and never asks
            raise errors.unauthorized()
        return self.principal


class Refusal(Exception):  # noqa: N818
    """Returned work that must be kept before the call fails (a declined payment's attempt):
    raised by a handler, it commits the unit of work, then answers ``error``."""

    def __init__(self, error: errors.DomainError) -> None:
        super().__init__(error.detail)
        self.error = error


def _metadata(context: grpc.aio.ServicerContext[Any, Any], key: str) -> str | None:
    for name, value in context.invocation_metadata() or ():
        if name == key:
            return value if isinstance(value, str) else value.decode("latin-1")
    return None


def tenant_of(context: grpc.aio.ServicerContext[Any, Any]) -> str:
    return tenancy.tenant_of(_metadata(context, "x-tenant-id"), "x-tenant-id")


def validated(model: type[M], body: dict[str, Any], rename: status.Rename = proto_field) -> M:
    """``body`` checked by the domain model the REST door uses; violations renamed to the
    request's proto fields."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _RenderedError(status.of_validation_error(exc, rename)) from None


class _RenderedError(Exception):
    def __init__(self, rendered: grpc.Status) -> None:
        self.rendered = rendered


class Door:
    """The container as the gRPC services see it: every RPC goes through :meth:`answer`; a
    stream, for the checks before it starts, in a short unit of work (a stream holds no
    database connection while it waits for events)."""

    def __init__(self, container: Container, link_base: str) -> None:
        self.container = container
        self.link_base = link_base

    def _claims(
        self, context: grpc.aio.ServicerContext[Any, Any]
    ) -> tuple[auth.TokenClaims | auth.InvalidToken | None, bool]:
        header = _metadata(context, "authorization")
        return auth.verify_bearer(self.container.tokens, header), bool(header and header.strip())

    async def _meter(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        claims: auth.TokenClaims | auth.InvalidToken | None,
    ) -> None:
        settings = self.container.settings
        if isinstance(claims, auth.TokenClaims):
            key = f"user:{claims.subject}"
        else:  # "ipv4:127.0.0.1:5555", "ipv6:[::1]:5555": the address, as REST keys it
            peer = context.peer() or "unknown"
            key = f"ip:{peer.partition(':')[2].rpartition(':')[0].strip('[]') or peer}"
        budget = await self.container.rate_limits.hit(
            key, settings.rate_limit_requests, settings.rate_limit_window_seconds
        )
        if budget.exhausted:
            raise _RenderedError(
                status.rate_limited(
                    budget.retry_after(),
                    settings.rate_limit_requests,
                    settings.rate_limit_window_seconds,
                )
            )

    async def _identify(
        self,
        session: AsyncSession,
        access: Access,
        tenant: str,
        claims: auth.TokenClaims | auth.InvalidToken | None,
        has_header: bool,
    ) -> auth.Principal | None:
        if not access.scopes:
            return None
        container = self.container
        principal = await auth.identify(
            session,
            container.passwords,
            claims,
            tenant,
            sandbox=container.settings.auth_mode == "sandbox",
            has_header=has_header,
            sandbox_anonymous=access.sandbox_anonymous,
        )
        return auth.authorize(principal, access.scopes, staff_only=access.staff_only)

    async def answer(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        access: Access,
        work: Callable[[Call], Awaitable[R]],
        rename: status.Rename = proto_field,
    ) -> R:
        """Run ``work`` for one unary RPC; any failure becomes the call's status."""
        refusal: Refusal | None = None
        try:
            tenant = tenant_of(context)
            claims, has_header = self._claims(context)
            await self._meter(context, claims)
            async with unit_of_work(self.container.sessionmaker, write=access.write) as session:
                principal = await self._identify(session, access, tenant, claims, has_header)
                call = Call(self.container, session, tenant, principal, self.link_base)
                try:
                    return await work(call)
                except Refusal as exc:
                    refusal = exc  # leaves the block normally: the attempt is committed
            raise refusal.error
        except Exception as exc:
            await self.fail(context, exc, rename)

    async def fail(
        self,
        context: grpc.aio.ServicerContext[Any, Any],
        error: Exception,
        rename: status.Rename = proto_field,
    ) -> NoReturn:
        await context.abort_with_status(status_of_failure(error, rename))
        raise AssertionError("abort_with_status returned")  # it raises; this satisfies mypy


def status_of_failure(error: Exception, rename: status.Rename) -> grpc.Status:
    if isinstance(error, _RenderedError):
        return error.rendered
    if isinstance(error, errors.DomainError):
        return status.of_domain_error(error, rename)
    if is_database_unavailable(error):
        logger.warning("gRPC call failed: the database is unavailable (%s)", type(error).__name__)
        return status.database_trouble(serialization_conflict=is_transaction_rollback(error))
    logger.error("gRPC call failed unexpectedly", exc_info=error)
    return status.internal()
