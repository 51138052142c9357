"""The classic OpenAPI 3.0 document, generated from the classic routes and wire models.

FastAPI writes the paths and parameters from the routes (bodies and answers are declared on
each route with the helpers below, since one body has three media types); the schemas come
from :mod:`petstore.classic.schemas`; then the JSON Schema 2020-12 spellings pydantic uses are
rewritten in OpenAPI 3.0's (``nullable``, ``example``), for the classic clients' generators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute

from petstore import __version__
from petstore.classic.schemas import COMPONENTS, FORMS
from petstore.core.settings import Settings

REF = "#/components/schemas/{model}"
JSON_XML = ("application/json", "application/xml")
FORM = "application/x-www-form-urlencoded"
OPENAPI_VERSION = "3.0.3"
BASE_PATH = "/api/v3"
TAGS = [
    {"name": "pet", "description": "Everything about your pets"},
    {"name": "store", "description": "Orders for pets"},
    {"name": "user", "description": "Sandbox user records"},
]
DESCRIPTION = (
    "The classic Swagger Petstore v3 operations, served by this server with data of their own: "
    "every tenant (`X-Tenant-ID`, default the shared pool) starts with the reference's demo "
    "pets and users, and `petstore classic reset` restores them. Answers are JSON, or XML for "
    "`Accept: application/xml`; errors are short sentences, or RFC 9457 problems for "
    "`Accept: application/problem+json`. Text may not contain U+0000."
)


def ref(model: str) -> dict[str, str]:
    return {"$ref": REF.format(model=model)}


def body(model: str, description: str, *, form: str | None = None) -> dict[str, Any]:
    """``openapi_extra`` for a required body in JSON, XML and (as ``form``, if flatter) form
    fields."""
    content = {media: {"schema": ref(model)} for media in JSON_XML}
    content[FORM] = {"schema": ref(form or model)}
    return {"requestBody": {"description": description, "required": True, "content": content}}


def answers(
    ok: str,
    schema: Mapping[str, Any] | None = None,
    *,
    media: Sequence[str] = JSON_XML,
    errors: Mapping[int, str] | None = None,
    headers: Mapping[str, Any] | None = None,
) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of an operation: 200 (``schema`` in ``media``, if any), the errors
    with the sentences the server answers, and ``default``."""
    success: dict[str, Any] = {"description": ok}
    if schema is not None:
        success["content"] = {m: {"schema": dict(schema)} for m in media}
    if headers:
        success["headers"] = dict(headers)
    declared: dict[int | str, dict[str, Any]] = {200: success}
    for status, message in (errors or {}).items():
        declared[status] = {"description": message}
    declared["default"] = {"description": "Unexpected error"}
    return declared


def security(*schemes: str) -> dict[str, Any]:
    """The reference's schemes, and ``{}``: a sandbox also serves anonymous callers."""
    scopes = {"petstore_auth": ["write:pets", "read:pets"], "api_key": []}
    return {"security": [*({scheme: scopes[scheme]} for scheme in schemes), {}]}


def _security_schemes(settings: Settings) -> dict[str, Any]:
    origin = (settings.public_url or "").rstrip("/")
    return {
        "petstore_auth": {
            "type": "oauth2",
            "flows": {
                "implicit": {
                    "authorizationUrl": f"{origin}/oauth/authorize",
                    "scopes": {"write:pets": "modify pets", "read:pets": "read pets"},
                }
            },
        },
        "api_key": {"type": "apiKey", "name": "api_key", "in": "header"},
    }


def to_openapi_3_0(node: Any) -> Any:
    """JSON Schema 2020-12 as OpenAPI 3.0 says it: ``examples`` becomes ``example`` and
    ``const`` a one-value ``enum``. An optional field is left out, never ``null`` (the models
    refuse an explicit null), so the ``null`` alternative and ``None`` default go."""
    if isinstance(node, list):
        return [to_openapi_3_0(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: to_openapi_3_0(value) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        node.pop("anyOf")
        if len(rest) == 1 and "$ref" in rest[0]:
            node["allOf"] = rest
        elif len(rest) == 1:
            node = {**rest[0], **node}
        else:
            node["anyOf"] = rest
        if node.get("default", ...) is None:
            node.pop("default")
    if isinstance(node.get("examples"), list) and node["examples"]:
        node["example"] = node.pop("examples")[0]
    if "const" in node:
        node["enum"] = [node.pop("const")]
    return node


def build_document(routes: Sequence[BaseRoute], settings: Settings) -> dict[str, Any]:
    origin = (settings.public_url or "").rstrip("/")
    document = get_openapi(
        title="Classic Petstore API (Swagger Petstore v3)",
        version=__version__,
        openapi_version=OPENAPI_VERSION,
        description=DESCRIPTION,
        routes=routes,
        tags=TAGS,
        servers=[{"url": f"{origin}{BASE_PATH}"}],
    )
    _, schemas = models_json_schema(
        [(model, "validation") for model in (*COMPONENTS, *FORMS)], ref_template=REF
    )
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(schemas["$defs"])
    components["securitySchemes"] = _security_schemes(settings)
    return dict(to_openapi_3_0(document))
