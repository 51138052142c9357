"""JSON responses, strong ETags and conditional requests (``If-None-Match``/``If-Match``).

Endpoints return ready-made responses built here: serialising once with orjson is both the
fastest path and the only way the ETag can be the hash of exactly the bytes that are sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from petstore.core.problems import Problem


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(header: str, etag: str) -> bool:
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or etag in candidates or f"W/{etag}" in candidates


def resource_response(
    request: Request,
    payload: Mapping[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A single resource with its strong ETag; answers 304 when the client's copy is current."""
    body = orjson.dumps(payload)
    etag = etag_for(body)
    all_headers = {"ETag": etag, "Cache-Control": "private, no-cache", **(headers or {})}
    if status_code == 200 and request.method in ("GET", "HEAD"):
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None and _matches(if_none_match, etag):
            return Response(status_code=304, headers={"ETag": etag})
    return Response(body, status_code, all_headers, media_type="application/json")


def created_response(request: Request, payload: Mapping[str, Any], location: str) -> Response:
    return resource_response(request, payload, 201, {"Location": location})


def no_content() -> Response:
    return Response(status_code=204)


def require_if_match(request: Request, current_payload: Mapping[str, Any]) -> None:
    """Refuse a write whose ``If-Match`` does not name the current representation (412)."""
    if_match = request.headers.get("if-match")
    if if_match is None:
        return
    if not _matches(if_match, etag_for(orjson.dumps(current_payload))):
        raise Problem(
            412,
            "The resource has changed since you read it (If-Match does not match its ETag).",
        )
