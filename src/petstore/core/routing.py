"""The route class every router uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from fastapi import Request
from fastapi.routing import APIRoute
from starlette.responses import Response

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
                self._json = MalformedJson()
        return self._json


class PetstoreRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            return await handler(TolerantJsonRequest(request.scope, request.receive))

        return route_handler
