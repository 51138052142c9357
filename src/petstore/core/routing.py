"""The route class every router uses."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

import orjson
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from petstore.core.idempotency.guard import guarded, secret_fields
from petstore.core.problems import MalformedJson


class TolerantJsonRequest(Request):
    """A body that is not valid JSON becomes a marker instead of an early error, so the
    malformed-body problem is raised after authentication (the contract's order of checks)."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = orjson.loads(body)
            except orjson.JSONDecodeError:
                self._json = MalformedJson("malformed JSON")
        return self._json


class PetstoreRoute(APIRoute):
    """Every route of the REST door: JSON read leniently, and each POST endpoint behind the
    idempotency guard, where a keyed retry is answered after the route's own checks."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if "POST" in (kwargs.get("methods") or ()):
            endpoint = guarded(endpoint, secret_fields(kwargs.get("response_model")))
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(TolerantJsonRequest(request.scope, request.receive))

        return route_handler


ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "QUERY", "OPTIONS", "TRACE")


def reserve_path(router: APIRouter, path: str) -> None:
    """Answer 405 for the methods ``path`` does not serve.

    Without this, ``PUT /v1/pets/search`` would fall through to ``/v1/pets/{id}`` and answer
    as if "search" were a malformed pet id. Register it after the path's own routes and before
    the templated ones.
    """
    served = {
        m
        for r in router.routes
        if isinstance(r, APIRoute) and r.path == path
        for m in r.methods or ()
    }

    async def method_not_allowed() -> NoReturn:
        raise StarletteHTTPException(405)

    router.add_api_route(
        path,
        method_not_allowed,
        methods=[m for m in ALL_METHODS if m not in served],
        include_in_schema=False,
        response_model=None,
    )
