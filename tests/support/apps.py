"""The app in-process: started with its lifespan, and HTTP clients that call it through ASGI
(real requests and responses, no server and no sockets)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from petstore.app import create_app
from petstore.core.settings import Settings

BASE_URL = "http://petstore.test"


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app built from ``settings``, started (and stopped) as a server would."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


def make_client(
    app: FastAPI, tenant: str | None, base_url: str = BASE_URL, client_ip: str = "127.0.0.1"
) -> httpx.AsyncClient:
    """A client of ``app`` in ``tenant`` (none: no ``X-Tenant-ID``, as a browser sends),
    appearing to come from ``client_ip``; app errors come back as 500 answers, as they would
    over a network."""
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(client_ip, 123)),
        base_url=base_url,
        headers=headers,
    )
