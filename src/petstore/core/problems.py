"""RFC 9457 problem details: the one error shape of the API, produced here and nowhere else.

Services raise domain errors (:mod:`petstore.core.errors`), mapped here to their status;
HTTP-only code raises :class:`Problem`; framework errors (unknown routes, wrong methods,
validation, database failures) are translated by the handlers that
:func:`install_problem_handlers` registers, so no error leaves the server in any other shape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request, params
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import BaseRoute, Match

from petstore.core import errors
from petstore.core.container import plumbing
from petstore.core.database import is_database_unavailable
from petstore.core.settings import DEFAULT_PROBLEM_BASE

logger = logging.getLogger("petstore.problems")

PROBLEM_MEDIA_TYPE = "application/problem+json"

SLUGS: dict[int, str] = {
    400: "bad-request",
    401: "unauthorized",
    402: "payment-required",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    408: "request-timeout",
    409: "conflict",
    410: "gone",
    412: "precondition-failed",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    422: "validation-error",
    428: "precondition-required",
    429: "rate-limit-exceeded",
    500: "internal-server-error",
    502: "bad-gateway",
    503: "service-unavailable",
    504: "gateway-timeout",
}


class Problem(Exception):  # noqa: N818 - it is the RFC's name for the thing
    """An error the client should see, as an RFC 9457 problem document."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.detail = detail
        self.slug = slug or SLUGS.get(status, "about-blank")
        self.title = title or _title_for(status)
        self.headers = dict(headers or {})
        self.errors = list(errors) if errors is not None else None
        self.extensions = dict(extensions or {})


# The REST door's reading of each domain error.
STATUS_OF: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 422,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PaymentDeclined: 402,
    errors.TooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.DependencyFailed: 502,
    errors.DependencyTimedOut: 504,
}
UNAUTHENTICATED_HEADERS = {"WWW-Authenticate": 'Bearer realm="petstore"'}


def from_domain_error(error: errors.DomainError) -> Problem:
    """The problem document a domain error reads as over HTTP."""
    status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
    return Problem(
        status,
        error.detail,
        headers=UNAUTHENTICATED_HEADERS if status == 401 else None,
        errors=error.errors,
        extensions=error.extensions,
    )


def _title_for(status: int) -> str:
    if status == 422:
        return "Validation Error"
    if status == 429:
        return "Too Many Requests"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def unauthorized(detail: str = "Authentication is required to access this resource.") -> Problem:
    return Problem(401, detail, headers=UNAUTHENTICATED_HEADERS)


def forbidden(detail: str = "You do not have permission to access this resource.") -> Problem:
    return Problem(403, detail)


def not_found(kind: str, ident: object) -> Problem:
    return Problem(404, f"The requested {kind} with ID '{ident}' was not found.")


def conflict(detail: str, **extensions: Any) -> Problem:
    return Problem(409, detail, extensions=extensions)


def validation_failed(field: str, message: str, code: str = "invalid") -> Problem:
    return Problem(
        422,
        "The request body is invalid.",
        errors=[{"field": field, "message": message, "code": code}],
    )


def database_unavailable() -> Problem:
    """503 with ``Retry-After``: the database is unreachable or overloaded, not the request bad."""
    return Problem(
        503,
        "The service is temporarily unable to reach its database; retry shortly.",
        headers={"Retry-After": "1"},
    )


def problem_body(
    problem: Problem, instance: str, problem_base: str = DEFAULT_PROBLEM_BASE
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"{problem_base.rstrip('/')}/{problem.slug}",
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        body["detail"] = problem.detail
    body["instance"] = instance
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update(problem.extensions)
    return body


def problem_response(
    problem: Problem, instance: str, problem_base: str = DEFAULT_PROBLEM_BASE
) -> Response:
    return Response(
        content=orjson.dumps(problem_body(problem, instance, problem_base)),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _base(request: Request) -> str:
    try:
        return plumbing(request.app).settings.problem_base
    except RuntimeError:  # an error before the app is wired, or in a bare test app
        return DEFAULT_PROBLEM_BASE


def render(request: Request, problem: Problem) -> Response:
    return problem_response(problem, request.url.path, _base(request))


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc[1:]] if len(loc) > 1 else [str(p) for p in loc]
    return ".".join(parts) or str(loc[0])


_JSON_SUBTYPES = ("json", "+json")


def _is_json_content_type(value: str | None) -> bool:
    if not value:
        return False
    media = value.split(";", 1)[0].strip().lower()
    return media.startswith("application/") and media.endswith(_JSON_SUBTYPES)


def _without_null_branches(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """A field that may also be null (``X | None`` kept out of the document) is a union to
    pydantic: a bad value is reported once per member, under the member's tag (``price.none``,
    ``price.function-after[...]``). Keep one error per field, under the field's own name."""
    nullable = {
        tuple(e["loc"][:-1])
        for e in errors
        if e.get("type") == "none_required" and e["loc"] and e["loc"][-1] == "none"
    }
    kept = []
    for error in errors:
        loc = tuple(error["loc"])
        if error.get("type") == "none_required" and loc[:-1] in nullable:
            continue
        for prefix in nullable:
            if len(loc) > len(prefix) and loc[: len(prefix)] == prefix:
                loc = prefix + loc[len(prefix) + 1 :]
        kept.append({**error, "loc": loc})
    return kept


def from_validation_error(request: Request, exc: RequestValidationError) -> Problem:
    """Map framework validation errors: parameters → 400, unreadable body → 400/415, body → 422."""
    errors = _without_null_branches(exc.errors())
    body_errors = [e for e in errors if e.get("loc", ("",))[0] == "body"]
    param_errors = [e for e in errors if e.get("loc", ("",))[0] != "body"]
    if param_errors:
        first = param_errors[0]
        loc = first.get("loc", ())
        where = loc[0] if loc else "parameter"
        name = _field_name(loc)
        return Problem(
            400,
            f"Invalid {where} parameter '{name}': {first.get('msg', 'invalid value')}.",
            errors=[
                {"field": _field_name(e["loc"]), "message": e["msg"], "code": e["type"]}
                for e in param_errors
            ],
        )
    no_body = any(e.get("type") == "missing" and tuple(e["loc"]) == ("body",) for e in body_errors)
    wrong_media = None if no_body else _wrong_media_type(request)
    if wrong_media is not None:
        return wrong_media
    if any(isinstance(e.get("input"), MalformedJson) for e in body_errors) or any(
        e.get("type") == "json_invalid" for e in body_errors
    ):
        return Problem(400, "The request body is not valid JSON.")
    return Problem(
        422,
        "The request body is invalid.",
        errors=[
            {
                "field": _field_name(e["loc"]) if len(e["loc"]) > 1 else "body",
                "message": e["msg"],
                "code": e["type"],
            }
            for e in body_errors
        ],
    )


def _wrong_media_type(request: Request) -> Problem | None:
    """415 for a body that is not sent as JSON to a route that reads JSON. A missing content
    type and curl's default form type (``curl -d``) are the usual newcomer mistakes, and the
    body is often valid JSON: the answer names the header that fixes it."""
    content_type = request.headers.get("content-type")
    if _reads_form(request) or _is_json_content_type(content_type):
        return None
    sent = f"as '{content_type}'" if content_type else "without a Content-Type"
    return Problem(
        415,
        f"The body was sent {sent}; send JSON with the header 'Content-Type: application/json'.",
    )


def _reads_form(request: Request) -> bool:
    """Whether the addressed route takes a form (an upload) rather than a JSON body."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    return body_field is not None and isinstance(body_field.field_info, params.Form)


def content_type_is_form(value: str | None) -> bool:
    media = (value or "").split(";", 1)[0].strip().lower()
    return media in ("multipart/form-data", "application/x-www-form-urlencoded")


class MalformedJson(str):
    """Stands in for a body that failed to parse, so the error surfaces after auth checks.

    A ``str`` subclass because validation never accepts a string where a JSON object is
    expected (an arbitrary object could pass FastAPI's ``from_attributes`` validation).
    """

    __slots__ = ()


def _leaves(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """The API routes of an app, inside the routers it included (FastAPI keeps them nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _leaves(inner.routes)


def allowed_methods(request: Request) -> list[str]:
    """The methods of the path the request addressed (Starlette names only one route's).

    The first route that matches the path decides which path template was meant
    (``/v1/users/me`` rather than ``/v1/users/{id}``); every route with that template counts.
    A path no REST route knows is looked up in the routes of the app that answered (another
    door's, such as GraphQL's)."""
    for routes in (plumbing(request.app).api_routes, list(_leaves(request.app.routes))):
        template = next(
            (r.path_format for r in routes if r.matches(request.scope)[0] is not Match.NONE),
            None,
        )
        if template is not None:
            return sorted({m for r in routes if r.path_format == template for m in r.methods or ()})
    return []


def install_problem_handlers(app: FastAPI) -> None:
    """Register the translations from every error the stack can raise to a problem."""

    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return render(request, exc)

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.DomainError)
        return render(request, from_domain_error(exc))

    async def on_http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No resource at '{request.url.path}'."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            detail = f"The {request.method} method is not allowed for this resource."
            headers["Allow"] = ", ".join(allowed_methods(request))
        problem = Problem(exc.status_code, detail, headers=headers)
        return render(request, problem)

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return render(request, from_validation_error(request, exc))

    async def on_integrity_error(request: Request, exc: Exception) -> Response:
        logger.info("integrity conflict on %s: %s", request.url.path, type(exc).__name__)
        return render(
            request, Problem(409, "The request conflicts with the current state of a resource.")
        )

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        # Drivers raise their own connection errors (asyncpg's, OSError) besides SQLAlchemy's,
        # so unavailability is decided by looking at the error, not by its class alone.
        if is_database_unavailable(exc):
            logger.warning("database unavailable: %s", type(exc).__name__)
            return render(request, database_unavailable())
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return render(
            request, Problem(500, "An unexpected error occurred. Please try again later.")
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(errors.DomainError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http_exception)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(IntegrityError, on_integrity_error)
    # Registered on the inner exception layer too, so these answers are ordinary responses
    # (the outermost handler for Exception re-raises, and the server then drops the connection).
    for error_class in (DBAPIError, PoolTimeoutError, OSError):
        app.add_exception_handler(error_class, on_unexpected)
    app.add_exception_handler(Exception, on_unexpected)
