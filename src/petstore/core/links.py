"""Absolute URLs for HATEOAS links and ``Location`` headers.

``PETSTORE_PUBLIC_URL`` wins when set (behind a proxy the Host header is not the public name);
otherwise the request's own base URL is used. Services that record events are handed this value
by the door that calls them.
"""

from __future__ import annotations

from fastapi import Request

from petstore.core.container import plumbing


def base_url(request: Request) -> str:
    public = plumbing(request.app).settings.public_url
    return public.rstrip("/") if public else str(request.base_url).rstrip("/")


def absolute(request: Request, path: str) -> str:
    return base_url(request) + path
