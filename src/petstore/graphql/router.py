"""The GraphQL door at ``/v1/graphql``: queries and mutations over HTTP (POST, and GET for
queries), subscriptions over WebSocket (``graphql-transport-ws``, and the legacy
``graphql-ws``), GraphiQL for browsers, and the SDL at ``/v1/graphql/schema.graphql``.

Served by the app itself, so REST's middleware applies unchanged: the body size limit, the
rate limit (one budget per caller for both doors), allowed hosts, request ids and metrics."""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from fastapi import FastAPI
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET, UnsetType

from petstore.auth import service as auth
from petstore.container import Container
from petstore.core.container import STATE_KEY
from petstore.core.problems import install_problem_handlers
from petstore.core.routing import Subtree
from petstore.graphql import ide
from petstore.graphql.context import GraphQLContext
from petstore.graphql.schema import build_schema, sdl

PATH = "/v1/graphql"
NOT_GRAPHQL = {405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}


class Door(GraphQLRouter[GraphQLContext, None]):
    def __init__(self, container: Container) -> None:
        settings = container.settings
        self.container = container

        async def context(connection: HTTPConnection) -> GraphQLContext:
            public = settings.public_url
            base = public.rstrip("/") if public else str(connection.base_url).rstrip("/")
            return GraphQLContext(
                container,
                base,
                connection.headers.get("authorization"),
                connection.headers.get("x-tenant-id"),
            )

        super().__init__(
            build_schema(introspection=settings.graphql_introspection),
            path=PATH,  # not an include prefix: the route keeps its full path (metrics, logs)
            context_getter=context,
            multipart_uploads_enabled=False,  # files go through REST (the reference says so)
        )

    async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
        """Credentials come with ``connection_init``: a token that does not verify is refused
        at once (close 4403), not at the first subscription."""
        context.with_connection_params(context.connection_params)
        strict = self.container.settings.auth_mode == "strict"
        claims = auth.verify_bearer(self.container.tokens, context.authorization)
        if strict and isinstance(claims, auth.InvalidToken):
            raise ConnectionRejectionError({"reason": "invalid or expired token"})
        return await super().on_ws_connect(context)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """A request that is no GraphQL request at all (no query, a body that is not JSON, a
        batch, a mutation over GET) still gets a GraphQL error document, with a code."""
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as exc:
            code = NOT_GRAPHQL.get(exc.status_code, "BAD_REQUEST")
            error = {"message": exc.reason, "extensions": {"code": code}}
            return JSONResponse({"errors": [error]}, status_code=exc.status_code)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return ide.graphiql_page(request)


def include_graphql_door(app: FastAPI, container: Container) -> None:
    """Put the door in front of ``app``'s routes (call it before the others are added): as an
    app of its own behind one :class:`Subtree` route, so REST requests pay one prefix check
    for it and GraphQL requests none of REST's. It shares the container and the problem
    handlers, so what is not GraphQL (a 404 below the path, an outage) reads as in REST."""
    door = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    setattr(door.state, STATE_KEY, container)
    install_problem_handlers(door)
    door.include_router(Door(container), include_in_schema=False)
    text = sdl()

    @door.get(f"{PATH}/schema.graphql", include_in_schema=False)
    async def schema() -> Response:
        return PlainTextResponse(text, media_type="application/graphql; charset=utf-8")

    door.include_router(ide.router)
    app.router.routes.append(Subtree(PATH, door))
