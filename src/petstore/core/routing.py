"""The route class every router uses, and the subtree route that puts a door in front."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, NoReturn

import orjson
from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

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


class Subtree(BaseRoute):
    """``path`` and everything under it, handed to ``app`` with the path unchanged.

    The app's routes are tried one by one, and each costs microseconds: a door with a prefix
    of its own (GraphQL) placed in front as one subtree costs every other request one string
    comparison, and its own requests none of the REST door's checks. Unlike a ``Mount`` it
    matches the prefix itself (``/v1/graphql``), and ``app`` keeps its routes' full paths.
    """

    def __init__(self, path: str, app: ASGIApp) -> None:
        self.path = path
        self.app = app

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] not in ("http", "websocket"):
            return Match.NONE, {}
        route_path, root = scope["path"], scope.get("root_path", "")
        if root and route_path.startswith(root):  # served below a prefix (--root-path)
            route_path = route_path[len(root) :]
        inside = route_path == self.path or route_path.startswith(self.path + "/")
        # Named as the route that answered (metrics, logs) unless the app names one of its own.
        return (Match.FULL, {"route": self}) if inside else (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)
