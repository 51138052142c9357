"""Absolute URLs for HATEOAS links and ``Location`` headers.

``PETSTORE_PUBLIC_URL`` wins when set (behind a proxy the Host header is not the public name);
otherwise the request's own base URL is used.
"""

from __future__ import annotations

from contextvars import ContextVar

from fastapi import Request

# The base URL of the request being served, for code far from the request (event payloads).
current_base_url: ContextVar[str] = ContextVar("current_base_url", default="")


def base_url(request: Request) -> str:
    public: str | None = request.app.state.settings.public_url
    base = public.rstrip("/") if public else str(request.base_url).rstrip("/")
    current_base_url.set(base)
    return base


def absolute(request: Request, path: str) -> str:
    return base_url(request) + path
