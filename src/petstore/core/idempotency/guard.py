"""Where a keyed retry meets the operation: the guard :class:`~petstore.core.routing.PetstoreRoute`
wraps around every POST endpoint.

The guard runs where the operation would begin: after the route's dependencies (the bearer
token verified and not revoked, its tenant and scopes checked) and the request's validation
have passed. A stored answer is replayed from here and nowhere else, so a retry is held to the
same rules as the first request, in the one place that states them, and a token revoked since
(logout), expired or short of the operation's scopes gets the route's own 401 or 403 instead of
the stored body (as Stripe authenticates a retry before it answers from its store). It also
tells the middleware that the operation began (only then is its answer worth storing) and
which fields of the answer hold a one-time secret, which the stored copy must not keep.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from petstore.core.idempotency.models import IdempotencyKey

_GUARD_MARK = "__petstore_idempotency_guard__"


class OneTimeSecret:
    """Marks a response field that carries a secret shown once (``Annotated[str | None,
    OneTimeSecret()]``): the stored copy of the answer holds ``null`` in its place."""


@dataclass
class Attempt:
    """One keyed request on its way through the app: the stored answer when it is a retry,
    and what the guard learnt about the operation."""

    stored: IdempotencyKey | None = None
    began: bool = False
    secret_fields: frozenset[str] = frozenset()


class ReplayStored(Exception):  # noqa: N818 - a signal, not an error
    """Raised by the guard instead of running the operation again; the middleware answers
    with the stored copy. It passes the app's exception handlers (none is registered for it)."""


_ATTEMPT: ContextVar[Attempt | None] = ContextVar("petstore_idempotency_attempt", default=None)


@contextmanager
def attempting(attempt: Attempt) -> Iterator[None]:
    """Make ``attempt`` the one the guard sees while the app handles this request."""
    token = _ATTEMPT.set(attempt)
    try:
        yield
    finally:
        _ATTEMPT.reset(token)


def secret_fields(response_model: Any) -> frozenset[str]:
    """The names of the fields of ``response_model`` marked :class:`OneTimeSecret`."""
    if not (isinstance(response_model, type) and issubclass(response_model, BaseModel)):
        return frozenset()
    return frozenset(
        field.alias or name
        for name, field in response_model.model_fields.items()
        if any(isinstance(meta, OneTimeSecret) for meta in field.metadata)
    )


Endpoint = Callable[..., Awaitable[Any]]


def guarded(endpoint: Endpoint, secrets: frozenset[str] = frozenset()) -> Endpoint:
    """``endpoint`` behind the guard; its signature (what FastAPI reads) is unchanged."""
    if not inspect.iscoroutinefunction(endpoint):
        raise TypeError(f"{endpoint.__qualname__}: POST endpoints must be async functions")

    @functools.wraps(endpoint)
    async def guard(*args: Any, **kwargs: Any) -> Any:
        attempt = _ATTEMPT.get()
        if attempt is not None:
            if attempt.stored is not None:
                raise ReplayStored
            attempt.began = True
            attempt.secret_fields = secrets
        return await endpoint(*args, **kwargs)

    setattr(guard, _GUARD_MARK, True)
    return guard


def is_guarded(endpoint: Callable[..., Any]) -> bool:
    return bool(getattr(endpoint, _GUARD_MARK, False))
