"""The classic API as a sub-application mounted at ``/api/v3``: its routes, its OpenAPI 3.0
document and Swagger UI, and its own error rendering (the reference's plain sentences).

A sub-application because the classic API differs from the modern one exactly where an app is
configured: another OpenAPI version, other error bodies, other 404 and 405 answers. It shares
the container (sessions, settings, tokens) and the outer app's middleware (request ids, rate
limits, body limits), so it is served and protected like every other route.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match

from petstore.classic import routes
from petstore.classic.openapi import BASE_PATH, build_document
from petstore.classic.wire import InvalidBodyError, UnreadableBodyError, error
from petstore.container import Container
from petstore.core import errors
from petstore.core.container import STATE_KEY
from petstore.core.docs import swagger_ui, yaml_response
from petstore.core.problems import Problem, from_domain_error, install_problem_handlers
from petstore.core.responses import JsonResponse

NOT_FOUND = "Not found"
METHOD_NOT_ALLOWED = "Method not allowed"


def _served(request: Request) -> list[str]:
    """The methods the addressed path template serves (the ``Allow`` of a 405)."""
    scope = {**request.scope, "method": "GET"}
    served = [r for r in routes.router.routes if isinstance(r, APIRoute) and r.include_in_schema]
    template = next((r.path for r in served if r.matches(scope)[0] is not Match.NONE), None)
    return sorted({m for r in served if r.path == template for m in r.methods or ()})


def _bad_parameter(request: Request, exc: RequestValidationError) -> str:
    if any(tuple(e.get("loc", ()))[:2] == ("header", "X-Tenant-ID") for e in exc.errors()):
        return "Invalid X-Tenant-ID header: a UUID is expected"
    route = request.scope.get("route")
    operation = route.operation_id if isinstance(route, APIRoute) else None
    return routes.BAD_PARAMETER.get(operation or "", routes.INVALID_INPUT)


def install_error_rendering(app: FastAPI) -> None:
    """The core's handlers (database outages, the unexpected), then the classic answers for
    every error a classic request can meet."""
    install_problem_handlers(app)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 405:
            allow = {"Allow": ", ".join(_served(request))}
            return error(request, 405, METHOD_NOT_ALLOWED, allow)
        detail = NOT_FOUND if exc.status_code == 404 else str(exc.detail)
        return error(request, exc.status_code, detail, exc.headers)

    async def on_parameter(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error(request, 400, _bad_parameter(request, exc))

    async def on_body(request: Request, exc: Exception) -> Response:
        if isinstance(exc, UnreadableBodyError):
            return error(request, exc.status, exc.detail)
        return error(request, 422, routes.VALIDATION)

    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.DomainError)
        if isinstance(exc, errors.InvalidInput):
            return error(request, 400, exc.detail)
        problem = from_domain_error(exc)
        return error(request, problem.status, exc.detail, problem.headers)

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return error(request, exc.status, exc.detail or exc.title, exc.headers)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_parameter)
    app.add_exception_handler(UnreadableBodyError, on_body)
    app.add_exception_handler(InvalidBodyError, on_body)
    app.add_exception_handler(errors.DomainError, on_domain)
    app.add_exception_handler(Problem, on_problem)


def classic_app(container: Container) -> FastAPI:
    """The app to mount at :data:`BASE_PATH`."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    setattr(app.state, STATE_KEY, container)
    install_error_rendering(app)
    app.include_router(routes.router)
    document: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not document:
            document.update(build_document(routes.router.routes, container.settings))
        return document

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_json() -> Response:
        return JsonResponse(openapi())

    @app.get("/openapi.yaml", include_in_schema=False)
    async def openapi_yaml() -> Response:
        return yaml_response(openapi())

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return swagger_ui(request, f"{BASE_PATH}/openapi.json", "Classic Petstore API - docs")

    return app
