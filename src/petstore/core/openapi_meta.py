"""Declarations of error responses for route decorators, so every status an operation can
answer appears in the OpenAPI document with the problem schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from petstore.core.problems import SLUGS, _title_for

PROBLEM_SCHEMA_REF = {"$ref": "#/components/schemas/Problem"}

_DESCRIPTIONS: dict[int, str] = {
    304: "Not modified: your cached copy (If-None-Match) is current.",
    400: "Malformed request: a bad parameter, header or JSON syntax.",
    401: "Authentication is missing or the token is invalid, expired or revoked.",
    402: "The payment was declined.",
    403: "Authenticated, but not allowed (missing scope or role).",
    404: "The resource does not exist (or is not yours to see).",
    409: "Conflict with the current state (duplicate, wrong state, in-flight idempotency key).",
    412: "If-Match does not match the current ETag.",
    413: "The request body is too large.",
    415: "The request body's content type is not supported.",
    422: "The request body failed validation (see `errors`).",
    429: "Rate limit exceeded; see Retry-After.",
    502: "The upstream language model failed.",
    504: "The upstream language model did not answer in time.",
}


def problem_response_doc(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS.get(status, _title_for(status)),
        "content": {
            "application/problem+json": {
                "schema": PROBLEM_SCHEMA_REF,
                "example": {
                    "type": f"https://petstoreapi.com/errors/{SLUGS.get(status, 'error')}",
                    "title": _title_for(status),
                    "status": status,
                },
            }
        },
    }


def responses_for(
    *statuses: int, body: bool = False, described: Mapping[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """Problem responses for the given statuses; ``body=True`` adds 413 and 415 for writes;
    ``described`` says what a status means for this operation, in place of the general
    sentence."""
    wanted = set(statuses)
    if body:
        wanted |= {400, 413, 415, 422}
    docs: dict[int | str, dict[str, Any]] = {}
    for status in sorted(wanted):
        if status == 304:
            docs[status] = {"description": _DESCRIPTIONS[304]}
        else:
            docs[status] = problem_response_doc(status)
        if described and status in described:
            docs[status]["description"] = described[status]
    return docs
