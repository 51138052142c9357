"""Absolute URLs for HATEOAS links and ``Location`` headers.

``PETSTORE_PUBLIC_URL`` wins when set (behind a proxy the Host header is not the public name);
otherwise the request's own base URL is used.
"""

from __future__ import annotations

from fastapi import Request


def base_url(request: Request) -> str:
    public: str | None = request.app.state.settings.public_url
    if public:
        return public.rstrip("/")
    return str(request.base_url).rstrip("/")


def absolute(request: Request, path: str) -> str:
    return base_url(request) + path
