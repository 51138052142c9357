"""The OpenAPI 3.2 document, generated from the routes of every domain and finished here.

It sits beside ``app.py`` rather than in ``core`` because it gathers what every domain declares
(their routes, the scopes their dependencies enforce, the event catalogue).

FastAPI writes 3.1; this module lifts it to 3.2 and adds what the framework cannot know:
each operation's security (read from its :class:`RequireScopes` dependency, the same object
that enforces it), the problem responses every operation can give (400 for a bad tenant header,
429 from the rate limiter), rate-limit and request-id response headers, ``Location`` and
``ETag`` headers, the ``Idempotency-Key`` header on POST, and the links from each created
resource to what can be done with it next (:mod:`petstore.core.openapi_links`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from petstore import __version__
from petstore.auth.dependencies import RequireScopes
from petstore.auth.scopes import SCOPE_DESCRIPTIONS
from petstore.core.idempotency import secret_fields
from petstore.core.openapi_links import add_links
from petstore.core.openapi_meta import problem_response_doc
from petstore.core.settings import Settings
from petstore.events import CATALOGUE
from petstore.oauth.service import DEVICE_FLOW_SCOPES, SERVICE_SCOPES
from petstore.webhooks.catalog import documented_webhooks

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")

DESCRIPTION = """\
Browse and search pets, sign up and log in, place orders and pay for them, and talk to an
adoption advisor.

**Conventions.** Errors are RFC 9457 problem documents (`application/problem+json`). Every
response carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (Unix time);
429 adds `Retry-After`. Send `X-Tenant-ID` (a UUID) to work in an isolated tenant. Single
resources carry a strong `ETag` (`If-None-Match` → 304, `If-Match` → 412 on mismatch). Any POST
accepts an `Idempotency-Key`. Ids are UUIDv7. Money is a decimal string greater than zero with
at most the currency's ISO 4217 decimals (JPY none, USD two, BHD three), written back with
exactly that many. Text must not contain the NUL character (U+0000): 422. Created resources
carry OpenAPI `links` to what comes next.

**Events.** Subscribe with `POST /v1/webhooks`; each event type is listed under *Webhooks*
below, and its payload (`…Event`, with its `…Data`) under *Schemas*.

**Try it.** Sign up with `POST /v1/users`, log in with `POST /v1/auth/tokens`, then press
*Authorize* and paste the `token`; or, under *oauth2 (authorizationCode)*, keep the client
`petstore-docs` and press *Authorize* to sign in and approve in a pop-up (OAuth 2.0 with PKCE).
Tools that cannot read OpenAPI 3.2 yet can use `/v1/openapi-3.1.json` (or `.yaml`).
"""

SANDBOX_DESCRIPTION = """

**Sandbox mode.** This server runs the public demo's relaxed rules, so test suites written
against the demo pass unchanged. Never put real data here. What differs from strict mode:

- any bearer value is accepted with every scope, and operations the demo leaves open need no
  token (the caller is then the staff user `sandbox-demo`);
- a taken username or email answers 422 (strict: 409);
- another user's record answers 403 (strict: 404, which hides whether it exists);
- a payment is accepted whatever its amount and recorded with the amount sent (strict: 422
  unless it equals the order's total); the currency must still match;
- paying an order that is already paid answers 201 and records a separate payment with its
  own receipt, leaving the order as it was (strict: 409); cancelling it refunds every payment.
"""

SANDBOX_PUBLIC = {
    "callbackOrder": (
        " Public in sandbox mode, as in the reference: there any bearer value is accepted, so "
        "a token would prove nothing. Strict mode asks for the order's owner (or staff) "
        "because the server then POSTs to a URL the caller chose (SSRF-guarded, but still a "
        "request made on the caller's behalf)."
    ),
}
"""Operations sandbox mode documents as public, with the sentence that says why."""

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}

RESPONSE_HEADERS: dict[str, Any] = {
    "RateLimit-Limit": {
        "description": "Requests allowed in the current window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the current window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Reset": {
        "description": "When the current window ends (Unix time, seconds).",
        "schema": {"type": "integer"},
    },
    "X-Request-ID": {
        "description": "The request's id (yours if you sent a valid one), also in our logs.",
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
    "Location": {"description": "URL of the created resource.", "schema": {"type": "string"}},
    "ETag": {
        "description": "Strong validator of the representation.",
        "schema": {"type": "string"},
    },
    "Link": {"description": "RFC 8288 pagination links.", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request.",
        "schema": {"type": "string"},
    },
    "Idempotent-Redacted": {
        "description": (
            "On a replay: the fields that held a secret shown only in the first answer, now "
            "`null` (comma-separated)."
        ),
        "schema": {"type": "string"},
    },
}

IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retried POST safe: the same key and body replay the first answer for 24 h, "
        "once the caller passes the operation's auth checks again. A secret shown once (a "
        "webhook's `secret`, an OAuth client's `clientSecret`) is `null` in a replay, named "
        "in its `Idempotent-Redacted` header."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _walk(sub)


def route_scopes(route: APIRoute) -> frozenset[str] | None:
    """The scopes the route's :class:`RequireScopes` asks for; ``None`` for public routes."""
    found: frozenset[str] | None = None
    for dep in _walk(route.dependant):
        if isinstance(dep.call, RequireScopes):
            found = (found or frozenset()) | dep.call.scopes
    return found


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Query and header values cannot be JSON null: an optional parameter is simply absent."""
    options = schema.get("anyOf")
    if options is None:
        return schema
    rest = [o for o in options if o != {"type": "null"}]
    if len(rest) != 1:
        return schema
    merged = {k: v for k, v in schema.items() if k != "anyOf"}
    return {**rest[0], **merged}


def _finish_operation(op: dict[str, Any], method: str, scopes: frozenset[str] | None) -> None:
    for parameter in op.get("parameters", []):
        if "schema" in parameter:
            parameter["schema"] = _without_null(parameter["schema"])
    if scopes is None:
        op["security"] = []
    else:
        op["security"] = [{"bearerAuth": []}, {"oauth2": sorted(scopes)}]
    responses: dict[str, Any] = op.setdefault("responses", {})
    # FastAPI's own 422 shape is not what we send; our validation answers are problems.
    for status, response in list(responses.items()):
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref", "").endswith("/HTTPValidationError"):
            if status == "422" and "requestBody" in op:
                responses[status] = problem_response_doc(422)
            else:
                del responses[status]
    responses.setdefault("400", problem_response_doc(400))
    responses.setdefault("429", problem_response_doc(429))
    responses.setdefault("503", problem_response_doc(503))
    if scopes is not None:
        responses.setdefault("401", problem_response_doc(401))
        responses.setdefault("403", problem_response_doc(403))
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-ID"):
            headers[name] = _header_ref(name)
        if status == "429":
            headers["Retry-After"] = _header_ref("Retry-After")
        if status == "201":
            headers["Location"] = _header_ref("Location")
        if status in ("200", "201"):
            headers["ETag"] = _header_ref("ETag")
        if status == "200" and any(p.get("name") == "page" for p in op.get("parameters", [])):
            headers["Link"] = _header_ref("Link")
        if method == "post" and status in ("200", "201"):
            headers["Idempotent-Replayed"] = _header_ref("Idempotent-Replayed")
    if method == "post":
        op.setdefault("parameters", []).append(copy.deepcopy(IDEMPOTENCY_PARAMETER))
        responses.setdefault("409", problem_response_doc(409))
        responses.setdefault("422", problem_response_doc(422))
    body = op.get("requestBody", {}).get("content", {})
    if "application/merge-patch+json" in body:
        body.setdefault("application/json", copy.deepcopy(body["application/merge-patch+json"]))


def _security_schemes(settings: Settings) -> dict[str, Any]:
    base = (settings.public_url or "").rstrip("/")
    return {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token from `POST /v1/auth/tokens`.",
        },
        "oauth2": {
            "type": "oauth2",
            "description": (
                "OAuth 2.0 (metadata at `/.well-known/oauth-authorization-server`): "
                "authorization code with PKCE (S256), the device authorization grant for TVs "
                "and CLIs, and client credentials for services. Without PETSTORE_PUBLIC_URL the "
                "URLs are relative to this server."
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{base}/oauth/authorize",
                    "tokenUrl": f"{base}/oauth/token",
                    "refreshUrl": f"{base}/oauth/token",
                    "scopes": dict(SCOPE_DESCRIPTIONS),
                },
                "deviceAuthorization": {
                    "deviceAuthorizationUrl": f"{base}/oauth/device/authorize",
                    "tokenUrl": f"{base}/oauth/token",
                    "refreshUrl": f"{base}/oauth/token",
                    "scopes": {s: SCOPE_DESCRIPTIONS[s] for s in sorted(DEVICE_FLOW_SCOPES)},
                },
                "clientCredentials": {
                    "tokenUrl": f"{base}/oauth/token",
                    "scopes": {s: SCOPE_DESCRIPTIONS[s] for s in sorted(SERVICE_SCOPES)},
                },
            },
        },
    }


def _document_redactions(doc: dict[str, Any], api_routes: Sequence[APIRoute]) -> None:
    """``Idempotent-Redacted`` on the success answers of the POSTs that show a secret once."""
    for route in api_routes:
        if "POST" in (route.methods or ()) and secret_fields(route.response_model):
            op = doc["paths"][route.path_format]["post"]
            for status in ("200", "201"):
                if status in op["responses"]:
                    headers = op["responses"][status].setdefault("headers", {})
                    headers["Idempotent-Redacted"] = _header_ref("Idempotent-Redacted")


def _operations(item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (op for method, op in item.items() if method in HTTP_METHODS)


def _finish_event_operation(op: dict[str, Any]) -> None:
    """Webhooks and callbacks are requests this server sends: no token of ours is involved
    (they are signed instead), and FastAPI's 422 and empty 200 body describe nothing the
    receiver must do."""
    op["security"] = []
    responses: dict[str, Any] = op.get("responses", {})
    responses.pop("422", None)
    for response in responses.values():
        if response.get("content") == {"application/json": {"schema": {}}}:
            del response["content"]


def _finish_events(doc: dict[str, Any]) -> None:
    for item in doc.get("webhooks", {}).values():
        for op in _operations(item):
            _finish_event_operation(op)
    for item in doc.get("paths", {}).values():
        for op in _operations(item):
            for callback in op.get("callbacks", {}).values():
                for callback_item in callback.values():
                    for callback_op in _operations(callback_item):
                        _finish_event_operation(callback_op)


def _document_query_bodies(doc: dict[str, Any], api_routes: Sequence[APIRoute]) -> None:
    """FastAPI documents a request body only for the methods it knows, not QUERY: a QUERY
    operation gets the body documented for the same model by its POST fallback."""
    documented: dict[Any, dict[str, Any]] = {}
    missing: list[tuple[dict[str, Any], Any]] = []
    for route in api_routes:
        if route.body_field is None or not route.include_in_schema:
            continue
        model = route.body_field.field_info.annotation
        for method in route.methods or ():
            op = doc["paths"][route.path_format][method.lower()]
            if "requestBody" in op:
                documented.setdefault(model, op["requestBody"])
            elif method == "QUERY":
                missing.append((op, model))
    for op, model in missing:
        op["requestBody"] = copy.deepcopy(documented[model])


def _sandbox_public(doc: dict[str, Any]) -> None:
    for item in doc["paths"].values():
        for op in _operations(item):
            why = SANDBOX_PUBLIC.get(op.get("operationId", ""))
            if why is not None:
                op["security"] = []
                op["description"] = op.get("description", "") + why


def build_openapi(
    app: FastAPI, settings: Settings, api_routes: Sequence[APIRoute]
) -> dict[str, Any]:
    doc = get_openapi(
        title="Modern Petstore API",
        version=__version__,
        summary="A pet adoption store API: REST done right, events, OAuth 2.0 and an AI advisor.",
        description=DESCRIPTION + (SANDBOX_DESCRIPTION if settings.auth_mode == "sandbox" else ""),
        routes=app.routes,
        webhooks=documented_webhooks(CATALOGUE),
        tags=[
            {"name": "Pet", "description": "Pets available for adoption."},
            {"name": "Store", "description": "Orders and inventory."},
            {"name": "Payments", "description": "Paying orders, payment attempts, receipts."},
            {"name": "User", "description": "Accounts, and logging in (`createToken`)."},
            {
                "name": "Auth",
                "description": "Token refresh and logout, keys; OAuth 2.0 metadata and clients.",
            },
            {"name": "Webhooks", "description": "Event subscriptions and their deliveries."},
            {"name": "Chat", "description": "The pet adoption advisor."},
            {"name": "Support", "description": "Support conversations with staff agents."},
        ],
    )
    doc["openapi"] = "3.2.0"
    # No jsonSchemaDialect: 2020-12 is already the default, and Swagger UI warns about it.
    doc["info"]["license"] = {"name": "MIT License", "identifier": "MIT"}
    doc["servers"] = [{"url": settings.public_url or "/", "description": "This server"}]
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["headers"] = RESPONSE_HEADERS
    components["securitySchemes"] = _security_schemes(settings)
    scopes_by_op: dict[tuple[str, str], frozenset[str] | None] = {}
    for route in api_routes:
        if route.include_in_schema:
            for method in route.methods or ():
                scopes_by_op[(route.path_format, method.lower())] = route_scopes(route)
    _document_query_bodies(doc, api_routes)
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                _finish_operation(op, method, scopes_by_op.get((path, method)))
    _finish_events(doc)
    if settings.auth_mode == "sandbox":
        _sandbox_public(doc)
    _document_redactions(doc, api_routes)
    add_links(doc)
    return doc
